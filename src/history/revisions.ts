import { EntityManager } from 'typeorm';
import { refreshCurrentFacts } from '../delivery/current-facts';
import { HISTORISED, HISTORISED_TABLES, HistorisedTable } from './historised';

/**
 * The write side of the history. Every change to a historised record calls `recordRevisions`
 * in the same transaction, after the live row is written: the revision copies the live row, so
 * it can never disagree with what was stored. `cli verify` checks that the latest revision of
 * every record equals its live row (history-check.ts), so a write path that forgets is caught.
 */
const BATCH = 500;

/** Copies the live rows `ids` of `table` into its revision table, valid from `at`. */
export async function recordRevisions(
  manager: EntityManager,
  table: HistorisedTable,
  ids: readonly number[],
  at: string,
): Promise<void> {
  const { revisionTable, key, columns } = HISTORISED[table];
  const list = columns.join(', ');
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const chunk = unique.slice(i, i + BATCH);
    const marks = chunk.map(() => '?').join(', ');
    await run(
      manager,
      `INSERT INTO ${revisionTable} (${key}, valid_from, ${list})
       SELECT id, ?, ${list} FROM ${table} WHERE id IN (${marks}) ORDER BY id`,
      [at, ...chunk],
    );
  }
  // The facts kept on actions (delivery/current-facts.ts) follow every change that can move
  // them, in the same transaction: the action's own, its findings' services, their dates.
  if (table === 'action') await refreshCurrentFacts(manager, { actionIds: unique });
  if (table === 'finding') await refreshCurrentFacts(manager, { findingIds: unique });
  if (table === 'core_service') await refreshCurrentFacts(manager, { coreServiceIds: unique });
}

/**
 * For bulk loaders (demo data, the generator, imports of whole plans): gives every row of
 * `table` that has no revision yet its first one, valid from the row's own `created_at`, in one
 * statement.
 */
export async function recordFirstRevisions(
  manager: EntityManager,
  table: HistorisedTable,
  columns: readonly string[] = HISTORISED[table].columns,
): Promise<void> {
  const { revisionTable, key } = HISTORISED[table];
  const list = columns.join(', ');
  await run(
    manager,
    `INSERT INTO ${revisionTable} (${key}, valid_from, ${list})
     SELECT t.id, t.created_at, ${columns.map((c) => `t.${c}`).join(', ')} FROM ${table} t
     WHERE NOT EXISTS (SELECT 1 FROM ${revisionTable} r WHERE r.${key} = t.id) ORDER BY t.id`,
    [],
  );
}

/**
 * `columns` names, per table, the columns that exist when an old migration runs (a later
 * migration adds the rest, with their values); by default every historised column.
 */
export async function recordAllFirstRevisions(
  manager: EntityManager,
  columns: Partial<Record<HistorisedTable, readonly string[]>> = {},
): Promise<void> {
  for (const table of HISTORISED_TABLES) await recordFirstRevisions(manager, table, columns[table]);
  await recordFirstLinks(manager);
}

/**
 * Brings the link history of `actionId` in line with its live links, at `at`: links that
 * were removed are closed, new ones are opened. Call after the live `action_finding` rows have
 * been written.
 */
export async function recordLinks(
  manager: EntityManager,
  actionIds: readonly number[],
  at: string,
): Promise<void> {
  const unique = [...new Set(actionIds)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const chunk = unique.slice(i, i + BATCH);
    const marks = chunk.map(() => '?').join(', ');
    await run(
      manager,
      `UPDATE action_finding_link SET unlinked_at = ?
       WHERE unlinked_at IS NULL AND action_id IN (${marks})
         AND NOT EXISTS (SELECT 1 FROM action_finding af
                         WHERE af.action_id = action_finding_link.action_id
                           AND af.finding_id = action_finding_link.finding_id)`,
      [at, ...chunk],
    );
    await run(
      manager,
      `INSERT INTO action_finding_link (action_id, finding_id, linked_at)
       SELECT af.action_id, af.finding_id, ? FROM action_finding af
       WHERE af.action_id IN (${marks})
         AND NOT EXISTS (SELECT 1 FROM action_finding_link l WHERE l.action_id = af.action_id
                         AND l.finding_id = af.finding_id AND l.unlinked_at IS NULL)
       ORDER BY af.action_id, af.finding_id`,
      [at, ...chunk],
    );
  }
  await refreshCurrentFacts(manager, { actionIds: unique });
}

/**
 * For bulk loaders: opens a link-history row for every live link that has none, linked from
 * the later of the action's and the finding's creation (the earliest the link can have existed).
 */
export async function recordFirstLinks(manager: EntityManager): Promise<void> {
  await run(
    manager,
    `INSERT INTO action_finding_link (action_id, finding_id, linked_at)
     SELECT af.action_id, af.finding_id,
            CASE WHEN a.created_at > f.created_at THEN a.created_at ELSE f.created_at END
     FROM action_finding af
     JOIN action a ON a.id = af.action_id
     JOIN finding f ON f.id = af.finding_id
     WHERE NOT EXISTS (SELECT 1 FROM action_finding_link l WHERE l.action_id = af.action_id
                       AND l.finding_id = af.finding_id AND l.unlinked_at IS NULL)
     ORDER BY af.action_id, af.finding_id`,
    [],
  );
}

/** `?` placeholders, numbered for PostgreSQL. */
function run(manager: EntityManager, sql: string, params: unknown[]): Promise<unknown> {
  const postgres = manager.connection.options.type === 'postgres';
  let n = 0;
  const text = postgres ? sql.replace(/\?/g, () => `$${++n}`) : sql;
  return manager.query(text, params);
}
