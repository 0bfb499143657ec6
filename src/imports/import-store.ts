import { EntityManager, IsNull } from 'typeorm';
import { AppError } from '../common/app-error';
import { TrustAccess } from '../auth/trust-access';
import { AuditService } from '../audit/audit.service';
import { nowTimestamp } from '../common/dates';
import { CoreService } from '../core-services/core-service.entity';
import { CoreServicesService } from '../core-services/core-services.service';
import { Rating } from '../core-services/rating.entity';
import { canonicalCoreServiceName } from '../cqc/core-services';
import type { RatingScope } from '../cqc/key-questions';
import type { Rating as RatingValue } from '../cqc/ratings';
import { CreateFindingDto } from '../findings/dto/finding.dto';
import { Finding, FindingType } from '../findings/finding.entity';
import { FindingOrigin, FindingsService } from '../findings/findings.service';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';

/**
 * The find-or-create steps every import shares, inside the import's one transaction. Each
 * looks for what is already there first, so importing the same thing twice creates nothing
 * new; each creation is audited like any other.
 */
export class ImportStore {
  /** What this import created, for its answer and its import record. */
  readonly created = { coreServices: 0, ratings: 0, findings: 0 };
  private readonly serviceIds = new Map<string, number>();

  constructor(
    private readonly manager: EntityManager,
    private readonly audit: AuditService,
    private readonly findings?: FindingsService,
  ) {}

  /** The id of a core service by name (found or created once per import); null stays trust-wide. */
  async serviceId(organisationId: number, name: string | null): Promise<number | null> {
    if (!name) return null;
    const known = this.serviceIds.get(name);
    if (known !== undefined) return known;
    const result = await this.coreService(organisationId, name);
    if (result.created) this.created.coreServices++;
    this.serviceIds.set(name, result.id!);
    return result.id;
  }

  /** Adds a finding unless the same words are already recorded for that service and type. */
  async finding(
    dto: CreateFindingDto,
    origin: FindingOrigin,
  ): Promise<{ id: number; status: 'new' | 'exists' }> {
    const existing = await this.existingFinding(
      dto.organisationId,
      dto.coreServiceId ?? null,
      dto.type,
      dto.text,
    );
    if (existing) return { id: existing.id, status: 'exists' };
    const saved = await this.findings!.createIn(this.manager, dto, origin);
    this.created.findings++;
    return { id: saved.id, status: 'new' };
  }

  async organisation(wanted: {
    id?: number;
    name: string;
    odsCode?: string | null;
    cqcProviderId?: string | null;
    kind: OrganisationKind;
  }): Promise<{ organisation: Organisation; created: boolean }> {
    const { manager } = this;
    if (wanted.id) {
      TrustAccess.requireReference(wanted.id, 'organisationId', `no organisation ${wanted.id}`);
    }
    // Someone who is not an admin imports only into their own trusts: a trust they are not in
    // is refused. A report of a trust the tracker does not hold yet creates it, and its
    // importer becomes its quality lead (trust names are public; their data is not).
    const notYours = () =>
      new AppError(
        'ORGANISATION_NOT_FOUND',
        `None of your trusts matches "${wanted.name}"; name your trust's organisationId, or ask an admin to add the trust`,
      );
    const existing =
      (wanted.id ? await manager.findOneBy(Organisation, { id: wanted.id }) : null) ??
      (wanted.cqcProviderId
        ? await manager.findOneBy(Organisation, { cqcProviderId: wanted.cqcProviderId })
        : null) ??
      (wanted.odsCode
        ? await manager.findOneBy(Organisation, { odsCode: wanted.odsCode })
        : null) ??
      (await manager
        .createQueryBuilder(Organisation, 'o')
        .where('LOWER(o.name) = :name', { name: wanted.name.toLowerCase() })
        .getOne());
    if (existing) {
      TrustAccess.requireWritable(existing.id, notYours);
      return { organisation: existing, created: false };
    }
    const organisation = await OrganisationsService.insert(
      manager,
      this.audit,
      {
        name: wanted.name,
        odsCode: wanted.odsCode ?? null,
        cqcProviderId: wanted.cqcProviderId ?? null,
        kind: wanted.kind,
      },
      'By import',
    );
    await TrustAccess.joinCreatedTrust(manager, organisation.id, organisation.createdAt);
    return { organisation, created: true };
  }

  /** Finds a core service by canonical name (or creates it); null stays trust-wide. */
  async coreService(
    organisationId: number,
    name: string | null,
  ): Promise<{ id: number | null; created: boolean }> {
    if (!name) return { id: null, created: false };
    const { manager } = this;
    const canonical = canonicalCoreServiceName(name);
    const existing = await manager.findOneBy(CoreService, { organisationId, name: canonical.name });
    if (existing) return { id: existing.id, created: false };
    const saved = await CoreServicesService.insert(
      manager,
      this.audit,
      {
        organisationId,
        name: canonical.name,
        custom: canonical.custom,
        reinspectionDate: null,
        reinspectionWindowEnd: null,
        reinspectionConfirmed: false,
      },
      'By import',
    );
    return { id: saved.id, created: true };
  }

  /** Adds a rating unless the same rating for the same scope and date is already there. */
  async rating(
    organisationId: number,
    coreServiceId: number | null,
    row: { scope: RatingScope; rating: RatingValue; ratedOn: string },
  ): Promise<boolean> {
    const { manager } = this;
    const exists = await manager.existsBy(Rating, {
      organisationId,
      coreServiceId: coreServiceId ?? IsNull(),
      scope: row.scope,
      rating: row.rating,
      ratedOn: row.ratedOn,
    });
    if (exists) return false;
    this.created.ratings++;
    await manager.insert(Rating, {
      organisationId,
      coreServiceId,
      ...row,
      createdAt: nowTimestamp(),
    });
    await this.audit.record(manager, {
      action: 'create',
      entity: 'rating',
      entityId:
        coreServiceId === null ? `organisation:${organisationId}` : `core_service:${coreServiceId}`,
      after: row,
      summary: 'By import',
    });
    return true;
  }

  /** The finding already recorded with these words, for this service and type, if any. */
  async existingFinding(
    organisationId: number,
    coreServiceId: number | null,
    type: FindingType,
    text: string,
  ): Promise<Finding | null> {
    return this.manager.findOneBy(Finding, {
      organisationId,
      coreServiceId: coreServiceId ?? IsNull(),
      type,
      text: text.trim(),
    });
  }
}
