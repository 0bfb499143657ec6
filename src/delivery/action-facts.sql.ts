import { addDays, endOfDay } from '../common/dates';
import { isLive, type TablesAsAt } from '../history/as-at-tables';
import {
  DeliveryStatus,
  DUE_SOON_DAYS,
  DUE_SOON_MIN_PROGRESS,
  staleBefore,
} from './delivery-status';

/**
 * The SQL twin of delivery-status.ts. `actionFactsColumns` derives, for each action `a`, the
 * facts as they stood at the end of the as-at day from the append-only history;
 * `deliveryStatusCase` applies the same rules as `deliveryStatus()` to them, so lists can be
 * filtered, counted and paginated by delivery status in the database. Plain SQL that reads
 * the same on SQLite and PostgreSQL; named parameters come from `asOfParameters`.
 */
export function asOfParameters(asOf: string) {
  return {
    asOf,
    asOfEnd: endOfDay(asOf),
    dueSoon: addDays(asOf, DUE_SOON_DAYS),
    dueSoonMinProgress: DUE_SOON_MIN_PROGRESS,
    staleBefore: staleBefore(asOf),
  };
}

const latestHistory = (column: string, extra = '') =>
  `(SELECT pu.${column} FROM progress_update pu WHERE pu.action_id = a.id AND pu.created_at <= :asOfEnd${extra} ` +
  `ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1)`;

/** The status of action `a` at the end of the as-at day, from its history. */
export const statusAtSql = `COALESCE(${latestHistory('status_to', ' AND pu.status_to IS NOT NULL')}, 'NOT_STARTED')`;

/** The status of action `a` as at the day of `tables`: kept on the action as at today. */
export const statusAtColumn = (tables: TablesAsAt) => (isLive(tables) ? 'a.status' : statusAtSql);

/**
 * The facts of each action `a`. As at today (`tables` live) they are the columns each action
 * keeps as at now (delivery/current-facts.ts); as at a past day they are derived from the
 * history, with links, findings and services read from `tables`. The date-dependent rules
 * (past due, due soon, stale) are applied to either by `deliveryStatusCase`, at read time.
 */
export const actionFactsColumns = (tables: TablesAsAt) =>
  isLive(tables) ? keptFactsColumns : derivedFactsColumns(tables);

/** The facts each action keeps as at now. */
export const keptFactsColumns = `
  a.status AS status_at,
  a.progress AS progress_at,
  a.off_track AS off_track_at,
  a.last_activity_at AS last_activity_at,
  a.due_date AS due_at,
  a.reinspection_at AS reinspection_at`;

/** The facts of each action `a` derived from its history as at `:asOfEnd`. */
export const derivedFactsColumns = (tables: TablesAsAt) => `
  ${statusAtSql} AS status_at,
  COALESCE(${latestHistory('progress')}, 0) AS progress_at,
  COALESCE(${latestHistory('off_track')}, false) AS off_track_at,
  COALESCE((SELECT MAX(pu.created_at) FROM progress_update pu
            WHERE pu.action_id = a.id AND pu.created_at <= :asOfEnd), a.created_at) AS last_activity_at,
  COALESCE((SELECT dc.new_due_date FROM due_date_change dc
            WHERE dc.action_id = a.id AND dc.created_at <= :asOfEnd
            ORDER BY dc.created_at DESC, dc.id DESC LIMIT 1), a.original_due_date) AS due_at,
  (SELECT MIN(cs.reinspection_date) FROM ${tables.action_finding} af
     JOIN ${tables.finding} f ON f.id = af.finding_id
     JOIN ${tables.core_service} cs ON cs.id = f.core_service_id
   WHERE af.action_id = a.id) AS reinspection_at`;

/** Over a row `s` carrying the columns above. The order of the WHENs is the order of the rules. */
export const deliveryStatusCase = `
  CASE
    WHEN s.status_at IN ('ASSURED', 'COMPLETED', 'CANCELLED') THEN s.status_at
    WHEN s.due_at < :asOf OR s.off_track_at = true THEN 'OFF_TRACK'
    WHEN (s.reinspection_at IS NOT NULL AND s.due_at > s.reinspection_at)
      OR (s.due_at <= :dueSoon AND s.progress_at < :dueSoonMinProgress)
      OR s.last_activity_at < :staleBefore THEN 'AT_RISK'
    ELSE 'ON_TRACK'
  END`;

export interface ActionFactsRow {
  id: number;
  status_at: string;
  progress_at: number | string;
  off_track_at: boolean | number;
  last_activity_at: string;
  due_at: string;
  reinspection_at: string | null;
  delivery_status: DeliveryStatus;
}

/**
 * `FROM (...) d`: actions as at the date (`tables`, see history/as-at-tables.ts) filtered on
 * their own columns (`inner`, over `a`), with the facts and delivery status derived as at the
 * date, filtered again on those (`outer`, over `d`).
 */
export function derivedActionsFrom(
  tables: TablesAsAt,
  inner: string[],
  outer: string[] = [],
): string {
  return `FROM (
      SELECT s.*, ${deliveryStatusCase} AS delivery_status FROM (
        SELECT a.id, a.reference, a.updated_at, a.created_at, ${actionFactsColumns(tables)}
        FROM ${tables.action} a WHERE ${inner.join(' AND ')}
      ) s
    ) d${outer.length ? ` WHERE ${outer.join(' AND ')}` : ''}`;
}
