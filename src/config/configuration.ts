import { isIP } from 'node:net';
import path from 'node:path';
import { USER_ROLES, UserRole } from '../users/user.entity';

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
  /**
   * Behind a TLS-terminating proxy: how many proxy hops, or which proxy addresses, to believe
   * in X-Forwarded-* headers (cookies become Secure, sign-in throttling sees the real client).
   * Never "believe everyone": that lets any caller choose the address it is throttled under.
   */
  trustProxy: TrustProxy;
  /** CQC's public API (docs/cqc-api.md); the key is needed only by the watcher. */
  cqcApiUrl?: string;
  cqcApiKey?: string;
  /** Poll CQC's changes feed every this many minutes while the app runs; unset: never. */
  cqcWatchMinutes?: number;
  /** Days after a report's publication that the action plan for its MUST findings is due to CQC. */
  cqcActionPlanDays: number;
  /** Sign-in through the trust's OpenID Connect provider (Entra ID); unset: passwords only. */
  oidc?: OidcConfig;
  /** Who may sign in with a password: everyone, admins only, or nobody (SSO only). */
  passwordSignIn?: PasswordSignIn;
}

export const PASSWORD_SIGN_IN = ['all', 'admins', 'off'] as const;
export type PasswordSignIn = (typeof PASSWORD_SIGN_IN)[number];

export interface OidcConfig {
  /** e.g. https://login.microsoftonline.com/<tenant-id>/v2.0 */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This app's /sign-in/nhs/callback as the provider has it registered. */
  redirectUrl: string;
  /** Email domains whose verified addresses may be matched or admitted; empty: any. */
  allowedDomains: string[];
  /** A person the tracker does not know: refused, or given an inactive viewer account for an admin to approve. */
  newUsers: 'refuse' | 'pending';
  /** The claim holding the person's groups (Entra: `groups`). */
  groupsClaim: string;
  /** Group id to role; a matched group sets the role at each sign-in. Empty: roles stay as set in the tracker. */
  groupRoles: Record<string, UserRole>;
}

/** false (believe no proxy), a hop count, or proxy addresses/subnets (Express's forms). */
export type TrustProxy = false | number | string[];

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

  // Demo data (and its published password) only when asked for: `npm run start:demo` or DEMO_DATA=true.
  const demoData = booleanVariable(env, 'DEMO_DATA', false);

  const sessionHours = positiveInteger(env, 'SESSION_HOURS', 8);
  const sessionIdleMinutes = positiveInteger(env, 'SESSION_IDLE_MINUTES', 30);
  const trustProxy = trustProxyVariable(env.TRUST_PROXY);

  const cqcApiUrl = env.CQC_API_URL || DEFAULT_CQC_API_URL;
  if (!/^https?:\/\/[^\s]+$/.test(cqcApiUrl)) {
    throw new ConfigError(`CQC_API_URL must be an http:// or https:// URL; got "${cqcApiUrl}"`);
  }
  const cqcApiKey = env.CQC_API_KEY?.trim() || undefined;
  const cqcWatchMinutes =
    env.CQC_WATCH_MINUTES === undefined || env.CQC_WATCH_MINUTES === ''
      ? undefined
      : positiveInteger(env, 'CQC_WATCH_MINUTES', 60);
  if (cqcWatchMinutes !== undefined && !cqcApiKey) {
    throw new ConfigError(
      'CQC_WATCH_MINUTES is set but CQC_API_KEY is not: the watcher needs a subscription key from https://api-portal.service.cqc.org.uk',
    );
  }

  // Regulation 17(3): CQC asks for the action plan within 28 days; a trust may agree otherwise.
  const cqcActionPlanDays = positiveInteger(env, 'CQC_ACTION_PLAN_DAYS', 28);

  const oidc = oidcVariables(env);
  const passwordSignIn = (env.PASSWORD_SIGN_IN?.trim().toLowerCase() ||
    (oidc ? 'admins' : 'all')) as PasswordSignIn;
  if (!PASSWORD_SIGN_IN.includes(passwordSignIn)) {
    throw new ConfigError(
      `PASSWORD_SIGN_IN must be all, admins or off; got "${env.PASSWORD_SIGN_IN}"`,
    );
  }
  if (passwordSignIn === 'off' && !oidc) {
    throw new ConfigError(
      'PASSWORD_SIGN_IN=off needs single sign-on: set OIDC_ISSUER and the other OIDC_ variables',
    );
  }

  return {
    oidc,
    passwordSignIn,
    port,
    host,
    sqlitePath,
    databaseUrl,
    demoData,
    sessionHours,
    sessionIdleMinutes,
    trustProxy,
    cqcApiUrl,
    cqcApiKey,
    cqcWatchMinutes,
    cqcActionPlanDays,
  };
}

