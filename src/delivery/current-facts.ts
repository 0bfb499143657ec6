import { EntityManager } from 'typeorm';

/*
 * The facts of each action as at now, kept as plain columns on `action` beside the status,
 * progress and due date it already keeps: whether its latest progress entry flagged it off
 * track (`off_track`), when anything last happened to it (`last_activity_at`: its latest
 * progress entry, else its creation) and the earliest reinspection date of the core services
 * of the findings it addresses (`reinspection_at`). Today's lists, counts and readiness read
 * them (delivery/action-facts.sql.ts) instead of deriving them from the history per row.
 *
 * They are written by `refreshCurrentFacts`, from the history tables, in the same transaction
 * as every write that can change them: history/revisions.ts calls it whenever an action, a
 * finding or a core service records a revision or an action's links change, and the writer
 * calls it after each progress entry and due-date move; the bulk loaders refresh every action.
 * `findCurrentFactProblems` (current-facts-check.ts, `cli verify`) compares them with the
 * history.
 */

/** The derivation of each kept column for the row `action` of an UPDATE, from its history. */
export const CURRENT_FACT_DERIVATIONS = {
  off_track: `COALESCE((SELECT pu.off_track FROM progress_update pu WHERE pu.action_id = action.id
      ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1), false)`,
  last_activity_at: `COALESCE((SELECT MAX(pu.created_at) FROM progress_update pu
      WHERE pu.action_id = action.id), action.created_at)`,
  reinspection_at: `(SELECT MIN(cs.reinspection_date) FROM action_finding af
      JOIN finding f ON f.id = af.finding_id JOIN core_service cs ON cs.id = f.core_service_id
      WHERE af.action_id = action.id)`,
} as const;

const SET = Object.entries(CURRENT_FACT_DERIVATIONS)
  .map(([column, derivation]) => `${column} = ${derivation}`)
  .join(',\n  ');

/** Which actions to refresh: these ids, those linked to these findings or services, or all. */
export type CurrentFactsScope =
  | { actionIds: readonly number[] }
  | { findingIds: readonly number[] }
  | { coreServiceIds: readonly number[] }
  | 'all';

const BATCH = 500;

export async function refreshCurrentFacts(
  manager: EntityManager,
  scope: CurrentFactsScope,
): Promise<void> {
  if (scope === 'all') {
    await manager.query(`UPDATE action SET ${SET}`);
    return;
  }
  const [ids, where] =
    'actionIds' in scope
      ? [scope.actionIds, (marks: string) => `id IN (${marks})`]
      : 'findingIds' in scope
        ? [
            scope.findingIds,
            (marks: string) =>
              `id IN (SELECT af.action_id FROM action_finding af WHERE af.finding_id IN (${marks}))`,
          ]
        : [
            scope.coreServiceIds,
            (marks: string) =>
              `id IN (SELECT af.action_id FROM action_finding af JOIN finding f ON f.id = af.finding_id
                      WHERE f.core_service_id IN (${marks}))`,
          ];
  const unique = [...new Set(ids)];
  const postgres = manager.connection.options.type === 'postgres';
  for (let i = 0; i < unique.length; i += BATCH) {
    const chunk = unique.slice(i, i + BATCH);
    const marks = chunk.map((_, n) => (postgres ? `$${n + 1}` : '?')).join(', ');
    await manager.query(`UPDATE action SET ${SET} WHERE ${where(marks)}`, chunk);
  }
}
