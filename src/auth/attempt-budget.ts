import { EntityManager } from 'typeorm';

/** How many attempts a key may spend in a window, and how long it is paused once it overspends. */
export interface Budget {
  limit: number;
  windowMs: number;
  /** How long the key stays refused after going over; 0 means until its window ends. */
  lockMs: number;
}

export interface Spent {
  /** Attempts spent in the current window, this one included. */
  spent: number;
  /** True when this attempt is over the budget (or the key is paused) and must be refused. */
  refused: boolean;
}

/**
 * Spends one attempt from a key's budget in ONE statement (an upsert that increments and
 * returns the count), so that concurrent attempts can neither read the same count nor lose an
 * increment, on SQLite or PostgreSQL. Called before anything expensive is done for the attempt.
 *
 * A window starts afresh once it is older than `windowMs` and no pause is running, or once a
 * pause has run out. Counts are stored in sign_in_throttle, keyed `email:<sha256>`,
 * `client:<address>`, `device:<sha256>` or `refusals:<who>`.
 */
export async function spendAttempt(
  manager: EntityManager,
  key: string,
  budget: Budget,
  now = Date.now(),
): Promise<Spent> {
  const nowIso = new Date(now).toISOString();
  const windowFloor = new Date(now - budget.windowMs).toISOString();
  const lockEnd = new Date(now + (budget.lockMs || budget.windowMs)).toISOString();
  // Fresh: the pause (if any) has run out, or there was none and the window has passed.
  const fresh =
    '((t.locked_until IS NOT NULL AND t.locked_until <= $2) OR ' +
    '(t.locked_until IS NULL AND t.window_started_at <= $3))';
  const rows: { failures: number | string; locked_until: string | null }[] = await query(
    manager,
    // The leading comment matters: TypeORM's SQLite runner sends statements that start with
    // "INSERT " through run(), which drops RETURNING's row; this way it comes back.
    '/* spend */ INSERT INTO sign_in_throttle AS t (key, failures, window_started_at, locked_until) ' +
      'VALUES ($1, 1, $2, NULL) ' +
      'ON CONFLICT (key) DO UPDATE SET ' +
      `failures = CASE WHEN ${fresh} THEN 1 ELSE t.failures + 1 END, ` +
      `window_started_at = CASE WHEN ${fresh} THEN $2 ELSE t.window_started_at END, ` +
      `locked_until = CASE WHEN ${fresh} THEN NULL ` +
      'WHEN t.failures + 1 > $5 THEN COALESCE(t.locked_until, $4) ' +
      'ELSE t.locked_until END ' +
      'RETURNING failures, locked_until',
    [key, nowIso, windowFloor, lockEnd, budget.limit],
  );
  const spent = Number(rows[0]?.failures ?? 1);
  const locked = !!rows[0]?.locked_until && rows[0].locked_until > nowIso;
  return { spent, refused: spent > budget.limit || locked };
}

/** Gives back one attempt (a sign-in that succeeded should not count against its address). */
export async function refundAttempt(manager: EntityManager, key: string): Promise<void> {
  await query(
    manager,
    'UPDATE sign_in_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0',
    [key],
  );
}

/** Forgets a key's count (the right password was given for this email). */
export async function clearAttempts(manager: EntityManager, key: string): Promise<void> {
  await query(manager, 'DELETE FROM sign_in_throttle WHERE key = $1', [key]);
}

/** Removes counts whose window and pause are both over, so the table does not grow forever. */
export async function purgeOldAttempts(
  manager: EntityManager,
  olderThanMs: number,
  now = Date.now(),
): Promise<void> {
  await query(
    manager,
    'DELETE FROM sign_in_throttle WHERE window_started_at <= $1 ' +
      'AND (locked_until IS NULL OR locked_until <= $2)',
    [new Date(now - olderThanMs).toISOString(), new Date(now).toISOString()],
  );
}

/** PostgreSQL's $1 placeholders; SQLite reads the same numbers as ?1. */
function query<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T> {
  const postgres = manager.connection.options.type === 'postgres';
  return manager.query<T>(postgres ? sql : sql.replace(/\$(\d+)/g, '?$1'), params);
}
