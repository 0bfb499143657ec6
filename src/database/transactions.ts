import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, ObjectLiteral, EntityTarget } from 'typeorm';
import { ReadSnapshot } from './read-snapshot';

/**
 * Runs multi-row writes in one transaction. TypeORM's SQLite driver shares a single
 * connection, so two overlapping transactions collide ("cannot start a transaction within a
 * transaction"); on SQLite this queues them one after another. PostgreSQL gives each its own
 * pooled connection and row locks do the ordering.
 */
@Injectable()
export class Transactions {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    const result = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs a report's reads in one consistent snapshot. PostgreSQL: a REPEATABLE READ
   * transaction, so writes go on but none committed meanwhile is seen. SQLite: a transaction
   * in the write queue, so no write commits until the report has been read (a long export
   * makes writers wait).
   */
  snapshot<T>(work: () => Promise<T>): Promise<T> {
    if (this.isPostgres) {
      return this.dataSource.transaction('REPEATABLE READ', (manager) =>
        ReadSnapshot.run(manager, work),
      );
    }
    return this.run((manager) => ReadSnapshot.run(manager, work));
  }

  /**
   * Reads a row for changing it inside `run`: on PostgreSQL the row stays locked until the
   * transaction ends, so a read-check-write cannot interleave with another one. SQLite needs
   * no lock because `run` already serialises writers.
   */
  findForUpdate<T extends ObjectLiteral>(
    manager: EntityManager,
    entity: EntityTarget<T>,
    id: number,
  ): Promise<T | null> {
    const query = manager.createQueryBuilder(entity, 'row').where('row.id = :id', { id });
    if (this.isPostgres) query.setLock('pessimistic_write');
    return query.getOne();
  }
}
