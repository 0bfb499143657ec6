import { Injectable } from '@nestjs/common';
import { loadTrustGrant, TrustAccess } from '../auth/trust-access';
import { RequestContext } from '../common/request-context';
import { ApiProperty } from '@nestjs/swagger';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { Brackets, DataSource, IsNull } from 'typeorm';
import { Action } from '../actions/action.entity';
import { OPEN_STATUSES } from '../actions/action-rules';
import { AuditService } from '../audit/audit.service';
import { randomSecret, sha256 } from '../auth/secrets';
import { AppError } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { CoreService } from '../core-services/core-service.entity';
import { Transactions } from '../database/transactions';
import { User } from '../users/user.entity';
import { CalendarFeed } from './calendar-feed.entity';

export const FEED_PREFIX = 'cqcc_';

export class CalendarFeedDto {
  @ApiProperty({ description: 'Whether the user has a live feed' }) active: boolean;
  @ApiProperty({ nullable: true, type: String }) createdAt: string | null;
}

export class CreatedCalendarFeedDto extends CalendarFeedDto {
  @ApiProperty({
    description: 'The feed address, shown this once: subscribe to it in a calendar app',
  })
  path: string;
}

/**
 * A private iCalendar feed per user: the due dates of the actions they own or lead, and the
 * reinspection dates of the core services. The secret in the URL is the only key (calendar
 * apps cannot sign in), so it is long, stored hashed, and revocable; a new feed revokes the old.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async status(user: User): Promise<CalendarFeedDto> {
    const feed = await this.dataSource
      .getRepository(CalendarFeed)
      .findOneBy({ userId: user.id, revokedAt: IsNull() });
    return { active: !!feed, createdAt: feed?.createdAt ?? null };
  }

  async create(user: User): Promise<CreatedCalendarFeedDto> {
    return this.transactions.run(async (manager) => {
      await this.revokeAll(manager, user);
      const token = `${FEED_PREFIX}${randomSecret(30)}`;
      const feed = await manager.save(
        manager.create(CalendarFeed, {
          userId: user.id,
          tokenHash: sha256(token),
          createdAt: nowTimestamp(),
          revokedAt: null,
        }),
      );
      await this.audit.record(manager, {
        action: 'create',
        entity: 'calendar_feed',
        entityId: feed.id,
        after: { userId: user.id, createdAt: feed.createdAt },
      });
      return {
        active: true,
        createdAt: feed.createdAt,
        path: `/api/v1/calendar/feeds/${token}.ics`,
      };
    });
  }

  async revoke(user: User): Promise<CalendarFeedDto> {
    await this.transactions.run((manager) => this.revokeAll(manager, user));
    return { active: false, createdAt: null };
  }

  /** The feed for a secret; unknown and revoked secrets are both simply not found. */
  async feed(token: string): Promise<string> {
    const feed = await this.dataSource.getRepository(CalendarFeed).findOne({
      where: { tokenHash: sha256(token), revokedAt: IsNull() },
      relations: { user: true },
    });
    if (!feed?.user?.active) throw new AppError('ROUTE_NOT_FOUND', 'No such calendar feed');
    const user = feed.user;
    // The feed is read as its owner: only the trusts they belong to now.
    const state = RequestContext.current();
    if (state) state.trusts = await loadTrustGrant(this.dataSource, user);
    const params: Record<string, unknown> = {};
    const scope = TrustAccess.sqlCondition('a.organisation_id', params) ?? '1 = 1';
    const serviceScope = TrustAccess.sqlCondition('cs.organisation_id', params) ?? '1 = 1';
    const actions = await this.dataSource
      .getRepository(Action)
      .createQueryBuilder('a')
      .where('a.status IN (:...open)', { open: OPEN_STATUSES })
      .andWhere(scope, params)
      .andWhere(
        new Brackets((w) =>
          w.where('a.owner_id = :id', { id: user.id }).orWhere('a.executive_lead_id = :id'),
        ),
      )
      .orderBy('a.due_date', 'ASC')
      .getMany();
    const services = await this.dataSource
      .getRepository(CoreService)
      .createQueryBuilder('cs')
      .leftJoinAndSelect('cs.organisation', 'o')
      .where('cs.reinspection_date IS NOT NULL')
      .andWhere(serviceScope, params)
      .orderBy('cs.reinspection_date', 'ASC')
      .getMany();

    const calendar = ical({
      name: `CQC actions: ${user.name}`,
      method: ICalCalendarMethod.PUBLISH,
      prodId: { company: 'NHS', product: 'CQC Action Tracker' },
    });
    for (const action of actions) {
      const role =
        action.ownerId === user.id ? 'You own this action' : 'You are the executive lead';
      calendar.createEvent({
        id: `action-${action.id}@cqc-action-tracker`,
        start: new Date(`${action.dueDate}T00:00:00.000Z`),
        allDay: true,
        summary: `Due: ${action.reference ? `${action.reference} ` : ''}${action.title}`,
        description: `${role}. Status ${action.status}, progress ${action.progress}%.`,
      });
    }
    for (const service of services) {
      calendar.createEvent({
        id: `reinspection-${service.id}@cqc-action-tracker`,
        start: new Date(`${service.reinspectionDate}T00:00:00.000Z`),
        allDay: true,
        summary: `CQC reinspection${service.reinspectionConfirmed ? '' : ' (expected)'}: ${service.name}`,
        description: service.organisation?.name ?? '',
      });
    }
    return calendar.toString();
  }

  private async revokeAll(manager: import('typeorm').EntityManager, user: User): Promise<void> {
    const live = await manager.findBy(CalendarFeed, { userId: user.id, revokedAt: IsNull() });
    for (const feed of live) {
      await manager.update(CalendarFeed, { id: feed.id }, { revokedAt: nowTimestamp() });
      await this.audit.record(manager, {
        action: 'update',
        entity: 'calendar_feed',
        entityId: feed.id,
        summary: 'Revoked',
      });
    }
  }
}