const OIDC_REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL'];

/** All four OIDC_ variables, or none (passwords only). */
function oidcVariables(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const given = OIDC_REQUIRED.filter((name) => env[name]?.trim());
  if (!given.length) return undefined;
  const missing = OIDC_REQUIRED.filter((name) => !env[name]?.trim());
  if (missing.length) {
    throw new ConfigError(
      `${missing.join(', ')} must be set too: single sign-on needs ${OIDC_REQUIRED.join(', ')}`,
    );
  }
  for (const name of ['OIDC_ISSUER', 'OIDC_REDIRECT_URL']) {
    if (!/^https?:\/\/[^\s]+$/.test(env[name]!.trim())) {
      throw new ConfigError(`${name} must be an https:// URL; got "${env[name]}"`);
    }
  }
  const allowedDomains = (env.OIDC_ALLOWED_DOMAINS ?? '')
    .split(',')
    .map((domain) => domain.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);
  for (const domain of allowedDomains) {
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain)) {
      throw new ConfigError(
        `OIDC_ALLOWED_DOMAINS must list email domains such as nhs.net; "${domain}" is not one`,
      );
    }
  }
  const newUsers = env.OIDC_NEW_USERS?.trim().toLowerCase() || 'refuse';
  if (newUsers !== 'refuse' && newUsers !== 'pending') {
    throw new ConfigError(`OIDC_NEW_USERS must be refuse or pending; got "${env.OIDC_NEW_USERS}"`);
  }
  const groupRoles: Record<string, UserRole> = {};
  for (const entry of (env.OIDC_GROUP_ROLES ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const group = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim() as UserRole;
    if (at < 1 || !USER_ROLES.includes(role)) {
      throw new ConfigError(
        `OIDC_GROUP_ROLES must be group=role pairs separated by commas, the role one of ${USER_ROLES.join(', ')}; "${entry}" is not`,
      );
    }
    groupRoles[group] = role;
  }
  return {
    issuer: env.OIDC_ISSUER!.trim(),
    clientId: env.OIDC_CLIENT_ID!.trim(),
    clientSecret: env.OIDC_CLIENT_SECRET!.trim(),
    redirectUrl: env.OIDC_REDIRECT_URL!.trim(),
    allowedDomains,
    newUsers,
    groupsClaim: env.OIDC_GROUPS_CLAIM?.trim() || 'groups',
    groupRoles,
  };
}

export const DEFAULT_CQC_API_URL = 'https://api.service.cqc.org.uk/public/v1';

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

/** Express's names for address ranges, allowed in TRUST_PROXY beside addresses and subnets. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxyVariable(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || ['false', 'off', 'no', '0'].includes(value.toLowerCase())) return false;
  if (['true', 'on', 'yes'].includes(value.toLowerCase())) {
    throw new ConfigError(
      `TRUST_PROXY=${value} would believe any client's X-Forwarded-For, so anyone could choose the ` +
        'address they are throttled under; give the number of proxies in front of the app ' +
        '(e.g. TRUST_PROXY=1) or their addresses (e.g. TRUST_PROXY=10.0.0.5,10.0.1.0/24)',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10)
      throw new ConfigError(`TRUST_PROXY must be a hop count from 0 to 10; got "${raw}"`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bitsOk =
      bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_RANGE_NAMES.has(entry) && (!family || !bitsOk || extra !== undefined)) {
      throw new ConfigError(
        `TRUST_PROXY must be a hop count or a comma-separated list of proxy addresses or subnets; "${entry}" is neither`,
      );
    }
  }
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    // A proxy subnet, not the internet: 0.0.0.0/1 + 128.0.0.0/1 would believe every client,
    // the same hole as `true` (and proxy-addr throws on a /0).
    const widest = isIP(address ?? '') === 6 ? 16 : 8;
    if (bits !== undefined && Number(bits) < widest) {
      throw new ConfigError(
        `TRUST_PROXY subnet "${entry}" is wider than /${widest}: it would believe clients, not just proxies; give the proxies' own addresses or subnet`,
      );
    }
  }
  return entries;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
