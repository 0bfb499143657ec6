import { recordRevisions } from '../history/revisions';
import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { requireId } from '../common/id-field';
import { fetchPage, Page, toPage } from '../common/pagination';
import { CoreService } from '../core-services/core-service.entity';
import { Transactions } from '../database/transactions';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  CreateInspectionDto,
  InspectionDto,
  ListInspectionsQueryDto,
  toInspectionDto,
  UpdateInspectionDto,
} from './dto/inspection.dto';
import { Inspection } from './inspection.entity';

@Injectable()
export class InspectionsService {
  constructor(
    @InjectRepository(Inspection) private readonly inspections: Repository<Inspection>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListInspectionsQueryDto): Promise<Page<InspectionDto>> {
    const qb = this.inspections.createQueryBuilder('i');
    const params: Record<string, unknown> = {};
    const scope = TrustAccess.sqlCondition('i.organisation_id', params);
    if (scope) qb.andWhere(scope, params);
    if (query.organisationId)
      qb.andWhere('i.organisation_id = :org', { org: query.organisationId });
    if (query.kind) qb.andWhere('i.kind = :kind', { kind: query.kind });
    qb.orderBy('i.visit_start', 'DESC').addOrderBy('i.id', 'DESC');
    const { rows, total } = await fetchPage(qb, query);
    const withServices = rows.length
      ? await this.inspections.find({
          where: { id: In(rows.map((r) => r.id)) },
          relations: { coreServices: true },
        })
      : [];
    const byId = new Map(withServices.map((row) => [row.id, row]));
    return toPage(
      rows.map((row) => toInspectionDto(byId.get(row.id)!)),
      total,
      query,
    );
  }

  async get(id: number): Promise<InspectionDto> {
    const inspection = await this.inspections.findOne({
      where: { id },
      relations: { coreServices: true },
    });
    const notFound = () => new AppError('INSPECTION_NOT_FOUND', `No inspection ${id}`);
    if (!inspection) throw notFound();
    TrustAccess.requireReadable(inspection.organisationId, notFound);
    return toInspectionDto(inspection);
  }

  async create(dto: CreateInspectionDto): Promise<InspectionDto> {
    const id = await this.transactions.run(async (manager) => {
      await OrganisationsService.require(manager, dto.organisationId);
      const coreServices = await this.coreServicesOf(
        manager,
        dto.organisationId,
        dto.coreServiceIds ?? [],
      );
      const saved = await InspectionsService.insert(manager, this.audit, {
        organisationId: dto.organisationId,
        kind: dto.kind,
        visitStart: dto.visitStart,
        visitEnd: dto.visitEnd ?? null,
        publishedOn: dto.publishedOn ?? null,
        reportReference: dto.reportReference ?? null,
        coreServices,
      });
      return saved.id;
    });
    return this.get(id);
  }

  /** The one way an inspection row is created (the API and the report import), with its revision. */
  static async insert(
    manager: EntityManager,
    audit: AuditService,
    fields: Pick<
      Inspection,
      'organisationId' | 'kind' | 'visitStart' | 'visitEnd' | 'publishedOn' | 'reportReference'
    > & { coreServices?: CoreService[] },
    summary?: string,
  ): Promise<Inspection> {
    const now = nowTimestamp();
    const saved = await manager.save(
      manager.create(Inspection, { ...fields, createdAt: now, updatedAt: now }),
    );
    await recordRevisions(manager, 'inspection', [saved.id], now);
    await audit.record(manager, {
      action: 'create',
      entity: 'inspection',
      entityId: saved.id,
      after: { ...saved, coreServiceIds: (fields.coreServices ?? []).map((cs) => cs.id) },
      summary,
    });
    return saved;
  }

  async update(id: number, dto: UpdateInspectionDto): Promise<InspectionDto> {
    await this.transactions.run(async (manager) => {
      const inspection = await manager.findOne(Inspection, {
        where: { id },
        relations: { coreServices: true },
      });
      const notFound = () => new AppError('INSPECTION_NOT_FOUND', `No inspection ${id}`);
      if (!inspection) throw notFound();
      TrustAccess.requireWritable(inspection.organisationId, notFound);
      const before = {
        ...inspection,
        coreServiceIds: (inspection.coreServices ?? []).map((cs) => cs.id),
      };
      const { coreServiceIds, ...fields } = dto;
      Object.assign(inspection, fields, { updatedAt: nowTimestamp() });
      for (const field of ['visitEnd', 'publishedOn'] as const) {
        const value = inspection[field];
        if (value && value < inspection.visitStart) {
          throw validationFailed(field, `must not be before visitStart (${inspection.visitStart})`);
        }
      }
      if (coreServiceIds) {
        inspection.coreServices = await this.coreServicesOf(
          manager,
          inspection.organisationId,
          coreServiceIds,
        );
      }
      await manager.save(inspection);
      await recordRevisions(manager, 'inspection', [id], inspection.updatedAt);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'inspection',
        entityId: id,
        before,
        after: {
          ...inspection,
          coreServiceIds: (inspection.coreServices ?? []).map((cs) => cs.id),
        },
      });
    });
    return this.get(id);
  }

  /** An inspection named in a body field must exist and belong to the organisation. */
  static async requireIn(
    manager: EntityManager,
    organisationId: number,
    id: number,
  ): Promise<Inspection> {
    const inspection = await manager.findOneBy(Inspection, { id: requireId(id, 'inspectionId') });
    if (!inspection) throw invalidReference('inspectionId', `no inspection ${id}`);
    if (inspection.organisationId !== organisationId) {
      throw invalidReference('inspectionId', `inspection ${id} belongs to another organisation`);
    }
    return inspection;
  }

  private async coreServicesOf(
    manager: EntityManager,
    organisationId: number,
    ids: number[],
  ): Promise<CoreService[]> {
    const unique = [...new Set(ids)];
    const found = unique.length
      ? await manager.findBy(CoreService, { id: In(unique), organisationId })
      : [];
    const missing = unique.filter((id) => !found.some((service) => service.id === id));
    if (missing.length) {
      throw invalidReference(
        'coreServiceIds',
        `no core service ${missing.join(', ')} in this organisation`,
      );
    }
    return found;
  }
}
