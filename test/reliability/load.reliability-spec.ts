import { DataSource } from 'typeorm';
import { findCurrentFactProblems } from '../../src/delivery/current-facts-check';
import { findHistoryProblems } from '../../src/scale/history-consistency';
import { AppProcess, call, Deployment } from './server-process';

/**
 * Mixed load from 50 connections: 80% reads, 20% writes (progress updates and evidence), for
 * LOAD_SECONDS (60 in CI). On SQLite one app instance takes it; on PostgreSQL two instances on
 * one database take it in turn, the scale-out shape. Afterwards: no 5xx and no hang, every
 * acknowledged write is in the database exactly once with its audit event, and every action's
 * state is the end of its history. Writers send the version they read, so a write that lost a
 * race is a 409, never a silently overwritten update.
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = 50;
jest.setTimeout((SECONDS + 240) * 1000);

interface Tally {
  statuses: Map<number, number>;
  progress: { note: string; actionId: number }[];
  evidence: { id: number; title: string }[];
  conflicts: number;
}

describe('under mixed load', () => {
  let deployment: Deployment;
  let apps: AppProcess[];
  let token: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    deployment = await Deployment.create();
    const instances = deployment.postgres ? 2 : 1;
    apps = [];
    for (let i = 0; i < instances; i++) {
      const app = await deployment.app();
      await app.start(); // the first start loads the demo data into the empty database
      apps.push(app);
    }
    token = deployment.token('priya.shah@example.nhs.uk');
    dataSource = await deployment.connect();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    for (const app of apps ?? []) await app.stop();
    await deployment?.drop();
  });

  it('answers every request, keeps every acknowledged write, and loses no update', async () => {
    let turn = 0;
    const base = () => apps[turn++ % apps.length].url;
    const open = (
      await dataSource.query<{ id: number; version: number }[]>(
        "SELECT id, version FROM action WHERE status IN ('NOT_STARTED', 'IN_PROGRESS') ORDER BY id",
      )
    ).map((row) => Number(row.id));
    expect(open.length).toBeGreaterThan(3);
    const versions = new Map<number, number>();
    const tally: Tally = { statuses: new Map(), progress: [], evidence: [], conflicts: 0 };
    const count = (status: number) =>
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);

    const reads = [
      () => `/api/v1/actions?organisationId=1&limit=20&sort=dueDate`,
      () => `/api/v1/actions/${open[Math.floor(Math.random() * open.length)]}`,
      () => `/api/v1/readiness?organisationId=1`,
      () => `/api/v1/findings?organisationId=1&limit=20`,
      () => `/api/v1/actions?brag=RED&limit=10`,
    ];
    const until = Date.now() + SECONDS * 1000;
    const worker = async (w: number) => {
      for (let n = 0; Date.now() < until; n++) {
        if (Math.random() < 0.8) {
          const path = reads[Math.floor(Math.random() * reads.length)]();
          count((await call(`${base()}${path}`, token)).status);
          continue;
        }
        const actionId = open[Math.floor(Math.random() * open.length)];
        if (Math.random() < 0.5) {
          if (!versions.has(actionId)) {
            const read = await call(`${base()}/api/v1/actions/${actionId}`, token);
            count(read.status);
            versions.set(actionId, (read.body as { version: number }).version);
          }
          const note = `load ${w}-${n}`;
          const answer = await call(`${base()}/api/v1/actions/${actionId}/progress`, token, {
            method: 'POST',
            body: { note, progress: 1 + ((w + n) % 90), version: versions.get(actionId) },
          });
          count(answer.status);
          if (answer.status === 201 || answer.status === 200) {
            tally.progress.push({ note, actionId });
            versions.set(actionId, (answer.body as { version: number }).version);
          } else if (answer.status === 409) {
            tally.conflicts++;
            versions.delete(actionId); // read it again before the next try
          }
        } else {
          const title = `load evidence ${w}-${n}`;
          const answer = await call(`${base()}/api/v1/actions/${actionId}/evidence`, token, {
            method: 'POST',
            body: { kind: 'note', title, note: 'Seen on the ward walkround' },
          });
          count(answer.status);
          if (answer.status === 201) {
            tally.evidence.push({ id: (answer.body as { id: number }).id, title });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));

    const answered = [...tally.statuses.values()].reduce((sum, n) => sum + n, 0);
    process.stdout.write(
      `${answered} requests in ${SECONDS} s on ${apps.length} instance(s): ` +
        `${JSON.stringify(Object.fromEntries(tally.statuses))}; ` +
        `${tally.progress.length} updates and ${tally.evidence.length} evidence acknowledged, ${tally.conflicts} conflicts\n`,
    );
    // No 5xx, and no request that failed or hung (status 0).
    const failures = [...tally.statuses.keys()].filter((status) => status >= 500 || status === 0);
    expect(failures).toEqual([]);
    // Everything else was a success or a version conflict.
    expect([...tally.statuses.keys()].every((s) => [200, 201, 409].includes(s))).toBe(true);
    expect(tally.progress.length).toBeGreaterThan(50);
    expect(tally.evidence.length).toBeGreaterThan(50);

    // Every acknowledged progress update is stored once, on its action, with its audit event.
    const stored = await dataSource.query<
      { id: number; note: string; action_id: number; audited: number }[]
    >(
      `SELECT pu.id, pu.note, pu.action_id,
         (SELECT COUNT(*) FROM audit_event ae WHERE ae.entity = 'progress_update' AND ae.entity_id = CAST(pu.id AS varchar(40))) AS audited
       FROM progress_update pu WHERE pu.note LIKE 'load %'`,
    );
    const storedByNote = new Map(stored.map((row) => [row.note, row]));
    expect(stored.length).toBe(tally.progress.length);
    for (const { note, actionId } of tally.progress) {
      expect(Number(storedByNote.get(note)?.action_id)).toBe(actionId);
      expect(Number(storedByNote.get(note)?.audited)).toBe(1);
    }
    const evidence = await dataSource.query<{ id: number; title: string; audited: number }[]>(
      `SELECT e.id, e.title,
         (SELECT COUNT(*) FROM audit_event ae WHERE ae.entity = 'evidence' AND ae.entity_id = CAST(e.id AS varchar(40))) AS audited
       FROM evidence e WHERE e.title LIKE 'load evidence %'`,
    );
    expect(evidence.length).toBe(tally.evidence.length);
    const evidenceById = new Map(evidence.map((row) => [Number(row.id), row]));
    for (const { id, title } of tally.evidence) {
      expect(evidenceById.get(id)?.title).toBe(title);
      expect(Number(evidenceById.get(id)?.audited)).toBe(1);
    }

    // Each acknowledged update moved its action's version by exactly one: none was lost.
    const perAction = new Map<number, number>();
    for (const { actionId } of tally.progress)
      perAction.set(actionId, (perAction.get(actionId) ?? 0) + 1);
    const counted = await dataSource.query<{ id: number; updates: number }[]>(
      `SELECT a.id, (SELECT COUNT(*) FROM progress_update pu WHERE pu.action_id = a.id AND pu.note LIKE 'load %') AS updates
       FROM action a`,
    );
    for (const row of counted) expect(Number(row.updates)).toBe(perAction.get(Number(row.id)) ?? 0);
    expect(await findHistoryProblems(dataSource)).toEqual([]);
    expect(await findCurrentFactProblems(dataSource)).toEqual([]);
  });

  it('lets one of many concurrent writes to an action win and answers the rest 409', async () => {
    const [{ id, version }] = await dataSource.query<{ id: number; version: number }[]>(
      "SELECT id, version FROM action WHERE status = 'IN_PROGRESS' ORDER BY id LIMIT 1",
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(`${apps[i % apps.length].url}/api/v1/actions/${id}/progress`, token, {
          method: 'POST',
          body: { note: `race ${i}`, progress: 50 + i, version: Number(version) },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201 || s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = answers.findIndex((a) => a.status === 201 || a.status === 200);
    const [after] = await dataSource.query<{ version: number; progress: number }[]>(
      'SELECT version, progress FROM action WHERE id = $1'.replace('$1', String(Number(id))),
    );
    expect(Number(after.version)).toBe(Number(version) + 1);
    expect(Number(after.progress)).toBe(50 + winner);
    const races = await dataSource.query<{ note: string }[]>(
      `SELECT note FROM progress_update WHERE action_id = ${Number(id)} AND note LIKE 'race %'`,
    );
    expect(races.map((r) => r.note)).toEqual([`race ${winner}`]);
    expect(await findHistoryProblems(dataSource)).toEqual([]);
    expect(await findCurrentFactProblems(dataSource)).toEqual([]);
  });
});
