import { recordRevisions } from '../history/revisions';
import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { requireId } from '../common/id-field';
import { fetchPage, Page, toPage } from '../common/pagination';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { canonicalCoreServiceName } from '../cqc/core-services';
import { Transactions } from '../database/transactions';
import { OrganisationsService } from '../organisations/organisations.service';
import { CoreService } from './core-service.entity';
import {
  CoreServiceDto,
  CreateCoreServiceDto,
  ListCoreServicesQueryDto,
  toCoreServiceDto,
  UpdateCoreServiceDto,
} from './dto/core-service.dto';
import { RatingInputDto } from './dto/rating.dto';
import { RatingsService } from './ratings.service';

@Injectable()
export class CoreServicesService {
  constructor(
    @InjectRepository(CoreService) private readonly coreServices: Repository<CoreService>,
    private readonly ratings: RatingsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListCoreServicesQueryDto): Promise<Page<CoreServiceDto>> {
    const qb = this.coreServices.createQueryBuilder('cs');
    const params: Record<string, unknown> = {};
    const scope = TrustAccess.sqlCondition('cs.organisation_id', params);
    if (scope) qb.andWhere(scope, params);
    if (query.organisationId)
      qb.andWhere('cs.organisation_id = :org', { org: query.organisationId });
    if (query.reinspectionBefore) {
      qb.andWhere('cs.reinspection_date <= :before', { before: query.reinspectionBefore });
    }
    if (query.custom !== undefined) qb.andWhere('cs.custom = :custom', { custom: query.custom });
    if (query.q) {
      qb.andWhere(`LOWER(cs.name) LIKE :like ${LIKE_ESCAPE}`, { like: containsPattern(query.q) });
    }
    qb.orderBy('cs.name', 'ASC').addOrderBy('cs.id', 'ASC');
    const { rows, total } = await fetchPage(qb, query);
    const grids = await this.ratings.gridsByCoreService(rows.map((row) => row.id));
    return toPage(
      rows.map((row) => toCoreServiceDto(row, grids.get(row.id)!)),
      total,
      query,
    );
  }

  async get(id: number): Promise<CoreServiceDto> {
    const service = await this.coreServices.findOneBy({ id });
    if (!service) throw notFound(id);
    TrustAccess.requireReadable(service.organisationId, () => notFound(id));
    const grids = await this.ratings.gridsByCoreService([id]);
    return toCoreServiceDto(service, grids.get(id)!);
  }

  async create(dto: CreateCoreServiceDto): Promise<CoreServiceDto> {
    const id = await this.transactions.run(async (manager) => {
      await OrganisationsService.require(manager, dto.organisationId);
      const { name, custom } = canonicalCoreServiceName(dto.name);
      await this.assertNameFree(manager, dto.organisationId, name);
      const saved = await CoreServicesService.insert(manager, this.audit, {
        organisationId: dto.organisationId,
        name,
        custom,
        reinspectionDate: dto.reinspectionDate ?? null,
        reinspectionWindowEnd: dto.reinspectionWindowEnd ?? null,
        reinspectionConfirmed: dto.reinspectionConfirmed ?? false,
      });
      await this.ratings.add(manager, dto.organisationId, saved.id, dto.ratings ?? []);
      return saved.id;
    });
    return this.get(id);
  }

  /**
   * The one way a core service row is created (the API, the imports): the row, its audit
   * event and its first revision, valid from its creation.
   */
  static async insert(
    manager: EntityManager,
    audit: AuditService,
    fields: Pick<
      CoreService,
      | 'organisationId'
      | 'name'
      | 'custom'
      | 'reinspectionDate'
      | 'reinspectionWindowEnd'
      | 'reinspectionConfirmed'
    >,
    summary?: string,
  ): Promise<CoreService> {
    const now = nowTimestamp();
    const saved = await manager.save(
      manager.create(CoreService, { ...fields, createdAt: now, updatedAt: now }),
    );
    await audit.record(manager, {
      action: 'create',
      entity: 'core_service',
      entityId: saved.id,
      after: saved,
      summary,
    });
    await recordRevisions(manager, 'core_service', [saved.id], now);
    return saved;
  }

  async update(id: number, dto: UpdateCoreServiceDto): Promise<CoreServiceDto> {
    await this.transactions.run(async (manager) => {
      const service = await manager.findOneBy(CoreService, { id });
      if (!service) throw notFound(id);
      TrustAccess.requireWritable(service.organisationId, () => notFound(id));
      const before = { ...service };
      if (dto.name !== undefined) {
        const { name, custom } = canonicalCoreServiceName(dto.name);
        if (name !== service.name)
          await this.assertNameFree(manager, service.organisationId, name, service.id);
        Object.assign(service, { name, custom });
      }
      if (dto.reinspectionDate !== undefined) service.reinspectionDate = dto.reinspectionDate;
      if (dto.reinspectionWindowEnd !== undefined)
        service.reinspectionWindowEnd = dto.reinspectionWindowEnd;
      if (dto.reinspectionConfirmed !== undefined)
        service.reinspectionConfirmed = dto.reinspectionConfirmed;
      if (
        service.reinspectionWindowEnd &&
        service.reinspectionDate &&
        service.reinspectionWindowEnd < service.reinspectionDate
      ) {
        throw validationFailed(
          'reinspectionWindowEnd',
          `must not be before reinspectionDate (${service.reinspectionDate})`,
        );
      }
      service.updatedAt = nowTimestamp();
      await manager.save(service);
      await recordRevisions(manager, 'core_service', [id], service.updatedAt);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'core_service',
        entityId: id,
        before,
        after: service,
      });
    });
    return this.get(id);
  }

  async addRatings(id: number, ratings: RatingInputDto[]): Promise<CoreServiceDto> {
    await this.transactions.run(async (manager) => {
      const service = await manager.findOneBy(CoreService, { id });
      if (!service) throw notFound(id);
      TrustAccess.requireWritable(service.organisationId, () => notFound(id));
      await this.ratings.add(manager, service.organisationId, id, ratings);
    });
    return this.get(id);
  }

  /** A core service named in a body field must exist and belong to the organisation. */
  static async requireIn(
    manager: EntityManager,
    organisationId: number,
    id: number,
    field = 'coreServiceId',
  ): Promise<CoreService> {
    const service = await manager.findOneBy(CoreService, { id: requireId(id, field) });
    if (!service) throw invalidReference(field, `no core service ${id}`);
    if (service.organisationId !== organisationId) {
      throw invalidReference(
        field,
        `core service ${id} belongs to another organisation`,
        'isNotInTrust',
      );
    }
    return service;
  }

  private async assertNameFree(
    manager: EntityManager,
    organisationId: number,
    name: string,
    exceptId?: number,
  ): Promise<void> {
    // "Urgent Care" and "urgent care" are one service to a reader; a rename that only changes
    // the case of its own name is no clash.
    const clash = manager
      .createQueryBuilder(CoreService, 'cs')
      .where('cs.organisation_id = :organisationId', { organisationId })
      .andWhere('LOWER(cs.name) = LOWER(:name)', { name });
    if (exceptId !== undefined) clash.andWhere('cs.id <> :exceptId', { exceptId });
    if (await clash.getExists()) {
      throw new AppError(
        'ALREADY_EXISTS',
        `This organisation already has the core service "${name}"`,
        [{ field: 'name', reason: 'already exists for this organisation' }],
      );
    }
  }
}

function notFound(id: number): AppError {
  return new AppError('CORE_SERVICE_NOT_FOUND', `No core service ${id}`);
}
