import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

const storage = new AsyncLocalStorage<EntityManager>();

type Reads<T extends readonly unknown[]> = { [K in keyof T]: () => Promise<T[K]> };

/**
 * Reports read everything from one consistent snapshot. Inside `Transactions.snapshot`, the
 * readers below ask for `ReadSnapshot.manager(...)` and get the snapshot's transaction; outside
 * it they get the ordinary manager. This keeps the readers' signatures unchanged.
 */
export const ReadSnapshot = {
  manager(dataSource: DataSource): EntityManager {
    return storage.getStore() ?? dataSource.manager;
  },
  run<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    return storage.run(manager, work);
  },

  /**
   * `Promise.all` for reads that may run inside a snapshot. A snapshot is one transaction on
   * one connection, and node-postgres deprecates overlapping queries on one client (pg 9 will
   * refuse them), so inside a snapshot the reads run one after another; they would have
   * queued on that connection anyway. Outside a snapshot they run together on pooled
   * connections.
   */
  async all<T extends readonly unknown[] | []>(reads: Reads<T>): Promise<T> {
    const list = reads as unknown as readonly (() => Promise<unknown>)[];
    if (!storage.getStore()) return (await Promise.all(list.map((read) => read()))) as T;
    const results: unknown[] = [];
    for (const read of list) results.push(await read());
    return results as unknown as T;
  },
};
