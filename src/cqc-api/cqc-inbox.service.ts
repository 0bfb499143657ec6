import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TrustAccess } from '../auth/trust-access';
import { AppError, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { fetchPage, Page, toPage } from '../common/pagination';
import { Transactions } from '../database/transactions';
import { CqcImportResultDto } from '../imports/dto/import-result.dto';
import { ImportsService } from '../imports/imports.service';
import { Organisation } from '../organisations/organisation.entity';
import type { User } from '../users/user.entity';
import { CqcApiClient, CqcApiError, CqcRecord } from './cqc-api.client';
import { CqcInboxItem } from './cqc-inbox-item.entity';
import {
  CqcInboxImportQueryDto,
  CqcInboxItemDto,
  DismissCqcInboxItemDto,
  ListCqcInboxQueryDto,
  toCqcInboxItemDto,
} from './dto/cqc-inbox.dto';

export const CQC_API_CLIENT = Symbol('CQC_API_CLIENT');
export type CqcClientFactory = () => CqcApiClient;

const notFound = (id: number) =>
  new AppError('CQC_INBOX_ITEM_NOT_FOUND', `No CQC inbox item ${id} in your trusts`);

/**
 * The inbox of what CQC published for the trusts the tracker holds. Only a trust's quality
 * leads (and admins) see its items. Nothing is imported until a person asks for it: the
 * import is previewed (dry run) by default and stored only with dryRun=false.
 */
@Injectable()
export class CqcInboxService {
  constructor(
    @InjectRepository(CqcInboxItem) private readonly items: Repository<CqcInboxItem>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly imports: ImportsService,
    @Inject(CQC_API_CLIENT) private readonly newClient: CqcClientFactory,
  ) {}

  async list(query: ListCqcInboxQueryDto): Promise<Page<CqcInboxItemDto>> {
    const qb = this.items.createQueryBuilder('i');
    const ids = inboxTrustIds();
    if (ids !== 'all') {
      if (ids.length === 0) qb.andWhere('1 = 0');
      else qb.andWhere('i.organisation_id IN (:...inboxTrusts)', { inboxTrusts: ids });
    }
    if (query.organisationId)
      qb.andWhere('i.organisation_id = :org', { org: query.organisationId });
    qb.andWhere('i.status = :status', { status: query.status ?? 'OPEN' });
    qb.orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC');
    const { rows, total } = await fetchPage(qb, query);
    return toPage(rows.map(toCqcInboxItemDto), total, query);
  }

  async get(id: number): Promise<CqcInboxItemDto> {
    return toCqcInboxItemDto(await this.visible(id));
  }

  async dismiss(id: number, dto: DismissCqcInboxItemDto, user: User): Promise<CqcInboxItemDto> {
    const note = dto.note?.trim() || null;
    // The pages call this without the API's validation pipe: the same rule, here.
    if (note && note.length > 500) {
      throw validationFailed('note', 'must be 500 characters or fewer');
    }
    return this.transactions.run(async (manager) => {
      const item = await this.transactions.findForUpdate(manager, CqcInboxItem, id);
      if (!item || !canSeeInbox(item.organisationId)) throw notFound(id);
      TrustAccess.requireWritable(item.organisationId, () => notFound(id));
      requireOpen(item);
      const before = { status: item.status };
      item.status = 'DISMISSED';
      item.decidedAt = nowTimestamp();
      item.decidedById = user.id;
      item.decisionNote = note;
      await manager.save(item);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'cqc_inbox_item',
        entityId: item.id,
        before,
        after: { status: item.status, decisionNote: item.decisionNote },
        organisationId: item.organisationId,
        summary: `Dismissed: ${item.summary}`,
      });
      return toCqcInboxItemDto(item);
    });
  }

  /**
   * Fetches the trust's provider record from CQC now and runs the CQC-record import on it:
   * a preview unless dryRun is false. A confirmed import marks the item IMPORTED.
   */
  async import(
    id: number,
    query: CqcInboxImportQueryDto,
    user: User,
  ): Promise<{ item: CqcInboxItemDto; import: CqcImportResultDto }> {
    const dryRun = query.dryRun ?? true;
    const item = await this.visible(id);
    TrustAccess.requireWritable(item.organisationId, () => notFound(id));
    requireOpen(item);
    if (item.kind === 'REPORT_EXPECTED') {
      throw new AppError(
        'CQC_INBOX_ITEM_DECIDED',
        'This inspection has no published report yet: there is nothing to import until CQC publishes it',
      );
    }
    const organisation = await this.items.manager
      .getRepository(Organisation)
      .findOneBy({ id: item.organisationId });
    if (!organisation?.cqcProviderId) throw notFound(id);
    const record = await this.fetchProvider(organisation.cqcProviderId);
    const options = { organisationId: item.organisationId, actorId: user.id };
    if (dryRun) {
      const preview = await this.imports.cqcJson({ json: record }, { ...options, dryRun });
      return { item: toCqcInboxItemDto(item), import: preview };
    }
    // Claim the item before importing: of a double-click, a retry or two people confirming at
    // once, only the request whose update moved it from OPEN imports; the others get a 409.
    const decidedAt = nowTimestamp();
    const claimed = await this.transactions.run((manager) =>
      manager.update(
        CqcInboxItem,
        { id, status: 'OPEN' },
        { status: 'IMPORTED', decidedAt, decidedById: user.id },
      ),
    );
    if (!claimed.affected) requireOpen((await this.items.findOneBy({ id })) ?? item);
    let result: CqcImportResultDto;
    try {
      result = await this.imports.cqcJson({ json: record }, { ...options, dryRun });
    } catch (error) {
      // The import stored nothing (it is all-or-nothing): the item is open again.
      await this.transactions.run((manager) =>
        manager.update(
          CqcInboxItem,
          { id, status: 'IMPORTED', importId: IsNull() },
          { status: 'OPEN', decidedAt: null, decidedById: null },
        ),
      );
      throw error;
    }
    const updated = await this.transactions.run(async (manager) => {
      const row = await this.transactions.findForUpdate(manager, CqcInboxItem, id);
      if (!row) throw notFound(id);
      row.importId = result.importId;
      await manager.save(row);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'cqc_inbox_item',
        entityId: row.id,
        before: { status: 'OPEN' },
        after: { status: row.status, importId: row.importId },
        organisationId: row.organisationId,
        summary: `Imported: ${row.summary}`,
      });
      return row;
    });
    return { item: toCqcInboxItemDto(updated), import: result };
  }

  private async visible(id: number): Promise<CqcInboxItem> {
    const item = await this.items.findOneBy({ id });
    if (!item || !canSeeInbox(item.organisationId)) throw notFound(id);
    return item;
  }

  private async fetchProvider(providerId: string): Promise<CqcRecord> {
    try {
      return await this.newClient().provider(providerId);
    } catch (error) {
      if (!(error instanceof CqcApiError)) throw error;
      throw new AppError(
        error.kind === 'KEY_MISSING' ? 'CQC_API_NOT_CONFIGURED' : 'CQC_API_FAILED',
        error.message,
      );
    }
  }
}

/** The trusts whose inbox the caller reads: those where they are quality lead (or all, for an admin). */
export function inboxTrustIds(): number[] | 'all' {
  const grant = TrustAccess.grant();
  if (grant.everyTrust) return 'all';
  return [...grant.roles]
    .filter(([, role]) => role === 'quality_lead')
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

function canSeeInbox(organisationId: number): boolean {
  const ids = inboxTrustIds();
  return ids === 'all' || ids.includes(organisationId);
}

function requireOpen(item: CqcInboxItem): void {
  if (item.status !== 'OPEN') {
    throw new AppError(
      'CQC_INBOX_ITEM_DECIDED',
      `This inbox item is already ${item.status.toLowerCase()}`,
    );
  }
}
