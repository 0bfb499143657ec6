import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import { nowTimestamp } from '../common/dates';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { User } from '../users/user.entity';
import { randomSecret, sha256 } from './secrets';
import { Session } from './session.entity';

export const SESSION_COOKIE = 'tracker_session';
/**
 * last_seen_at is written when it is at least a second old, so the idle timeout is counted to
 * the second (it used to be written once a minute, and so ended sessions up to a minute early
 * or late), while a burst of requests within one second writes once.
 */
const TOUCH_EVERY_MS = 1_000;
/** Sessions one user may hold; signing in again ends the oldest beyond this. */
export const MAX_SESSIONS_PER_USER = 10;

@Injectable()
export class SessionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  get maxAgeMs(): number {
    return this.config.sessionHours * 3_600_000;
  }

  /** Starts a session; returns the cookie secret (shown once) and the CSRF token. */
  async start(
    manager: EntityManager,
    userId: number,
  ): Promise<{ secret: string; session: Session }> {
    const secret = randomSecret();
    const now = Date.now();
    const session = await manager.save(
      manager.create(Session, {
        userId,
        tokenHash: sha256(secret),
        csrfToken: randomSecret(24),
        createdAt: new Date(now).toISOString(),
        lastSeenAt: new Date(now).toISOString(),
        expiresAt: new Date(now + this.maxAgeMs).toISOString(),
      }),
    );
    await this.endOldest(manager, userId);
    await this.purgeExpired(manager, now);
    return { secret, session };
  }

  /** Keeps a user's newest MAX_SESSIONS_PER_USER sessions and ends the rest. */
  private async endOldest(manager: EntityManager, userId: number): Promise<void> {
    const surplus = await manager.find(Session, {
      where: { userId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: MAX_SESSIONS_PER_USER,
      select: { id: true },
    });
    if (surplus.length)
      await manager.delete(
        Session,
        surplus.map((s) => s.id),
      );
  }

  /** Deletes every session past its expiry or idle limit, so the table holds live ones only. */
  async purgeExpired(manager: EntityManager, now = Date.now()): Promise<void> {
    await manager
      .createQueryBuilder()
      .delete()
      .from(Session)
      .where('expires_at <= :now OR last_seen_at <= :idleFloor', {
        now: new Date(now).toISOString(),
        idleFloor: new Date(now - this.config.sessionIdleMinutes * 60_000).toISOString(),
      })
      .execute();
  }

  /** The live session for a cookie secret, or null; an expired or idle one is ended here. */
  async resolve(secret: string): Promise<{ session: Session; user: User } | null> {
    const session = await this.dataSource.getRepository(Session).findOne({
      where: { tokenHash: sha256(secret) },
      relations: { user: true },
    });
    if (!session?.user) return null;
    const now = Date.now();
    const idleLimit = Date.parse(session.lastSeenAt) + this.config.sessionIdleMinutes * 60_000;
    if (now >= Date.parse(session.expiresAt) || now >= idleLimit) {
      await this.transactions.run((manager) => manager.delete(Session, { id: session.id }));
      return null;
    }
    if (now - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
      await this.transactions.run((manager) =>
        manager.update(Session, { id: session.id }, { lastSeenAt: nowTimestamp() }),
      );
    }
    return { session, user: session.user };
  }

  async end(manager: EntityManager, sessionId: number): Promise<void> {
    await manager.delete(Session, { id: sessionId });
  }
}
