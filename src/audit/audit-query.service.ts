import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { endOfDay } from '../common/dates';
import { fetchPage, Page, toPage } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditEventDto, ListAuditQueryDto, toAuditEventDto } from './audit.dto';

@Injectable()
export class AuditQueryService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async list(query: ListAuditQueryDto): Promise<Page<AuditEventDto>> {
    const qb = this.filtered(query).orderBy('e.id', 'DESC');
    const { rows, total } = await fetchPage(qb, query);
    return toPage(rows.map(toAuditEventDto), total, query);
  }

  /** Every matching event, oldest first, in batches, for the CSV export. */
  async *stream(
    query: Omit<ListAuditQueryDto, 'limit' | 'offset'>,
    batchSize = 1000,
  ): AsyncGenerator<AuditEventDto> {
    let afterId = 0;
    for (;;) {
      const batch = await this.filtered(query)
        .andWhere('e.id > :afterId', { afterId })
        .orderBy('e.id', 'ASC')
        .take(batchSize)
        .getMany();
      for (const event of batch) yield toAuditEventDto(event);
      if (batch.length < batchSize) return;
      afterId = batch[batch.length - 1].id;
    }
  }

  private filtered(
    query: Omit<ListAuditQueryDto, 'limit' | 'offset'>,
  ): SelectQueryBuilder<AuditEvent> {
    const qb = this.events.createQueryBuilder('e');
    // Events of the caller's trusts only; events of no trust (sign-ins, accounts) are for
    // admins, who hold every trust.
    const params: Record<string, unknown> = {};
    const scope = TrustAccess.sqlCondition('e.organisation_id', params);
    if (scope) qb.andWhere(scope, params);
    if (query.entity) qb.andWhere('e.entity = :entity', { entity: query.entity });
    if (query.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: query.entityId });
    if (query.subject) qb.andWhere('e.subject = :subject', { subject: query.subject });
    if (query.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.requestId) qb.andWhere('e.request_id = :requestId', { requestId: query.requestId });
    if (query.from) qb.andWhere('e.at >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.at <= :to', { to: endOfDay(query.to) });
    return qb;
  }
}
