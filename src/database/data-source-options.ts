import fs from 'node:fs';
import path from 'node:path';
import { types as pgTypes } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../database/migrations';
import type { AppConfig } from '../config/configuration';
import { useBlobTypeOf } from './columns';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { BUSY_TIMEOUT_MS } from './sqlite-connections';

/** PostgreSQL connections in each instance's pool. */
export const POOL_SIZE = 10;
export const STATEMENT_TIMEOUT_MS = 120_000;
export const IDLE_IN_TRANSACTION_MS = 60_000;

/**
 * The one description of the database, shared by the app, the command line and the tests.
 * SQLite by default; PostgreSQL when DATABASE_URL is set. Never `synchronize`: the schema
 * comes from migrations only.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'sqlitePath' | 'databaseUrl'>,
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: ['error' as const],
  };
  // Before TypeORM builds the entities' metadata: the blob column's type depends on the engine.
  useBlobTypeOf(config.databaseUrl ? 'postgres' : 'sqlite');
  if (config.databaseUrl) {
    // Calendar dates stay 'YYYY-MM-DD' text and counts plain numbers in raw queries, as on SQLite.
    pgTypes.setTypeParser(pgTypes.builtins.DATE, (value) => value);
    pgTypes.setTypeParser(pgTypes.builtins.INT8, (value) => Number(value));
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      // Fail fast rather than hang when PostgreSQL is unreachable.
      connectTimeoutMS: 5000,
      // JIT compilation suits long analytic scans; for these short as-at queries over indexes
      // it cost more than the query itself (1.7 s of a 1.8 s readiness statement at 1M
      // actions), so it is off for the app's sessions.
      // No statement may run past 120 s, and no transaction may sit idle past 60 s: whatever a
      // client or a bug does, a pooled connection comes back (issue 14: an abandoned download
      // pinned one for good).
      extra: {
        max: POOL_SIZE,
        connectionTimeoutMillis: 5000,
        options: `-c jit=off -c statement_timeout=${STATEMENT_TIMEOUT_MS} -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
      },
    };
  }
  if (config.sqlitePath !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(config.sqlitePath)), { recursive: true });
  }
  return {
    ...common,
    type: 'sqlite',
    database: config.sqlitePath,
    // WAL lets readers proceed while a write commits; the timeout waits out another process's lock.
    enableWAL: config.sqlitePath !== ':memory:',
    busyTimeout: BUSY_TIMEOUT_MS,
    // TypeORM's SQLite driver turns foreign keys on for every connection.
  };
}
