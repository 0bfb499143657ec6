import { DataSource } from 'typeorm';
import { tablesAsAt } from '../history/as-at-tables';
import { derivedFactsColumns } from './action-facts.sql';

/** One kept fact of one action that disagrees with its history. */
export interface CurrentFactProblem {
  actionId: number;
  column: string;
  kept: string;
  derived: string;
}

/** Each kept column beside the name of the fact derived from history it must equal. */
const KEPT_AND_DERIVED = [
  ['status', 'status_at'],
  ['progress', 'progress_at'],
  ['off_track', 'off_track_at'],
  ['last_activity_at', 'last_activity_at'],
  ['due_date', 'due_at'],
  ['reinspection_at', 'reinspection_at'],
] as const;

/** The end of every history: facts "as at now" take every row written so far. */
const END_OF_HISTORY = '9999-12-31T23:59:59.999Z';

const text = (value: unknown, column: string): string => {
  if (value === null || value === undefined) return 'null';
  if (column === 'off_track') return String(value === true || Number(value) === 1);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
};

/**
 * Compares, for every action, the facts it keeps as at now (delivery/current-facts.ts, and
 * the status, progress and due date it has always kept) with the same facts derived from its
 * history, the way a past day's lists derive them. Never repairs anything. Returns at most
 * `limit` mismatches, in action id order.
 */
export async function findCurrentFactProblems(
  dataSource: DataSource,
  limit = 1000,
): Promise<CurrentFactProblem[]> {
  const live = tablesAsAt(dataSource, END_OF_HISTORY.slice(0, 10));
  const differs = KEPT_AND_DERIVED.map(
    ([kept, derived]) => `x.kept_${kept} IS DISTINCT FROM x.${derived}`,
  ).join(' OR ');
  const [sql, params] = dataSource.driver.escapeQueryWithParameters(
    `SELECT x.* FROM (
       SELECT a.id, ${KEPT_AND_DERIVED.map(([kept]) => `a.${kept} AS kept_${kept}`).join(', ')},
              ${derivedFactsColumns(live)}
       FROM action a
     ) x
     WHERE ${differs}
     ORDER BY x.id
     LIMIT ${Math.floor(limit)}`,
    { asOfEnd: END_OF_HISTORY },
    {},
  );
  const rows = await dataSource.query<Record<string, unknown>[]>(sql, params);
  const problems: CurrentFactProblem[] = [];
  for (const row of rows)
    for (const [kept, derived] of KEPT_AND_DERIVED) {
      const keptText = text(row[`kept_${kept}`], kept);
      const derivedText = text(row[derived], kept);
      if (keptText !== derivedText)
        problems.push({
          actionId: Number(row.id),
          column: kept,
          kept: keptText,
          derived: derivedText,
        });
    }
  return problems.slice(0, limit);
}
