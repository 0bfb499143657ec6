import sqlite3 from 'sqlite3';
import type { DataSource, QueryRunner } from 'typeorm';
import type { SqliteDriver } from 'typeorm/driver/sqlite/SqliteDriver';
import { SqliteQueryRunner } from 'typeorm/driver/sqlite/SqliteQueryRunner';

/**
 * SQLite connections kept apart, so no request reads another's open transaction.
 *
 * TypeORM's SQLite driver has ONE connection: a read made while the write queue holds a
 * transaction open on it sees that transaction's uncommitted rows (a 2,000-row dry run was
 * counted by other users' lists), and a write made outside the queue joins, and is rolled back
 * with, someone else's transaction. So, in WAL mode:
 *
 * - the driver's own connection serves plain reads, outside any transaction: it sees only
 *   committed data;
 * - one more connection, the writer, runs every write transaction, one at a time through the
 *   queue (write-queue.ts), each in BEGIN IMMEDIATE so that another process's writer waits on
 *   the busy timeout instead of failing with SQLITE_BUSY;
 * - each report snapshot opens a connection of its own for its read transaction, so a slow or
 *   abandoned download holds up nobody.
 *
 * An in-memory database cannot be shared between connections, so there everything stays on the
 * driver's one connection (the old, queued behaviour).
 */
export const BUSY_TIMEOUT_MS = 10_000;

interface SqliteConnections {
  path: string;
  writer: sqlite3.Database;
}

const connections = new WeakMap<DataSource, SqliteConnections>();

/** The separate connections of a SQLite data source, or none (PostgreSQL, in-memory). */
export function sqliteConnectionsOf(dataSource: DataSource): SqliteConnections | undefined {
  return connections.get(dataSource);
}

function run(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) =>
    db.run(sql, (error) => (error ? reject(error) : resolve())),
  );
}

/** A new connection to the same file, with the settings every connection of the app has. */
export async function openSqliteConnection(path: string): Promise<sqlite3.Database> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(path, (error) =>
      error ? reject(error) : resolve(opened),
    );
  });
  await run(db, `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  await run(db, 'PRAGMA foreign_keys = ON');
  return db;
}

export function closeSqliteConnection(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve) => db.close(() => resolve()));
}

/** Gives an initialised SQLite data source its writer connection (see above). */
export async function separateSqliteConnections(dataSource: DataSource): Promise<void> {
  const options = dataSource.options;
  if (options.type !== 'sqlite' || options.database === ':memory:') return;
  const path = options.database;
  const writer = await openSqliteConnection(path);
  connections.set(dataSource, { path, writer });
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    connections.delete(dataSource);
    await closeSqliteConnection(writer);
    await destroy();
  };
}

/**
 * A query runner whose queries go to the given connection, inside a transaction begun by hand
 * (`BEGIN IMMEDIATE` or a read transaction): marked active, so TypeORM's own saves inside it
 * use savepoints rather than trying to begin another.
 */
export function runnerOn(dataSource: DataSource, db: sqlite3.Database): QueryRunner {
  // Not dataSource.createQueryRunner(): the SQLite driver hands out one shared runner.
  const runner = new SqliteQueryRunner(dataSource.driver as SqliteDriver);
  runner.connect = () => Promise.resolve(db);
  Object.assign(runner, { manager: dataSource.createEntityManager(runner) });
  return runner;
}

export function markTransaction(runner: QueryRunner, active: boolean): void {
  Object.assign(runner, { isTransactionActive: active, transactionDepth: active ? 1 : 0 });
}
