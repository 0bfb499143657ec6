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

/**
 * PostgreSQL: a REPEATABLE READ transaction on a pooled connection; writes go on meanwhile.
 * Stopped, its connection is not waited for: the running query is cancelled and the
 * connection thrown away (which ends the transaction), so the pool has its slot back at once.
 */
async function postgresSession(dataSource: DataSource): Promise<SnapshotSession> {
  const runner = dataSource.createQueryRunner();
  await runner.startTransaction('REPEATABLE READ');
  const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
  let cancelled = false;
  stopQueriesWhen(runner, () => cancelled);
  return {
    manager: runner.manager,
    cancel: async () => {
      cancelled = true;
      discard(runner);
      await cancelBackend(dataSource, pid);
    },
    end: async () => {
      if (cancelled) return;
      try {
        await runner.rollbackTransaction();
        await runner.release();
      } catch {
        discard(runner);
      }
    },
  };
}

/** Once stopped, a runner refuses further queries, so an abandoned loop ends at its next read. */
function stopQueriesWhen(runner: QueryRunner, stopped: () => boolean): void {
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  (runner as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args) =>
    stopped() ? Promise.reject(new Error('The snapshot was stopped')) : query(...args);
}

/** Gives the connection back to the pool as broken: the pool closes it. */
function discard(runner: QueryRunner): void {
  const pg = runner as unknown as {
    databaseConnection?: { on(event: string, listener: () => void): void };
    releasePostgresConnection(error: Error): Promise<void>;
  };
  // Closing may still raise an error event on the client; nobody else listens any more.
  pg.databaseConnection?.on('error', () => undefined);
  void pg.releasePostgresConnection(new Error('Snapshot stopped: its client went away'));
}

/**
 * Asks PostgreSQL to cancel the snapshot's running query, on a connection of its own (never
 * from the pool, which may be the thing exhausted).
 */
async function cancelBackend(dataSource: DataSource, pid: number): Promise<void> {
  const client = new Client({
    connectionString: (dataSource.options as PostgresConnectionOptions).url,
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    await client.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // statement_timeout and idle_in_transaction_session_timeout end it regardless.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * SQLite: a read transaction on a connection of its own. In WAL mode it sees the database as
 * it was at its first read, and writers carry on meanwhile.
 */
async function sqliteSession(dataSource: DataSource, path: string): Promise<SnapshotSession> {
  const db = await openSqliteConnection(path);
  const runner = runnerOn(dataSource, db);
  let cancelled = false;
  stopQueriesWhen(runner, () => cancelled);
  await runner.query('BEGIN');
  // The snapshot starts at the first read, not at BEGIN.
  await runner.query('SELECT COUNT(*) FROM sqlite_master');
  markTransaction(runner, true);
  return {
    manager: runner.manager,
    cancel: () => {
      cancelled = true;
      return Promise.resolve(db.interrupt());
    },
    end: async () => {
      markTransaction(runner, false);
      // Straight on the connection: the runner refuses queries once stopped.
      await new Promise<void>((resolve) => db.run('ROLLBACK', () => resolve()));
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
