import type { DataSource } from 'typeorm';
import { writeTransaction } from '../database/write-queue';

/** How long /health waits for a write to get through before saying writes are blocked. */
export const WRITE_PROBE_LIMIT_MS = 2000;

const pending = new WeakMap<DataSource, Promise<void>>();

/**
 * Can a write get through now? A write transaction that changes nothing, through the same
 * queue and locks as every real write (issue 14: /health said ok while every write hung
 * behind an abandoned export). Bounded: false after WRITE_PROBE_LIMIT_MS. A probe still
 * stuck is reused by the next check rather than piling more behind it.
 */
export async function writesGetThrough(dataSource: DataSource): Promise<boolean> {
  let probe = pending.get(dataSource);
  if (!probe) {
    probe = writeTransaction(dataSource, async (manager) => {
      if (dataSource.options.type === 'postgres')
        await manager.query(`SET LOCAL lock_timeout = '2s'`);
      // Takes the write lock (SQLite: BEGIN IMMEDIATE already has; PostgreSQL: the table's).
      await manager.query('UPDATE organisation SET id = id WHERE 1 = 0');
    }).finally(() => pending.delete(dataSource));
    pending.set(dataSource, probe);
  }
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), WRITE_PROBE_LIMIT_MS);
  });
  try {
    return await Promise.race([probe.then(() => true), limit]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
