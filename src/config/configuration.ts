import path from 'node:path';

export interface AppConfig {
  port: number;
  /** Address to listen on; 127.0.0.1 unless told otherwise (0.0.0.0 behind a load balancer). */
  host: string;
  /** SQLite file, used when DATABASE_URL is not set. */
  sqlitePath: string;
  /** A postgres:// URL selects PostgreSQL. */
  databaseUrl?: string;
  /** Load the demo data set into an empty database at start. */
  demoData: boolean;
  /** A session ends this long after sign-in, whatever happens. */
  sessionHours: number;
  /** ...or after this long without a request. */
  sessionIdleMinutes: number;
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* headers (cookies become Secure). */
  trustProxy: boolean;
}

export class ConfigError extends Error {}

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  on: true,
  yes: true,
  '1': true,
  false: false,
  off: false,
  no: false,
  '0': false,
};

/**
 * Reads and checks the environment once, at start. Every default lets `npm start` run with
 * no environment at all; every bad value stops the app with a message naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535; got "${env.PORT}"`);
  }

  const host = env.HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) {
    throw new ConfigError(`HOST must be an address or host name; got "${env.HOST}"`);
  }

  const sqlitePath = env.SQLITE_PATH || path.join('database', 'tracker.sqlite');

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)',
    );
  }

  const demoData = booleanVariable(env, 'DEMO_DATA', true);

  const sessionHours = positiveInteger(env, 'SESSION_HOURS', 8);
  const sessionIdleMinutes = positiveInteger(env, 'SESSION_IDLE_MINUTES', 30);
  const trustProxy = booleanVariable(env, 'TRUST_PROXY', false);

  return {
    port,
    host,
    sqlitePath,
    databaseUrl,
    demoData,
    sessionHours,
    sessionIdleMinutes,
    trustProxy,
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a whole number above 0; got "${raw}"`);
  }
  return value;
}

function booleanVariable(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = BOOLEAN_WORDS[raw.trim().toLowerCase()];
  if (value === undefined) throw new ConfigError(`${name} must be true or false; got "${raw}"`);
  return value;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
