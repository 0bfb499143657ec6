import { DataSource } from 'typeorm';
import { HISTORISED, HISTORISED_TABLES } from '../history/historised';

export interface HistoryProblem {
  actionId: number;
  problem: string;
}

const latest = (column: string, extra = '') =>
  `(SELECT pu.${column} FROM progress_update pu WHERE pu.action_id = a.id${extra}
    ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1)`;

/**
 * Checks that every action's stored state is the end of its own append-only history: the
 * status and progress are those of its latest progress update, the due date that of its latest
 * due-date change, each status change starts from where the one before it ended, and each
 * due-date change from where the one before it left the date. The as-at views and the audit
 * both rely on this; a lost or half-written update breaks it. Returns at most `limit` problems.
 */
export async function findHistoryProblems(
  dataSource: DataSource,
  limit = 100,
): Promise<HistoryProblem[]> {
  const rows = await dataSource.query<{ action_id: number; problem: string }[]>(
    `SELECT action_id, problem FROM (
       SELECT a.id AS action_id, 'status ' || a.status || ' but its history ends at ' ||
              COALESCE(${latest('status_to', ' AND pu.status_to IS NOT NULL')}, 'NOT_STARTED') AS problem
         FROM action a
        WHERE a.status <> COALESCE(${latest('status_to', ' AND pu.status_to IS NOT NULL')}, 'NOT_STARTED')
       UNION ALL
       SELECT a.id, 'progress ' || a.progress || ' but its history ends at ' || COALESCE(${latest('progress')}, 0)
         FROM action a
        WHERE a.progress <> COALESCE(${latest('progress')}, 0)
       UNION ALL
       SELECT a.id, 'due ' || a.due_date || ' but its due-date changes end at ' ||
              COALESCE((SELECT dc.new_due_date FROM due_date_change dc WHERE dc.action_id = a.id
                        ORDER BY dc.created_at DESC, dc.id DESC LIMIT 1), a.original_due_date)
         FROM action a
        WHERE a.due_date <> COALESCE((SELECT dc.new_due_date FROM due_date_change dc WHERE dc.action_id = a.id
                        ORDER BY dc.created_at DESC, dc.id DESC LIMIT 1), a.original_due_date)
       UNION ALL
       SELECT pu.action_id, 'status change ' || pu.id || ' starts from ' || pu.status_from || ' not ' ||
              COALESCE((SELECT p2.status_to FROM progress_update p2 WHERE p2.action_id = pu.action_id
                          AND p2.status_to IS NOT NULL
                          AND (p2.created_at < pu.created_at OR (p2.created_at = pu.created_at AND p2.id < pu.id))
                        ORDER BY p2.created_at DESC, p2.id DESC LIMIT 1), 'NOT_STARTED')
         FROM progress_update pu
        WHERE pu.status_to IS NOT NULL
          AND pu.status_from <> COALESCE((SELECT p2.status_to FROM progress_update p2 WHERE p2.action_id = pu.action_id
                          AND p2.status_to IS NOT NULL
                          AND (p2.created_at < pu.created_at OR (p2.created_at = pu.created_at AND p2.id < pu.id))
                        ORDER BY p2.created_at DESC, p2.id DESC LIMIT 1), 'NOT_STARTED')
       UNION ALL
       SELECT dc.action_id, 'due-date change ' || dc.id || ' starts from ' || dc.previous_due_date
         FROM due_date_change dc JOIN action a ON a.id = dc.action_id
        WHERE dc.previous_due_date <> COALESCE((SELECT d2.new_due_date FROM due_date_change d2
                          WHERE d2.action_id = dc.action_id
                            AND (d2.created_at < dc.created_at OR (d2.created_at = dc.created_at AND d2.id < dc.id))
                          ORDER BY d2.created_at DESC, d2.id DESC LIMIT 1), a.original_due_date)
     ) problems
     ORDER BY action_id
     LIMIT ${Math.floor(limit)}`,
  );
  return rows.map((row) => ({ actionId: Number(row.action_id), problem: row.problem }));
}

export interface RevisionProblem {
  table: string;
  id: number;
  problem: string;
}

/**
 * Checks the revision history (history/revisions.ts) against the live tables: every live row
 * of every historised table has a revision, its latest revision equals the live row column by
 * column for the historised columns, and the open rows of the link history are exactly the
 * live action_finding rows. A write path that changes a live row without recording its
 * revision (or a link without its history) is caught here. Returns at most `limit` problems.
 */
export async function findRevisionProblems(
  dataSource: DataSource,
  limit = 100,
): Promise<RevisionProblem[]> {
  const postgres = dataSource.options.type === 'postgres';
  const differs = (a: string, b: string) =>
    postgres ? `${a} IS DISTINCT FROM ${b}` : `${a} IS NOT ${b}`;
  const max = Math.floor(limit);
  const problems: RevisionProblem[] = [];
  for (const table of HISTORISED_TABLES) {
    const { revisionTable, key, columns } = HISTORISED[table];
    const missing = await dataSource.query<{ id: number }[]>(
      `SELECT t.id FROM ${table} t
        WHERE NOT EXISTS (SELECT 1 FROM ${revisionTable} r WHERE r.${key} = t.id)
        ORDER BY t.id LIMIT ${max}`,
    );
    for (const row of missing) problems.push({ table, id: Number(row.id), problem: 'no revision' });
    const changed = await dataSource.query<{ id: number; columns: string }[]>(
      `SELECT t.id, ${columns
        .map((c) => `CASE WHEN ${differs(`t.${c}`, `r.${c}`)} THEN '${c} ' ELSE '' END`)
        .join(' || ')} AS columns
         FROM ${table} t
         JOIN ${revisionTable} r ON r.id = (SELECT r2.id FROM ${revisionTable} r2
           WHERE r2.${key} = t.id ORDER BY r2.valid_from DESC, r2.id DESC LIMIT 1)
        WHERE ${columns.map((c) => differs(`t.${c}`, `r.${c}`)).join(' OR ')}
        ORDER BY t.id LIMIT ${max}`,
    );
    for (const row of changed)
      problems.push({
        table,
        id: Number(row.id),
        problem: `latest revision differs from the live row in: ${row.columns.trim()}`,
      });
  }
  const openLink = (af: string) =>
    `SELECT 1 FROM action_finding_link l WHERE l.action_id = ${af}.action_id
       AND l.finding_id = ${af}.finding_id AND l.unlinked_at IS NULL`;
  const links = await dataSource.query<
    { action_id: number; finding_id: number; problem: string }[]
  >(
    `SELECT action_id, finding_id, problem FROM (
       SELECT af.action_id, af.finding_id, 'linked but no open link-history row' AS problem
         FROM action_finding af WHERE NOT EXISTS (${openLink('af')})
       UNION ALL
       SELECT l.action_id, l.finding_id, 'open link-history row but not linked'
         FROM action_finding_link l
        WHERE l.unlinked_at IS NULL AND NOT EXISTS (SELECT 1 FROM action_finding af
          WHERE af.action_id = l.action_id AND af.finding_id = l.finding_id)
       UNION ALL
       SELECT l.action_id, l.finding_id, 'more than one open link-history row'
         FROM action_finding_link l WHERE l.unlinked_at IS NULL
        GROUP BY l.action_id, l.finding_id HAVING COUNT(*) > 1
     ) problems ORDER BY action_id, finding_id LIMIT ${max}`,
  );
  for (const row of links)
    problems.push({
      table: 'action_finding',
      id: Number(row.action_id),
      problem: `finding ${Number(row.finding_id)}: ${row.problem}`,
    });
  return problems.slice(0, max);
}
