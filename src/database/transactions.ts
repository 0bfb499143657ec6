import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, ObjectLiteral, EntityTarget } from 'typeorm';
import { inSnapshot } from './snapshots';
import { writeTransaction } from './write-queue';

/**
 * Every write runs in one transaction through `run` (the write queue, write-queue.ts); every
 * report reads from one consistent snapshot through `snapshot` (snapshots.ts).
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return writeTransaction(this.dataSource, work);
  }

  /**
   * Runs a report's reads in one consistent snapshot: a REPEATABLE READ transaction on
   * PostgreSQL, a read transaction on a connection of its own on SQLite; writes go on
   * meanwhile on both. When `signal` aborts (the client went away), or after five minutes,
   * the running query is cancelled and the transaction ended.
   */
  snapshot<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return inSnapshot(this.dataSource, work, signal);
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
