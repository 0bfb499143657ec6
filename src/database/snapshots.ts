import { Client } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { AppError } from '../common/app-error';
import { ReadSnapshot } from './read-snapshot';
import {
  closeSqliteConnection,
  markTransaction,
  openSqliteConnection,
  runnerOn,
  sqliteConnectionsOf,
} from './sqlite-connections';
import { writeTransaction } from './write-queue';

/**
 * No report may hold a snapshot longer than this, whatever its client does: a download that
 * is still going after five minutes is cut off and its transaction ended.
 */
export const SNAPSHOT_LIMIT_MS = 5 * 60_000;

/** One report's read transaction: its manager, a way to stop its running query, its end. */
interface SnapshotSession {
  manager: EntityManager;
  cancel(): Promise<void>;
  end(): Promise<void>;
}

/**
 * Runs `work` in one consistent read snapshot, and ends the snapshot's transaction as soon as
 * `signal` aborts (the client went away) or the time limit passes: the running query is
 * cancelled, the transaction rolled back, the connection given back. `work` is then left to
 * fail on its own; nobody waits for it.
 */
export async function inSnapshot<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const limit = AbortSignal.timeout(SNAPSHOT_LIMIT_MS);
  const stop = signal ? AbortSignal.any([signal, limit]) : limit;
  const session = await openSession(dataSource);
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      void session.cancel();
      reject(
        limit.aborted
          ? new AppError('DATABASE_UNAVAILABLE', 'The report took too long and was stopped')
          : new Error('The client went away', { cause: stop.reason }),
      );
    };
    if (stop.aborted) onAbort();
    else stop.addEventListener('abort', onAbort, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    const running = ReadSnapshot.run(session.manager, work);
    // Once stopped, whatever the work does next fails on a closed transaction; swallow it.
    running.catch(() => undefined);
    return await Promise.race([running, stopped]);
  } finally {
    if (onAbort) stop.removeEventListener('abort', onAbort);
    await session.end();
  }
}

function openSession(dataSource: DataSource): Promise<SnapshotSession> {
  if (dataSource.options.type === 'postgres') return postgresSession(dataSource);
  const separate = sqliteConnectionsOf(dataSource);
  if (separate) return sqliteSession(dataSource, separate.path);
  return inMemorySession(dataSource);
}

/** PostgreSQL: a REPEATABLE READ transaction on a pooled connection; writes go on meanwhile. */
async function postgresSession(dataSource: DataSource): Promise<SnapshotSession> {
  const runner = dataSource.createQueryRunner();
  await runner.startTransaction('REPEATABLE READ');
  const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
  let cancelled = false;
  return {
    manager: runner.manager,
    // The snapshot's own connection is busy with the query, so ask on a fresh one (never from
    // the pool, which may be the thing exhausted).
    cancel: async () => {
      cancelled = true;
      const client = new Client({
        connectionString: (dataSource.options as PostgresConnectionOptions).url,
        connectionTimeoutMillis: 5000,
      });
      try {
        await client.connect();
        await client.query('SELECT pg_cancel_backend($1)', [pid]);
      } catch {
        // idle_in_transaction_session_timeout ends it regardless.
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    end: () => endRunner(runner, cancelled),
  };
}

async function endRunner(runner: QueryRunner, cancelled: boolean): Promise<void> {
  try {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  } catch (error) {
    // A connection that cannot even roll back is thrown away rather than pooled again.
    const release = (runner as unknown as { releasePostgresConnection?: (e: unknown) => void })
      .releasePostgresConnection;
    if (release) release.call(runner, error);
    if (!cancelled) throw error;
  }
}

/**
 * SQLite: a read transaction on a connection of its own. In WAL mode it sees the database as
 * it was at its first read, and writers carry on meanwhile.
 */
async function sqliteSession(dataSource: DataSource, path: string): Promise<SnapshotSession> {
  const db = await openSqliteConnection(path);
  const runner = runnerOn(dataSource, db);
  await runner.query('BEGIN');
  // The snapshot starts at the first read, not at BEGIN.
  await runner.query('SELECT COUNT(*) FROM sqlite_master');
  markTransaction(runner, true);
  return {
    manager: runner.manager,
    cancel: () => Promise.resolve(db.interrupt()),
    end: async () => {
      markTransaction(runner, false);
      await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
      await closeSqliteConnection(db);
    },
  };
}

/** In memory there is one connection: the snapshot is a transaction in the write queue. */
function inMemorySession(dataSource: DataSource): Promise<SnapshotSession> {
  return new Promise((resolveSession) => {
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    void writeTransaction(dataSource, (manager) => {
      resolveSession({ manager, cancel: () => Promise.resolve(), end: () => (finish(), done) });
      return done;
    });
  });
}
