import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { nowTimestamp } from '../common/dates';
import { KnownDevice } from './known-device.entity';
import { randomSecret, sha256 } from './secrets';

export const DEVICE_COOKIE = 'tracker_device';
/** A browser stays known for a year after it last signed in. */
export const DEVICE_MAX_AGE_MS = 365 * 24 * 3_600_000;
/** Browsers remembered per user; the least recently used beyond this are forgotten. */
export const MAX_DEVICES_PER_USER = 20;

/** Browsers that have signed in as a user before (see KnownDevice). */
@Injectable()
export class KnownDevicesService {
  constructor(private readonly dataSource: DataSource) {}

  /** The id of the known device this cookie names for the account with this email, or null. */
  async find(secret: string | undefined, email: string): Promise<number | null> {
    if (!secret || secret.length > 100) return null;
    const row = await this.dataSource
      .getRepository(KnownDevice)
      .createQueryBuilder('d')
      .innerJoin('d.user', 'u')
      .where('d.tokenHash = :hash', { hash: sha256(secret) })
      .andWhere('u.email = :email', { email })
      .select(['d.id'])
      .getOne();
    return row?.id ?? null;
  }

  /**
   * After a successful sign-in: marks the browser's device as used, or makes it a new one.
   * Returns the cookie secret to send when a new device was made.
   */
  async remember(
    manager: EntityManager,
    userId: number,
    knownId: number | null,
  ): Promise<string | null> {
    const now = nowTimestamp();
    if (knownId !== null) {
      await manager.update(KnownDevice, { id: knownId }, { lastUsedAt: now });
      return null;
    }
    const secret = randomSecret();
    await manager.insert(KnownDevice, {
      userId,
      tokenHash: sha256(secret),
      createdAt: now,
      lastUsedAt: now,
    });
    const stale = await manager.find(KnownDevice, {
      where: { userId },
      order: { lastUsedAt: 'DESC', id: 'DESC' },
      skip: MAX_DEVICES_PER_USER,
      select: { id: true },
    });
    if (stale.length)
      await manager.delete(
        KnownDevice,
        stale.map((d) => d.id),
      );
    return secret;
  }
}
