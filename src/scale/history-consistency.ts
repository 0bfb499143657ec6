import { DataSource } from 'typeorm';

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
