import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * Bound parameters one statement may carry. SQLite builds before 3.32 allow 999 (later ones
 * 32,766, but the app may run on a system SQLite); PostgreSQL allows 65,535.
 */
const MAX_PARAMETERS = { sqlite: 999, postgres: 65_535 } as const;
/** Rows one statement may carry, whatever their width (keeps each statement a modest size). */
const MAX_ROWS = 1_000;

/** How many rows of `columns` values fit in one statement on this database. */
export function rowsPerStatement(manager: EntityManager, columns: number): number {
  const limit =
    manager.connection.options.type === 'postgres'
      ? MAX_PARAMETERS.postgres
      : MAX_PARAMETERS.sqlite;
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(limit / Math.max(1, columns))));
}

/**
 * Inserts `rows` with multi-row INSERTs, as few statements as the parameter limits allow,
 * inside the caller's transaction (`manager` comes from Transactions.run). Values go through
 * TypeORM's column handling (names, simple-json), so each row is what `manager.insert` stores.
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
): Promise<void> {
  if (!rows.length) return;
  const size = rowsPerStatement(manager, Object.keys(rows[0]).length);
  for (let start = 0; start < rows.length; start += size) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(rows.slice(start, start + size))
      .updateEntity(false)
      .execute();
  }
}

/**
 * As insertRows, and returns the generated ids, in the order of `rows`: each statement ends
 * in `RETURNING id` (SQLite 3.35 and PostgreSQL both have it). Neither engine promises the
 * order RETURNING lists rows in, but both number a statement's rows in the order of its VALUES
 * (SQLite under its write lock; PostgreSQL calling the sequence row by row, and a sequence only
 * rises), so the returned ids, sorted, are the rows' ids in order.
 */
export async function insertRowsReturningIds<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
): Promise<number[]> {
  const ids: number[] = [];
  if (!rows.length) return ids;
  const size = rowsPerStatement(manager, Object.keys(rows[0]).length);
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    const [sql, parameters] = manager
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(chunk)
      .updateEntity(false)
      .getQueryAndParameters();
    // TypeORM's SQLite runner sends a statement starting "INSERT " to sqlite3's run(), which
    // returns no rows; the leading comment sends it to all(), which returns RETURNING's rows.
    const returned: unknown = await manager.query(`/* batch */ ${sql} RETURNING id`, parameters);
    if (!Array.isArray(returned) || returned.length !== chunk.length) {
      throw new Error(`INSERT RETURNING gave ${String(returned)} for ${chunk.length} rows`);
    }
    ids.push(
      ...(returned as { id: number | string }[]).map((r) => Number(r.id)).sort((a, b) => a - b),
    );
  }
  return ids;
}
