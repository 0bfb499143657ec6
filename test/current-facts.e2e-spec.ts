import path from 'node:path';
import sqlite3 from 'sqlite3';
import { Client as PgClient } from 'pg';
import { addDays, todayDate } from '../src/common/dates';
import { buildProgram } from '../src/cli';
import { findCurrentFactProblems } from '../src/delivery/current-facts-check';
import { realClock, setClock, londonStartOfDay } from './clock';
import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import { Client, createTestApp, TestApp } from './test-app';
import { TestDatabase } from './test-database';

/**
 * Issue 19: each action keeps its facts as at now (off track, last activity, reinspection date,
 * beside status, progress and due date) in columns that today's lists read. Property: after any
 * sequence of writes through the real API (progress, flags, due-date moves, assurance,
 * cancellation, relinks, reinspection dates, findings moving service, plan imports), the kept
 * columns equal the facts derived from the history (delivery/current-facts-check.ts, what
 * `cli verify` runs). Seeded, so a failure replays.
 */

/** A small seeded generator (mulberry32), so the sequence is the same every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

const SEED = 19;
const OPERATIONS = 220;

describe('facts kept on actions as at now', () => {
  let t: TestApp & { database: TestDatabase };
  let quality: Client;
  let organisationId: number;
  const services: number[] = [];
  const findings: { id: number; text: string }[] = [];
  const actions: { id: number; reference: string }[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    t = await createTestApp();
    quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
    organisationId = (await buildOrganisation(t.http)).id;
    for (const days of [40, 90, null]) {
      const service = await buildCoreService(t.http, organisationId, {
        ...(days === null ? {} : { reinspectionDate: addDays(todayDate(), days) }),
      });
      services.push(service.id);
    }
    for (let i = 0; i < 6; i++) {
      const text = `The trust must put right failing ${i}. (Regulation 12)`;
      const finding = await buildFinding(t.http, organisationId, {
        coreServiceId: i === 5 ? null : services[i % 3],
        text,
      });
      findings.push({ id: finding.id, text });
    }
    for (let i = 0; i < 6; i++) {
      const reference = `CF${i}`;
      const action = await buildAction(t.http, [findings[i].id], {
        reference,
        dueDate: addDays(todayDate(), 10 + 10 * i),
      });
      actions.push({ id: action.id, reference });
    }
  });
  afterAll(async () => {
    realClock();
    process.env = saved;
    await t.close();
  });

  const expectNoMismatch = async () =>
    expect(await findCurrentFactProblems(t.dataSource)).toEqual([]);

  it('keeps them equal to the history through a random sequence of writes', async () => {
    const r = random(SEED);
    const counts: Record<string, Record<string, number>> = {};
    const tally = (kind: string, status: number) => {
      counts[kind] ??= {};
      counts[kind][status] = (counts[kind][status] ?? 0) + 1;
    };
    for (let n = 0; n < OPERATIONS; n++) {
      const action = r.pick(actions);
      const url = `/api/v1/actions/${action.id}`;
      const kind = r.pick([
        'progress',
        'progress',
        'progress',
        'dueDate',
        'assure',
        'cancel',
        'relink',
        'reinspection',
        'moveFinding',
        'import',
        'create',
      ] as const);
      let status = 0;
      switch (kind) {
        case 'progress': {
          const body: Record<string, unknown> = { note: `Update ${n}`, offTrack: r.chance(0.4) };
          if (r.chance(0.7)) body.progress = r.pick([0, 10, 40, 60, 90]);
          if (r.chance(0.2)) body.status = r.pick(['IN_PROGRESS', 'COMPLETED']);
          status = (await t.http.post(`${url}/progress`).send(body)).status;
          break;
        }
        case 'dueDate':
          status = (
            await t.http
              .post(`${url}/due-date`)
              .send({ dueDate: addDays(todayDate(), r.int(-20, 150)), reason: `Moved ${n}` })
          ).status;
          break;
        case 'assure': {
          const evidence = await t.http.post(`${url}/evidence`).send({
            kind: 'link',
            title: `Evidence ${n}`,
            url: 'https://intranet.example.nhs.uk/evidence',
            category: 'Processes',
          });
          if (evidence.status === 201)
            await quality
              .post(`${url}/evidence/${evidence.body.id}/review`)
              .send({ decision: 'ACCEPTED', note: 'Checked' });
          status = (await quality.post(`${url}/assure`).send({ note: `Assured ${n}` })).status;
          break;
        }
        case 'cancel':
          if (!r.chance(0.3)) continue;
          status = (await t.http.post(`${url}/cancel`).send({ reason: `Cancelled ${n}` })).status;
          break;
        case 'relink': {
          const chosen = findings.filter(() => r.chance(0.35)).map((f) => f.id);
          status = (
            await t.http.patch(url).send({ findingIds: chosen.length ? chosen : [findings[0].id] })
          ).status;
          break;
        }
        case 'reinspection':
          status = (
            await t.http.patch(`/api/v1/core-services/${r.pick(services)}`).send({
              reinspectionDate: r.chance(0.2) ? null : addDays(todayDate(), r.int(-10, 200)),
            })
          ).status;
          break;
        case 'moveFinding':
          status = (
            await t.http
              .patch(`/api/v1/findings/${r.pick(findings).id}`)
              .send({ coreServiceId: r.chance(0.2) ? null : r.pick(services) })
          ).status;
          break;
        case 'import': {
          const finding = r.pick(findings);
          const reference = r.chance(0.5) ? action.reference : `CF${actions.length}`;
          const due = addDays(todayDate(), r.int(5, 200));
          const [y, m, d] = due.split('-');
          const csv = `Ref,Issue,Action,Due date\n${reference},"${finding.text}",Imported ${n},${d}/${m}/${y}\n`;
          const response = await quality
            .post(`/api/v1/imports/plan?organisationId=${organisationId}&conflict=update`)
            .attach('file', Buffer.from(csv), 'plan.csv');
          status = response.status;
          if (status === 200 && !actions.some((a) => a.reference === reference)) {
            const [row] = await t.dataSource.query<{ id: number }[]>(
              `SELECT id FROM action WHERE organisation_id = ${organisationId} AND reference = '${reference}'`,
            );
            if (row) actions.push({ id: Number(row.id), reference });
          }
          break;
        }
        case 'create': {
          const reference = `CF${actions.length}`;
          const created = await t.http.post('/api/v1/actions').send({
            findingIds: [r.pick(findings).id],
            title: `Created ${n}`,
            reference,
            dueDate: addDays(todayDate(), r.int(-5, 120)),
          });
          status = created.status;
          if (status === 201) actions.push({ id: created.body.id, reference });
          break;
        }
      }
      tally(kind, status);
      // A refusal is fine (a closed action, an unchanged date); a server error never is.
      expect({ n, kind, serverError: status >= 500 }).toEqual({ n, kind, serverError: false });
      if (n % 50 === 49) await expectNoMismatch();
    }
    await expectNoMismatch();
    // The sequence did reach every kind of write that succeeds.
    for (const kind of ['progress', 'dueDate', 'relink', 'reinspection', 'moveFinding', 'import'])
      expect({ kind, succeeded: Object.keys(counts[kind] ?? {}).some((s) => s < '300') }).toEqual({
        kind,
        succeeded: true,
      });
    const [{ n: assured }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT COUNT(*) AS n FROM action WHERE status IN ('ASSURED', 'CANCELLED')`,
    );
    expect(Number(assured)).toBeGreaterThan(0);
  }, 600_000);

  it('lists today from the kept facts and a past day from the history', async () => {
    const today = todayDate();
    const finding = findings[5]; // trust-wide: no reinspection date to bring anything forward
    const atDay = (daysAgo: number) => {
      const start = Date.parse(londonStartOfDay(addDays(today, -daysAgo)));
      return new Date(start + 12 * 60 * 60 * 1000).toISOString();
    };
    let stale: number;
    let flagged: number;
    let pastDue: number;
    try {
      // Created 60 days ago, last touched 40 days ago: stale today, not then.
      setClock(atDay(60));
      stale = (await buildAction(t.http, [finding.id], { dueDate: addDays(today, 100) })).id;
      flagged = (await buildAction(t.http, [finding.id], { dueDate: addDays(today, 100) })).id;
      pastDue = (await buildAction(t.http, [finding.id], { dueDate: addDays(today, -1) })).id;
      setClock(atDay(40));
      for (const id of [stale, flagged, pastDue])
        await t.http
          .post(`/api/v1/actions/${id}/progress`)
          .send({ note: 'Going', progress: 60, offTrack: id === flagged })
          .expect(201);
      // Flagged off track 40 days ago, cleared 2 days ago.
      setClock(atDay(2));
      await t.http
        .post(`/api/v1/actions/${flagged}/progress`)
        .send({ note: 'Back on track', progress: 70, offTrack: false })
        .expect(201);
    } finally {
      realClock();
    }
    await expectNoMismatch();
    const statusOf = async (id: number, asOf?: string) => {
      const response = await t.http
        .get(
          `/api/v1/actions?organisationId=${organisationId}&findingId=${finding.id}&limit=100${asOf ? `&asOf=${asOf}` : ''}`,
        )
        .expect(200);
      const item = (response.body.items as { id: number; deliveryStatus: string }[]).find(
        (a) => a.id === id,
      );
      return item?.deliveryStatus;
    };
    expect({
      stale: await statusOf(stale),
      flagged: await statusOf(flagged),
      pastDue: await statusOf(pastDue),
    }).toEqual({ stale: 'AT_RISK', flagged: 'ON_TRACK', pastDue: 'OFF_TRACK' });
    const tenDaysAgo = addDays(today, -10);
    expect({
      stale: await statusOf(stale, tenDaysAgo),
      flagged: await statusOf(flagged, tenDaysAgo),
      pastDue: await statusOf(pastDue, tenDaysAgo),
    }).toEqual({ stale: 'ON_TRACK', flagged: 'OFF_TRACK', pastDue: 'ON_TRACK' });
    // Today's list filtered by delivery status in SQL agrees with the rows.
    const offTrack = await t.http
      .get(
        `/api/v1/actions?organisationId=${organisationId}&findingId=${finding.id}&deliveryStatus=OFF_TRACK&limit=100`,
      )
      .expect(200);
    expect((offTrack.body.items as { id: number }[]).map((a) => a.id)).toContain(pastDue);
    expect((offTrack.body.items as { id: number }[]).map((a) => a.id)).not.toContain(flagged);
  });

  it('answers a list while another connection holds a write open, without its uncommitted rows', async () => {
    const [target] = actions;
    const title = 'Uncommitted title seen by nobody';
    const listed = async () =>
      (
        await t.http
          .get(`/api/v1/actions?organisationId=${organisationId}&q=${encodeURIComponent(title)}`)
          .expect(200)
      ).body.total as number;
    if (t.database.databaseUrl) {
      const client = new PgClient({ connectionString: t.database.databaseUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('UPDATE action SET title = $1 WHERE id = $2', [title, target.id]);
        expect(await listed()).toBe(0);
        await client.query('ROLLBACK');
      } finally {
        await client.end();
      }
      return;
    }
    const db = new sqlite3.Database(path.resolve(t.database.sqlitePath));
    const exec = (sql: string, params: unknown[] = []) =>
      new Promise<void>((resolve, reject) =>
        db.run(sql, params, (error) => (error ? reject(error) : resolve())),
      );
    try {
      await exec('PRAGMA busy_timeout = 10000');
      await exec('BEGIN IMMEDIATE');
      await exec('UPDATE action SET title = ? WHERE id = ?', [title, target.id]);
      // The write lock is held: the list still answers, from committed data only.
      expect(await listed()).toBe(0);
      await exec('ROLLBACK');
    } finally {
      await new Promise<void>((resolve) => db.close(() => resolve()));
    }
  });

  it('reports a column corrupted by raw SQL, and cli verify exits with the mismatch', async () => {
    const [first, second] = actions;
    await t.dataSource.query(
      `UPDATE action SET reinspection_at = '2001-02-03' WHERE id = ${first.id}`,
    );
    await t.dataSource.query(
      `UPDATE action SET last_activity_at = '2000-01-01T00:00:00.000Z' WHERE id = ${second.id}`,
    );
    const problems = await findCurrentFactProblems(t.dataSource);
    expect(problems.map((p) => [p.actionId, p.column, p.kept])).toEqual(
      [
        [first.id, 'reinspection_at', '2001-02-03'],
        [second.id, 'last_activity_at', '2000-01-01T00:00:00.000Z'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );

    // The command line, in-process, on the same database.
    if (t.database.databaseUrl) process.env.DATABASE_URL = t.database.databaseUrl;
    else {
      delete process.env.DATABASE_URL;
      process.env.SQLITE_PATH = t.database.sqlitePath;
    }
    const output: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
    let failure: unknown;
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'cli', 'verify'])
        .catch((error: unknown) => (failure = error));
    } finally {
      spy.mockRestore();
    }
    expect(String(failure)).toMatch(/2 history problem\(s\) found/);
    const printed = output.join('');
    expect(printed).toContain(
      `action ${first.id}: kept reinspection_at 2001-02-03 but its history gives`,
    );
    expect(printed).toContain(
      `action ${second.id}: kept last_activity_at 2000-01-01T00:00:00.000Z but its history gives`,
    );
  }, 120_000);
});
