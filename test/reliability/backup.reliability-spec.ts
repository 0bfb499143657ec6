import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findCurrentFactProblems } from '../../src/delivery/current-facts-check';
import { findHistoryProblems } from '../../src/scale/history-consistency';
import { AppProcess, call, Deployment } from './server-process';

/**
 * `cli backup` while the app serves a stream of writes, then `cli restore` of that backup:
 * the restored database opens, passes its checks, holds every write acknowledged before the
 * backup began, and none acknowledged after it ended. SQLite only; PostgreSQL is backed up
 * with pg_dump (docs/operations.md).
 */
jest.setTimeout(180_000);
const run = promisify(execFile);
const CLI = path.join(__dirname, '../../dist/src/cli.js');
const describeOnSqlite = process.env.DATABASE_URL ? describe.skip : describe;

describeOnSqlite('backup and restore while serving writes', () => {
  let deployment: Deployment;
  let app: AppProcess;
  let token: string;

  beforeAll(async () => {
    deployment = await Deployment.create();
    app = await deployment.app();
    await app.start();
    token = deployment.token('priya.shah@example.nhs.uk');
  });

  afterAll(async () => {
    await app?.stop();
    await deployment?.drop();
  });

  it('round-trips a live database', async () => {
    const { items } = (await call(`${app.url}/api/v1/actions?status=IN_PROGRESS&limit=10`, token))
      .body as { items: { id: number }[] };
    const acknowledged: { note: string; at: number }[] = [];
    let writing = true;
    const writer = async (w: number) => {
      for (let n = 0; writing; n++) {
        const note = `backup ${w}-${n}`;
        const answer = await call(
          `${app.url}/api/v1/actions/${items[(w + n) % items.length].id}/progress`,
          token,
          {
            method: 'POST',
            body: { note, progress: 1 + (n % 90) },
          },
        );
        expect([200, 201]).toContain(answer.status);
        acknowledged.push({ note, at: Date.now() });
      }
    };
    const writers = Promise.all(Array.from({ length: 5 }, (_, w) => writer(w)));
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const file = path.join(path.dirname(deployment.database.sqlitePath), 'backup.sqlite');
    const backupStarted = Date.now();
    const { stdout } = await run(process.execPath, [CLI, 'backup', file], { env: deployment.env });
    const backupEnded = Date.now();
    expect(stdout).toMatch(/integrity ok/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    writing = false;
    await writers;
    const before = acknowledged.filter((w) => w.at < backupStarted).map((w) => w.note);
    const after = acknowledged.filter((w) => w.at > backupEnded).map((w) => w.note);
    expect(before.length).toBeGreaterThan(10);
    expect(after.length).toBeGreaterThan(10);

    await app.stop();
    const restored = deployment.cli('restore', file);
    expect(restored).toMatch(/kept at (\S+)\./);
    expect(fs.existsSync(/kept at (\S+)\./.exec(restored)![1])).toBe(true);
    await app.start();
    expect((await call(`${app.url}/health`, '')).status).toBe(200);

    const dataSource = await deployment.connect();
    try {
      const notes = new Set(
        (
          await dataSource.query<{ note: string }[]>(
            "SELECT note FROM progress_update WHERE note LIKE 'backup %'",
          )
        ).map((row) => row.note),
      );
      for (const note of before) expect(notes.has(note)).toBe(true);
      for (const note of after) expect(notes.has(note)).toBe(false);
      expect(await findHistoryProblems(dataSource)).toEqual([]);
      expect(await findCurrentFactProblems(dataSource)).toEqual([]);
      expect(await dataSource.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('refuses to restore a file that is not a tracker database, and changes nothing', () => {
    const junk = path.join(path.dirname(deployment.database.sqlitePath), 'junk.sqlite');
    fs.writeFileSync(junk, 'not a database');
    const size = fs.statSync(deployment.database.sqlitePath).size;
    expect(() => deployment.cli('restore', junk)).toThrow(/is not an SQLite database/);
    expect(fs.statSync(deployment.database.sqlitePath).size).toBe(size);
  });
});
