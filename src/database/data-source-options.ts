import fs from 'node:fs';
import path from 'node:path';
import { types as pgTypes } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../database/migrations';
import type { AppConfig } from '../config/configuration';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

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
      extra: { max: 10, connectionTimeoutMillis: 5000, options: '-c jit=off' },
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
    busyTimeout: 10000,
    // TypeORM's SQLite driver turns foreign keys on for every connection.
  };
}
