/**
 * The limit baseline of `npm run bench`: the same answers as the app's list and readiness,
 * read by the bare driver from a table of every action's current facts (`bench_facts`) with
 * the indexes that suit these questions. The bench builds the table itself, in the bench
 * database, from the history as at today with SQL written here (not the app's), so the table
 * and its derivation are independent of the app's schema and of how the app keeps its facts.
 * Delivery status stays a judgement made at read time, as the rules make it (past due, due
 * soon and stale move with the date), over the stored facts.
 */
import { addDays, endOfDay } from '../src/common/dates';
import { DUE_SOON_DAYS, DUE_SOON_MIN_PROGRESS, staleBefore } from '../src/delivery/delivery-status';
import type { BareDriver } from './bare-driver';

export type Engine = 'sqlite' | 'postgres';

const STATUSES = ['ASSURED', 'COMPLETED', 'OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'CANCELLED'];
const TYPES = ['MUST', 'SHOULD', 'WARNING_NOTICE', 'RATING'];
const OPEN = "('NOT_STARTED', 'IN_PROGRESS')";

/** Named parameters (`:name`) to the driver's positional ones (`?` or `$n`). */
export function bind(
  engine: Engine,
  sql: string,
  params: Record<string, unknown>,
): [string, unknown[]] {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const text = sql.replace(/:([A-Za-z]\w*)/g, (whole, name: string) => {
    if (!(name in params)) return whole;
    if (engine === 'sqlite') {
      values.push(params[name]);
      return '?';
    }
    if (!index.has(name)) {
      values.push(params[name]);
      index.set(name, values.length);
    }
    return `$${index.get(name)}`;
  });
  return [text, values];
}

export function limitParameters(asOf: string) {
  return {
    asOf,
    asOfEnd: endOfDay(asOf),
    dueSoon: addDays(asOf, DUE_SOON_DAYS),
    dueSoonMinProgress: DUE_SOON_MIN_PROGRESS,
    staleBefore: staleBefore(asOf),
  };
}

/** The delivery rules over a `bench_facts` row `b`, in the order the rules apply. */
const deliveryStatusOf = (b: string) => `CASE
    WHEN ${b}.status IN ('ASSURED', 'COMPLETED', 'CANCELLED') THEN ${b}.status
    WHEN ${b}.due_date < :asOf OR ${b}.off_track = true THEN 'OFF_TRACK'
    WHEN (${b}.reinspection_at IS NOT NULL AND ${b}.due_date > ${b}.reinspection_at)
      OR (${b}.due_date <= :dueSoon AND ${b}.progress < :dueSoonMinProgress)
      OR ${b}.last_activity_at < :staleBefore THEN 'AT_RISK'
    ELSE 'ON_TRACK'
  END`;

/**
 * (Re)builds `bench_facts` (one row per action: its own columns and its facts as at the end of
 * `asOf`) and `bench_action_service` (each action once per core service it addresses, with
 * whether any of its findings there is a MUST), with their indexes. Statements run with their
 * values written in: PostgreSQL takes no parameters in CREATE TABLE ... AS.
 */
export async function buildLimitFacts(
  query: (sql: string) => Promise<unknown>,
  asOf: string,
): Promise<void> {
  const end = `'${endOfDay(asOf)}'`;
  const latest = (column: string, extra = '') =>
    `(SELECT pu.${column} FROM progress_update pu WHERE pu.action_id = a.id AND pu.created_at <= ${end}${extra}
      ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1)`;
  await query('DROP TABLE IF EXISTS bench_facts');
  await query('DROP TABLE IF EXISTS bench_action_service');
  await query(`CREATE TABLE bench_facts AS
    SELECT a.id, a.organisation_id, a.reference, a.title, a.description, a.success_measure,
      a.interim_mitigation, a.owner_id, a.executive_lead_id, a.assured_by_id, a.start_date,
      a.original_due_date, a.cancellation_reason, a.version, a.created_at, a.updated_at,
      COALESCE(${latest('status_to', ' AND pu.status_to IS NOT NULL')}, 'NOT_STARTED') AS status,
      COALESCE(${latest('progress')}, 0) AS progress,
      COALESCE(${latest('off_track')}, false) AS off_track,
      COALESCE((SELECT MAX(pu.created_at) FROM progress_update pu
        WHERE pu.action_id = a.id AND pu.created_at <= ${end}), a.created_at) AS last_activity_at,
      COALESCE((SELECT dc.new_due_date FROM due_date_change dc
        WHERE dc.action_id = a.id AND dc.created_at <= ${end}
        ORDER BY dc.created_at DESC, dc.id DESC LIMIT 1), a.original_due_date) AS due_date,
      (SELECT MIN(cs.reinspection_date) FROM action_finding af
        JOIN finding f ON f.id = af.finding_id JOIN core_service cs ON cs.id = f.core_service_id
        WHERE af.action_id = a.id) AS reinspection_at
    FROM action a WHERE a.created_at <= ${end}`);
  await query(`CREATE TABLE bench_action_service AS
    SELECT af.action_id, b.organisation_id, f.core_service_id,
      MAX(CASE WHEN f.type = 'MUST' THEN 1 ELSE 0 END) AS has_must
    FROM action_finding af JOIN finding f ON f.id = af.finding_id
    JOIN bench_facts b ON b.id = af.action_id
    GROUP BY af.action_id, b.organisation_id, f.core_service_id`);
  for (const index of [
    'CREATE UNIQUE INDEX bench_facts_id ON bench_facts (id)',
    'CREATE INDEX bench_facts_org_status_due ON bench_facts (organisation_id, status, due_date, id)',
    'CREATE INDEX bench_facts_org_due ON bench_facts (organisation_id, due_date, id)',
    'CREATE INDEX bench_action_service_org ON bench_action_service (organisation_id, core_service_id, action_id, has_must)',
    'CREATE INDEX bench_action_service_action ON bench_action_service (action_id)',
    'ANALYZE bench_facts',
    'ANALYZE bench_action_service',
  ]) {
    await query(index);
  }
}

interface LimitRow extends Record<string, unknown> {
  id: number;
  owner_id: number | null;
  executive_lead_id: number | null;
  assured_by_id: number | null;
  total: number | string;
}

/**
 * One trust's off-track actions by due date, first `limit`, with the total, their people and
 * their findings: three statements over the facts table and the link and user tables.
 */
export async function limitOffTrackList(
  driver: BareDriver,
  engine: Engine,
  organisationId: number,
  asOf: string,
  limit: number,
) {
  const params = { ...limitParameters(asOf), organisationId, limit };
  const rows = await driver.query<LimitRow>(
    ...bind(
      engine,
      `SELECT b.*, ${deliveryStatusOf('b')} AS delivery_status, COUNT(*) OVER () AS total
       FROM bench_facts b
       WHERE b.organisation_id = :organisationId AND b.status IN ${OPEN}
         AND (b.due_date < :asOf OR b.off_track = true)
       ORDER BY b.due_date, b.id LIMIT :limit`,
      params,
    ),
  );
  const ids = rows.map((r) => Number(r.id));
  const people = [
    ...new Set(
      rows.flatMap((r) => [r.owner_id, r.executive_lead_id, r.assured_by_id]).filter((id) => id),
    ),
  ].map(Number);
  const inList = (values: number[]) => (values.length ? values.join(', ') : 'NULL');
  const [users, links] = await Promise.all([
    driver.query<{ id: number; name: string; email: string }>(
      `SELECT id, name, email FROM app_user WHERE id IN (${inList(people)})`,
      [],
    ),
    driver.query<{ action_id: number; finding_id: number; core_service_id: number | null }>(
      `SELECT af.action_id, af.finding_id, f.core_service_id
       FROM action_finding af JOIN finding f ON f.id = af.finding_id
       WHERE af.action_id IN (${inList(ids)})`,
      [],
    ),
  ]);
  const userById = new Map(users.map((u) => [Number(u.id), u]));
  const person = (id: unknown) => (id ? (userById.get(Number(id)) ?? null) : null);
  const items = rows.map((r) => {
    const own = links.filter((l) => Number(l.action_id) === Number(r.id));
    const { total: _total, ...row } = r;
    return {
      ...row,
      owner: person(r.owner_id),
      executiveLead: person(r.executive_lead_id),
      assuredBy: person(r.assured_by_id),
      findingIds: own.map((l) => Number(l.finding_id)).sort((x, y) => x - y),
      coreServiceIds: [
        ...new Set(own.map((l) => l.core_service_id).filter((id) => id !== null)),
      ].map(Number),
    };
  });
  return { items, total: rows.length ? Number(rows[0].total) : 0 };
}

type Counts = Record<string, number>;
const zero = (keys: string[]): Counts => Object.fromEntries(keys.map((k) => [k, 0]));
const key = (id: unknown) => (id === null || id === undefined ? 'trust' : String(Number(id)));

/** What both answers are compared on: per service, the counts and the forecast's actions. */
export interface ReadinessCounts {
  actionsByDeliveryStatus: Counts;
  findingsByType: Counts;
  coreServices: {
    coreServiceId: number | null;
    findingsByType: Counts;
    uncoveredFindingsByType: Counts;
    actionsByDeliveryStatus: Counts;
    mustActionsByDeliveryStatus: Counts;
    actionsDueAfterReinspection: number;
    forecastIds: number[];
  }[];
}

/** One trust's readiness counts per core service, from the facts table. */
export async function limitReadiness(
  driver: BareDriver,
  engine: Engine,
  organisationId: number,
  asOf: string,
) {
  const params = { ...limitParameters(asOf), organisationId };
  const run = <T>(sql: string) => driver.query<T>(...bind(engine, sql, params));
  const [organisation, services, findings, actions, totals, open] = await Promise.all([
    run<{ id: number; name: string }>('SELECT * FROM organisation WHERE id = :organisationId'),
    run<{ id: number; name: string; reinspection_date: string | null }>(
      `SELECT id, name, reinspection_date, reinspection_confirmed FROM core_service
       WHERE organisation_id = :organisationId ORDER BY name, id`,
    ),
    run<{ core_service_id: number | null; type: string; n: number; uncovered: number }>(
      `SELECT f.core_service_id, f.type, COUNT(*) AS n,
         SUM(CASE WHEN EXISTS (SELECT 1 FROM action_finding af JOIN bench_facts b ON b.id = af.action_id
           WHERE af.finding_id = f.id AND b.status <> 'CANCELLED') THEN 0 ELSE 1 END) AS uncovered
       FROM finding f WHERE f.organisation_id = :organisationId AND f.created_at <= :asOfEnd
       GROUP BY f.core_service_id, f.type`,
    ),
    run<{
      core_service_id: number | null;
      delivery_status: string;
      n: number;
      must: number;
      due_after: number;
      must_due_after: number;
    }>(
      `SELECT x.core_service_id, x.delivery_status, COUNT(*) AS n,
         SUM(x.has_must) AS must, SUM(x.due_after) AS due_after,
         SUM(x.has_must * x.due_after) AS must_due_after
       FROM (SELECT s.core_service_id, s.has_must, ${deliveryStatusOf('b')} AS delivery_status,
           CASE WHEN b.status IN ${OPEN} AND cs.reinspection_date IS NOT NULL
             AND b.due_date > cs.reinspection_date THEN 1 ELSE 0 END AS due_after
         FROM bench_action_service s JOIN bench_facts b ON b.id = s.action_id
         LEFT JOIN core_service cs ON cs.id = s.core_service_id
         WHERE s.organisation_id = :organisationId) x
       GROUP BY x.core_service_id, x.delivery_status`,
    ),
    run<{ delivery_status: string; n: number }>(
      `SELECT ${deliveryStatusOf('b')} AS delivery_status, COUNT(*) AS n FROM bench_facts b
       WHERE b.organisation_id = :organisationId GROUP BY 1`,
    ),
    run<{ id: number; core_service_id: number | null }>(
      `SELECT b.id, s.core_service_id, b.title, b.reference, b.progress, b.last_activity_at,
         b.created_at, b.due_date
       FROM bench_action_service s JOIN bench_facts b ON b.id = s.action_id
       WHERE s.organisation_id = :organisationId AND b.status IN ${OPEN}
       ORDER BY b.due_date, b.id`,
    ),
  ]);
  const buckets = [...services.map((s) => key(s.id)), 'trust'];
  const coreServices = buckets
    .map((bucket) => {
      const findingsByType = zero(TYPES);
      const uncovered = zero(TYPES);
      for (const row of findings.filter((r) => key(r.core_service_id) === bucket)) {
        findingsByType[row.type] = Number(row.n);
        uncovered[row.type] = Number(row.uncovered);
      }
      const all = zero(STATUSES);
      const must = zero(STATUSES);
      let dueAfter = 0;
      for (const row of actions.filter((r) => key(r.core_service_id) === bucket)) {
        all[row.delivery_status] = Number(row.n);
        must[row.delivery_status] = Number(row.must);
        dueAfter += Number(row.due_after);
      }
      return {
        coreServiceId: bucket === 'trust' ? null : Number(bucket),
        findingsByType,
        uncoveredFindingsByType: uncovered,
        actionsByDeliveryStatus: all,
        mustActionsByDeliveryStatus: must,
        actionsDueAfterReinspection: dueAfter,
        forecast: open.filter((r) => key(r.core_service_id) === bucket),
      };
    })
    .filter((s) => s.coreServiceId !== null || TYPES.some((t) => s.findingsByType[t] > 0));
  const actionsByDeliveryStatus = zero(STATUSES);
  for (const row of totals) actionsByDeliveryStatus[row.delivery_status] = Number(row.n);
  const findingsByType = zero(TYPES);
  for (const row of findings) findingsByType[row.type] += Number(row.n);
  return { organisation: organisation[0], actionsByDeliveryStatus, findingsByType, coreServices };
}

/** The comparable part of a readiness answer, the app's or the limit's. */
export function readinessCounts(answer: {
  actionsByDeliveryStatus: Counts;
  findingsByType: Counts;
  coreServices: (Omit<ReadinessCounts['coreServices'][number], 'forecastIds'> & {
    forecast: { id: number | string }[];
  })[];
}): ReadinessCounts {
  const statuses = (counts: Counts) =>
    Object.fromEntries(STATUSES.map((s) => [s, Number(counts[s] ?? 0)]));
  return {
    actionsByDeliveryStatus: statuses(answer.actionsByDeliveryStatus),
    findingsByType: answer.findingsByType,
    coreServices: answer.coreServices.map((s) => ({
      coreServiceId: s.coreServiceId,
      findingsByType: s.findingsByType,
      uncoveredFindingsByType: s.uncoveredFindingsByType,
      actionsByDeliveryStatus: statuses(s.actionsByDeliveryStatus),
      mustActionsByDeliveryStatus: statuses(s.mustActionsByDeliveryStatus),
      actionsDueAfterReinspection: s.actionsDueAfterReinspection,
      forecastIds: s.forecast.map((f) => Number(f.id)),
    })),
  };
}

/** A calendar date however the driver returned it (pg parses DATE to a local midnight). */
export function dayOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  return (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 10);
}

/** The comparable part of a list item, the app's (ActionDto) or the limit's. */
export function listItemKey(item: Record<string, unknown>): string {
  const ref = (p: unknown) => (p ? Number((p as { id: unknown }).id) : null);
  return JSON.stringify({
    id: Number(item.id),
    dueDate: dayOf(item.dueDate ?? item.due_date),
    progress: Number(item.progress),
    status: item.status,
    deliveryStatus: item.deliveryStatus ?? item.delivery_status,
    reinspectionDate: dayOf(item.reinspectionDate ?? item.reinspection_at),
    owner: ref(item.owner),
    executiveLead: ref(item.executiveLead),
    findingIds: [...(item.findingIds as number[])].sort((x, y) => x - y),
  });
}
