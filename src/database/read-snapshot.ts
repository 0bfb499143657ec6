import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

const storage = new AsyncLocalStorage<EntityManager>();

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
};
