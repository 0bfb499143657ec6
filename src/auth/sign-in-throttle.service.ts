import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sha256 } from './secrets';
import { SignInThrottle } from './sign-in-throttle.entity';

/** Failures allowed within the window before sign-in pauses, per email and per client address. */
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_CLIENT = 20;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;

/**
 * Counts failed sign-ins in the database, keyed by a hash of the email (whether or not an
 * account has it, so a lockout says nothing about which accounts exist) and by client address.
 */
@Injectable()
export class SignInThrottleService {
  keys(email: string, client: string): { emailKey: string; clientKey: string } {
    return {
      emailKey: `email:${sha256(email.trim().toLowerCase())}`,
      clientKey: `client:${client}`.slice(0, 100),
    };
  }

  async isLocked(manager: EntityManager, keys: string[], now = Date.now()): Promise<boolean> {
    for (const key of keys) {
      const row = await manager.findOneBy(SignInThrottle, { key });
      if (row?.lockedUntil && Date.parse(row.lockedUntil) > now) return true;
    }
    return false;
  }

  async recordFailure(
    manager: EntityManager,
    key: string,
    limit: number,
    now = Date.now(),
  ): Promise<void> {
    const row = await manager.findOneBy(SignInThrottle, { key });
    const fresh = !row || now - Date.parse(row.windowStartedAt) > FAILURE_WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const next: SignInThrottle = {
      key,
      failures,
      windowStartedAt: fresh ? new Date(now).toISOString() : row.windowStartedAt,
      lockedUntil:
        failures >= limit ? new Date(now + LOCKOUT_MS).toISOString() : (row?.lockedUntil ?? null),
    };
    await manager.save(SignInThrottle, next);
  }

  async clear(manager: EntityManager, key: string): Promise<void> {
    await manager.delete(SignInThrottle, { key });
  }
}
