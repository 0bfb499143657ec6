import { EntityManager, IsNull } from 'typeorm';
import { nowTimestamp } from '../common/dates';
import { CalendarFeed } from '../calendar/calendar-feed.entity';
import { ApiToken } from './api-token.entity';
import { Session } from './session.entity';

/**
 * Ends what lets a user in without their password: every session (but the one making the
 * change, when people set their own password), every API token and the private calendar feed
 * (its address is a bearer secret too). Tokens and feeds are revoked, not deleted, so their list still shows them; sessions are deleted. Neither comes back when the
 * account is reactivated.
 */
export async function endCredentials(
  manager: EntityManager,
  userId: number,
  keepSessionId?: number,
): Promise<{ sessions: number; tokens: number }> {
  const sessions = manager
    .createQueryBuilder()
    .delete()
    .from(Session)
    .where('user_id = :userId', { userId });
  if (keepSessionId !== undefined) sessions.andWhere('id <> :keepSessionId', { keepSessionId });
  const ended = await sessions.execute();
  const revoked = await manager.update(
    ApiToken,
    { userId, revokedAt: IsNull() },
    { revokedAt: nowTimestamp() },
  );
  await manager.update(
    CalendarFeed,
    { userId, revokedAt: IsNull() },
    { revokedAt: nowTimestamp() },
  );
  return { sessions: ended.affected ?? 0, tokens: revoked.affected ?? 0 };
}
