import type { DataSource, EntityManager } from 'typeorm';
import { markTransaction, runnerOn, sqliteConnectionsOf } from './sqlite-connections';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * The one way to write: `work` runs in one transaction. On PostgreSQL each transaction gets
 * its own pooled connection and row locks order them. On SQLite there is one writer, so
 * transactions queue here, one after another, on the writer connection (sqlite-connections.ts)
 * in BEGIN IMMEDIATE: the write lock is taken up front, so a second process waits on the busy
 * timeout rather than failing part-way with SQLITE_BUSY. The queue is per data source, so the
 * app, the command line and the demo loader share it.
 *
 * src/database/writes-in-queue.spec.ts fails when code under src/ writes any other way.
 */
export function writeTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (dataSource.options.type === 'postgres') return dataSource.transaction(work);
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const result = previous.then(() => onWriter(dataSource, work));
  queues.set(
    dataSource,
    result.catch(() => undefined),
  );
  return result;
}

async function onWriter<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const separate = sqliteConnectionsOf(dataSource);
  // In memory: one shared connection, ordered by the queue alone.
  if (!separate) return dataSource.transaction(work);
  const runner = runnerOn(dataSource, separate.writer);
  try {
    await runner.query('BEGIN IMMEDIATE');
    markTransaction(runner, true);
    try {
      const result = await work(runner.manager);
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    markTransaction(runner, false);
    await runner.release();
  }
}
