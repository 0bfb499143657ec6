import { DataSource } from 'typeorm';
import { todayDate } from '../common/dates';
import { HISTORISED, HISTORISED_TABLES, HistorisedTable } from './historised';

/**
 * The read side of the history: for each historised table, a source that reads like the live
 * table (same name per column) but holds each row as it stood at the end of the as-at day
 * (the `:asOfEnd` parameter, see delivery/action-facts.sql.ts). Queries are written once over
 * `${tables.action} a`, `${tables.finding} f`, ...; as at today the sources are simply the live
 * tables, so today's reads pay nothing for history. Rows created after the as-at day, and links
 * made after it or removed by it, are absent.
 */
export type TablesAsAt = Record<HistorisedTable | 'action_finding', string>;

const LIVE: TablesAsAt = {
  action: 'action',
  finding: 'finding',
  core_service: 'core_service',
  organisation: 'organisation',
  inspection: 'inspection',
  app_user: 'app_user',
  action_finding: 'action_finding',
};

/** Whether `tables` are the live tables (as at today), whose actions keep their facts as at now. */
export function isLive(tables: TablesAsAt): boolean {
  return tables === LIVE;
}

export function tablesAsAt(dataSource: DataSource, asOf: string): TablesAsAt {
  if (asOf >= todayDate()) return LIVE;
  const sources = Object.fromEntries(
    HISTORISED_TABLES.map((table) => [table, revisionSource(dataSource, table)]),
  ) as TablesAsAt;
  sources.action_finding = `(SELECT l.action_id, l.finding_id FROM action_finding_link l
    WHERE l.linked_at <= :asOfEnd AND (l.unlinked_at IS NULL OR l.unlinked_at > :asOfEnd))`;
  return sources;
}

const cache = new WeakMap<DataSource, Map<HistorisedTable, string>>();

function revisionSource(dataSource: DataSource, table: HistorisedTable): string {
  const known = cache.get(dataSource) ?? new Map<HistorisedTable, string>();
  cache.set(dataSource, known);
  const cached = known.get(table);
  if (cached) return cached;
  const { revisionTable, key, columns } = HISTORISED[table];
  const historised = new Set<string>(columns);
  const metadata = dataSource.entityMetadatas.find((m) => m.tableName === table);
  if (!metadata) throw new Error(`No entity for table ${table}`);
  const select = metadata.columns
    .map((column) => column.databaseName)
    .map((name) => (historised.has(name) ? `r.${name}` : `t.${name}`))
    .join(', ');
  const source = `(SELECT ${select} FROM ${table} t
    JOIN ${revisionTable} r ON r.id = (SELECT r2.id FROM ${revisionTable} r2
      WHERE r2.${key} = t.id AND r2.valid_from <= :asOfEnd
      ORDER BY r2.valid_from DESC, r2.id DESC LIMIT 1))`;
  known.set(table, source);
  return source;
}
