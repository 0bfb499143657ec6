/**
 * The benchmarks' baseline: the app's own SQL, run through the bare database driver (sqlite3
 * or pg) with nothing of NestJS or TypeORM in between. `BareFactsRepository` is the app's
 * ActionFactsRepository with only `run` swapped, so every statement it builds is the app's.
 */
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ActionFactsRepository } from '../src/delivery/action-facts.repository';

export interface BareDriver {
  query<T>(sql: string, values: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function openBareDriver(target: { sqlitePath?: string; databaseUrl?: string }): BareDriver {
  if (target.databaseUrl) {
    // The same pool size and session settings as the app's (data-source-options.ts).
    const pool = new Pool({ connectionString: target.databaseUrl, max: 10, options: '-c jit=off' });
    return {
      query: async <T>(sql: string, values: unknown[]) =>
        (await pool.query(sql, values)).rows as T[],
      close: () => pool.end(),
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  const db = new sqlite3.Database(target.sqlitePath!, sqlite3.OPEN_READONLY);
  return {
    query: <T>(sql: string, values: unknown[]) =>
      new Promise<T[]>((resolve, reject) =>
        db.all(sql, values, (error: Error | null, rows: T[]) =>
          error ? reject(error) : resolve(rows),
        ),
      ),
    close: () => new Promise<void>((resolve) => db.close(() => resolve())),
  };
}

/**
 * The app's repository, building the app's SQL with TypeORM's own parameter escaping (no
 * connection needed), but running it through the bare driver.
 */
export class BareFactsRepository extends ActionFactsRepository {
  constructor(
    dataSource: DataSource,
    private readonly driver: BareDriver,
  ) {
    super(dataSource);
  }

  override run<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.sqlOf(sql, params);
    return this.driver.query<T>(query, values);
  }

  sqlOf(sql: string, params: Record<string, unknown>): [string, unknown[]] {
    return this.dataSourceForSql.driver.escapeQueryWithParameters(sql, params, {}) as [
      string,
      unknown[],
    ];
  }

  private get dataSourceForSql(): DataSource {
    return (this as unknown as { dataSource: DataSource }).dataSource;
  }
}
