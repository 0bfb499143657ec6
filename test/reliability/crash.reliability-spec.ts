import fs from 'node:fs';
import { DataSource } from 'typeorm';
import { findCurrentFactProblems } from '../../src/delivery/current-facts-check';
import { findHistoryProblems } from '../../src/scale/history-consistency';
import { AppProcess, call, Deployment } from './server-process';

/**
 * kill -9 of the app in the middle of a large import and in the middle of a burst of writes,
 * then a restart on the same database: it opens, holds no part of the import, and holds every
 * write that was acknowledged before the kill, each with its audit event.
 */
jest.setTimeout(300_000);

const COUNTS_SQL = `SELECT (SELECT COUNT(*) FROM finding) AS findings, (SELECT COUNT(*) FROM action) AS actions,
  (SELECT COUNT(*) FROM action_finding) AS links, (SELECT COUNT(*) FROM progress_update) AS updates,
  (SELECT COUNT(*) FROM import_record) AS imports, (SELECT COUNT(*) FROM app_user) AS users`;

function planCsv(rows: number): string {
  const lines = ['Reference,Type,Finding,Action,Owner,Due date,Progress'];
  for (let n = 1; n <= rows; n++) {
    lines.push(
      `CR${n},MUST,The trust must fix crash problem ${n}.,Fix crash problem ${n},aisha.khan@example.nhs.uk,31/03/2031,Started 10%`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('after kill -9', () => {
  let deployment: Deployment;
  let app: AppProcess;
  let token: string;

  const inspect = async <T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> => {
    const dataSource = await deployment.connect();
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  };
  const counts = () =>
    inspect(async (d) => (await d.query(COUNTS_SQL))[0] as Record<string, unknown>);

  /**
   * Resolves once the import's transaction has written: on SQLite its pages spill from the
   * cache into the WAL file (well before its commit, for 11,000 rows); on PostgreSQL a session
   * holds a transaction id while running the import's INSERTs.
   */
  const whenImportWrites = async (): Promise<void> => {
    const deadline = Date.now() + 120_000;
    const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
    if (deployment.postgres) {
      const dataSource = await deployment.connect();
      try {
        while (Date.now() < deadline) {
          const [{ n }] = await dataSource.query(
            `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE backend_xid IS NOT NULL
               AND pid <> pg_backend_pid() AND query LIKE '%INSERT INTO "action"%'`,
          );
          if (Number(n) > 0) return;
          await pause();
        }
      } finally {
        await dataSource.destroy();
      }
    } else {
      const wal = `${deployment.database.sqlitePath}-wal`;
      const size = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
      const start = size();
      while (Date.now() < deadline) {
        if (size() > start + 1024 * 1024) return;
        await pause();
      }
    }
    throw new Error('the import never started writing');
  };

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

  it('keeps no part of an import killed halfway', async () => {
    const before = await counts();
    const form = new FormData();
    form.append('file', new Blob([planCsv(11_000)], { type: 'text/csv' }), 'plan.csv');
    const importing = fetch(`${app.url}/api/v1/imports/plan?organisationId=1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    }).then(
      (response) => response.status,
      () => 'killed' as const,
    );
    // Killed once the import is writing rows in its transaction (a fixed wait no longer does:
    // the batched import of 4,000 rows can finish inside it).
    await whenImportWrites();
    await app.kill();
    expect(await importing).toBe('killed');

    await app.start();
    expect((await call(`${app.url}/health`, token)).status).toBe(200);
    expect(await counts()).toEqual(before);
    if (!deployment.postgres) {
      const [integrity] = await inspect((d) => d.query('PRAGMA integrity_check'));
      expect(integrity).toEqual({ integrity_check: 'ok' });
    }
    // And the same import, run again to the end, works.
    const again = new FormData();
    again.append('file', new Blob([planCsv(50)], { type: 'text/csv' }), 'plan.csv');
    const response = await fetch(`${app.url}/api/v1/imports/plan?organisationId=1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: again,
    });
    expect(response.status).toBe(200);
    expect((await counts()).actions).toEqual(Number(before.actions) + 50);
  });

  it('keeps every write acknowledged before a kill in the middle of a burst', async () => {
    const actions = await inspect((d) =>
      d.query<{ id: number }[]>(
        "SELECT id FROM action WHERE status IN ('NOT_STARTED', 'IN_PROGRESS') ORDER BY id",
      ),
    );
    const acknowledged: { note: string; actionId: number }[] = [];
    let failed = 0;
    let sent = 0;
    const worker = async (w: number) => {
      for (let n = 0; n < 200; n++) {
        const actionId = Number(actions[(w + n) % actions.length].id);
        const note = `burst ${w}-${n}`;
        sent++;
        const answer = await call(`${app.url}/api/v1/actions/${actionId}/progress`, token, {
          method: 'POST',
          body: { note, progress: 1 + (n % 90) },
          timeoutMs: 10_000,
        });
        if (answer.status === 201 || answer.status === 200) acknowledged.push({ note, actionId });
        else if (answer.status === 0) failed++;
        else throw new Error(`Unexpected ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };
    const burst = Promise.all(Array.from({ length: 10 }, (_, w) => worker(w)));
    while (acknowledged.length < 100) await new Promise((resolve) => setTimeout(resolve, 20));
    await app.kill();
    await burst;
    expect(failed).toBeGreaterThan(0); // the kill landed mid-burst
    expect(acknowledged.length).toBeLessThan(sent);

    await app.start();
    await inspect(async (d) => {
      const stored = await d.query<{ note: string; action_id: number; audited: number }[]>(
        `SELECT pu.note, pu.action_id,
           (SELECT COUNT(*) FROM audit_event ae WHERE ae.entity = 'progress_update' AND ae.entity_id = CAST(pu.id AS varchar(40))) AS audited
         FROM progress_update pu WHERE pu.note LIKE 'burst %'`,
      );
      const byNote = new Map(stored.map((row) => [row.note, row]));
      for (const { note, actionId } of acknowledged) {
        expect(Number(byNote.get(note)?.action_id)).toBe(actionId);
        expect(Number(byNote.get(note)?.audited)).toBe(1);
      }
      // At most the writes in flight at the kill committed without their answer arriving.
      expect(stored.length - acknowledged.length).toBeLessThanOrEqual(10);
      expect(await findHistoryProblems(d)).toEqual([]);
      expect(await findCurrentFactProblems(d)).toEqual([]);
    });
  });
});
