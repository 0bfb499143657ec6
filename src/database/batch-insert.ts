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
 * One multi-row INSERT of `rows` (plain objects keyed by property name, all with the keys of the
 * first): column names from the entity's metadata, each value through the driver's own
 * conversion (simple-json, booleans, dates), one placeholder per value. TypeORM's query builder
 * builds the same statement but names, escapes and copies every parameter on the way, which
 * cost more than running the statement.
 */
function insertStatement<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
): [string, unknown[]] {
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(target);
  const keys = new Set(Object.keys(rows[0]));
  const columns = metadata.columns.filter((column) => keys.has(column.propertyName));
  const postgres = manager.connection.options.type === 'postgres';
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      const value = (row as Record<string, unknown>)[column.propertyName];
      parameters.push(driver.preparePersistentValue(value ?? null, column));
      return postgres ? `$${parameters.length}` : '?';
    });
    return `(${placeholders.join(', ')})`;
  });
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  return [
    `INSERT INTO ${driver.escape(metadata.tablePath)} (${names}) VALUES ${tuples.join(', ')}`,
    parameters,
  ];
}

/**
 * Inserts `rows` with multi-row INSERTs, as few statements as the parameter limits allow,
 * inside the caller's transaction (`manager` comes from Transactions.run).
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
): Promise<void> {
  if (!rows.length) return;
  const size = rowsPerStatement(manager, Object.keys(rows[0]).length);
  for (let start = 0; start < rows.length; start += size) {
    const [sql, parameters] = insertStatement(manager, target, rows.slice(start, start + size));
    await manager.query(sql, parameters);
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
    const [sql, parameters] = insertStatement(manager, target, chunk);
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
