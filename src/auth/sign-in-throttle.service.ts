import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  Budget,
  clearAttempts,
  purgeOldAttempts,
  refundAttempt,
  spendAttempt,
} from './attempt-budget';
import { sha256 } from './secrets';

/** Sign-in attempts allowed within the window, per email, per client address, per known browser. */
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_CLIENT = 20;
export const MAX_FAILURES_PER_DEVICE = 5;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;

const budget = (limit: number): Budget => ({
  limit,
  windowMs: FAILURE_WINDOW_MS,
  lockMs: LOCKOUT_MS,
});

/** Which budgets a sign-in attempt spends from. */
export interface AttemptKeys {
  emailKey: string;
  clientKey: string;
  /** Set when the browser has signed in as this account before (its device cookie). */
  deviceKey?: string;
}

/**
 * Spends sign-in attempts BEFORE the password is checked, atomically in the database, keyed by
 * a hash of the email (whether or not an account has it, so a pause says nothing about which
 * accounts exist) and by client address. 60 guesses sent at once therefore get at most 5
 * password checks between them.
 *
 * A browser that has signed in as the account before spends from its own budget instead: so
 * strangers guessing at an email, or sharing an address, cannot lock its owner out.
 */
@Injectable()
export class SignInThrottleService {
  keys(email: string, client: string, deviceId?: number | null): AttemptKeys {
    return {
      emailKey: `email:${sha256(email.trim().toLowerCase())}`,
      clientKey: `client:${client}`.slice(0, 100),
      ...(deviceId ? { deviceKey: `device:${deviceId}` } : {}),
    };
  }

  /** Spends one attempt from every budget this attempt is counted against; true if refused. */
  async spend(manager: EntityManager, keys: AttemptKeys): Promise<boolean> {
    if (keys.deviceKey) {
      return (await spendAttempt(manager, keys.deviceKey, budget(MAX_FAILURES_PER_DEVICE))).refused;
    }
    const email = await spendAttempt(manager, keys.emailKey, budget(MAX_FAILURES_PER_EMAIL));
    const client = await spendAttempt(manager, keys.clientKey, budget(MAX_FAILURES_PER_CLIENT));
    return email.refused || client.refused;
  }

  /** After the right password: the email's (or device's) count starts again, and the address gets its attempt back. */
  async succeeded(manager: EntityManager, keys: AttemptKeys): Promise<void> {
    if (keys.deviceKey) return clearAttempts(manager, keys.deviceKey);
    await clearAttempts(manager, keys.emailKey);
    await refundAttempt(manager, keys.clientKey);
  }

  /** Drops counts whose window and pause are over. */
  purge(manager: EntityManager): Promise<void> {
    return purgeOldAttempts(manager, Math.max(FAILURE_WINDOW_MS, LOCKOUT_MS));
  }
}
