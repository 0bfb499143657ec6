import { recordRevisions } from '../history/revisions';
import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, invalidReference } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { fetchPage, Page, toPage } from '../common/pagination';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { RatingInputDto } from '../core-services/dto/rating.dto';
import { RatingsService } from '../core-services/ratings.service';
import { Transactions } from '../database/transactions';
import {
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  OrganisationDto,
  toOrganisationDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto';
import { Organisation } from './organisation.entity';

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    private readonly ratings: RatingsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListOrganisationsQueryDto): Promise<Page<OrganisationDto>> {
    const qb = this.organisations.createQueryBuilder('o');
    const params: Record<string, unknown> = {};
    const scope = TrustAccess.sqlCondition('o.id', params);
    if (scope) qb.andWhere(scope, params);
    if (query.kind) qb.andWhere('o.kind = :kind', { kind: query.kind });
    if (query.q) {
      const like = containsPattern(query.q);
      qb.andWhere(
        new Brackets((w) =>
          w
            .where(`LOWER(o.name) LIKE :like ${LIKE_ESCAPE}`, { like })
            .orWhere(`LOWER(o.ods_code) LIKE :like ${LIKE_ESCAPE}`),
        ),
      );
    }
    qb.orderBy('o.name', 'ASC').addOrderBy('o.id', 'ASC');
    const { rows, total } = await fetchPage(qb, query);
    const grids = await this.ratings.trustGrids(rows.map((row) => row.id));
    return toPage(
      rows.map((row) => toOrganisationDto(row, grids.get(row.id)!)),
      total,
      query,
    );
  }

  async get(id: number): Promise<OrganisationDto> {
    TrustAccess.requireReadable(id, () => notFound(id));
    const organisation = await this.organisations.findOneBy({ id });
    if (!organisation) throw notFound(id);
    const grids = await this.ratings.trustGrids([id]);
    return toOrganisationDto(organisation, grids.get(id)!);
  }

  async create(dto: CreateOrganisationDto): Promise<OrganisationDto> {
    const id = await this.transactions.run(async (manager) => {
      await this.assertIdentifiersFree(manager, dto);
      const saved = await OrganisationsService.insert(manager, this.audit, {
        name: dto.name.trim(),
        odsCode: dto.odsCode ?? null,
        cqcProviderId: dto.cqcProviderId ?? null,
        kind: dto.kind,
      });
      return saved.id;
    });
    return this.get(id);
  }

  async update(id: number, dto: UpdateOrganisationDto): Promise<OrganisationDto> {
    await this.transactions.run(async (manager) => {
      TrustAccess.requireWritable(id, () => notFound(id));
      const organisation = await manager.findOneBy(Organisation, { id });
      if (!organisation) throw notFound(id);
      await this.assertIdentifiersFree(manager, dto, id);
      await OrganisationsService.change(manager, this.audit, organisation, {
        ...dto,
        ...(dto.name !== undefined ? { name: dto.name.trim() } : {}),
      });
    });
    return this.get(id);
  }

  /** The one way an organisation row is created (the API, the report and CQC imports). */
  static async insert(
    manager: EntityManager,
    audit: AuditService,
    fields: Pick<Organisation, 'name' | 'odsCode' | 'cqcProviderId' | 'kind'>,
    summary?: string,
  ): Promise<Organisation> {
    const now = nowTimestamp();
    const saved = await manager.save(
      manager.create(Organisation, { ...fields, createdAt: now, updatedAt: now }),
    );
    await recordRevisions(manager, 'organisation', [saved.id], now);
    await audit.record(manager, {
      action: 'create',
      entity: 'organisation',
      entityId: saved.id,
      after: saved,
      summary,
    });
    return saved;
  }

  /** The one way an organisation row is changed (the API, a newer CQC record of the trust). */
  static async change(
    manager: EntityManager,
    audit: AuditService,
    organisation: Organisation,
    changes: Partial<Pick<Organisation, 'name' | 'odsCode' | 'cqcProviderId' | 'kind'>>,
    summary?: string,
  ): Promise<void> {
    const before = { ...organisation };
    Object.assign(organisation, changes, { updatedAt: nowTimestamp() });
    await manager.save(organisation);
    await recordRevisions(manager, 'organisation', [organisation.id], organisation.updatedAt);
    await audit.record(manager, {
      action: 'update',
      entity: 'organisation',
      entityId: organisation.id,
      before,
      after: organisation,
      summary,
    });
  }

  async addRatings(id: number, ratings: RatingInputDto[]): Promise<OrganisationDto> {
    await this.transactions.run(async (manager) => {
      TrustAccess.requireWritable(id, () => notFound(id));
      if (!(await manager.existsBy(Organisation, { id }))) throw notFound(id);
      await this.ratings.add(manager, id, null, ratings);
    });
    return this.get(id);
  }

  /**
   * An organisation named in a body field, to create something in: it must be one of the
   * caller's trusts (another trust reads as no organisation at all), and their role there must
   * be one the route allows.
   */
  static async require(
    manager: EntityManager,
    id: number,
    field = 'organisationId',
  ): Promise<Organisation> {
    TrustAccess.requireReference(id, field, `no organisation ${id}`);
    const organisation = await manager.findOneBy(Organisation, { id });
    if (!organisation) throw invalidReference(field, `no organisation ${id}`);
    TrustAccess.requireWritable(id, () => invalidReference(field, `no organisation ${id}`));
    return organisation;
  }

  /** An organisation named in a query (`?organisationId=`): one of the caller's trusts, or 404. */
  static requireReadable(id: number): void {
    TrustAccess.requireReadable(id, () => notFound(id));
  }

  private async assertIdentifiersFree(
    manager: EntityManager,
    dto: UpdateOrganisationDto,
    exceptId?: number,
  ): Promise<void> {
    for (const field of ['odsCode', 'cqcProviderId'] as const) {
      const value = dto[field];
      if (!value) continue;
      const holder = await manager.findOneBy(Organisation, { [field]: value });
      if (holder && holder.id !== exceptId) {
        throw new AppError('ALREADY_EXISTS', `${field} ${value} belongs to ${holder.name}`, [
          { field, reason: 'already used by another organisation' },
        ]);
      }
    }
  }
}

function notFound(id: number): AppError {
  return new AppError('ORGANISATION_NOT_FOUND', `No organisation ${id}`);
}
