import { insertRowsReturningIds } from '../database/batch-insert';
import { recordRevisions } from '../history/revisions';
import { asOfParameters, statusAtColumn } from '../delivery/action-facts.sql';
import { tablesAsAt } from '../history/as-at-tables';
import { hydrate, publicationDatesAsAt } from '../history/records-as-at';
import { Inject, Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { nowTimestamp, todayDate } from '../common/dates';
import { Page, toPage } from '../common/pagination';
import { expectedVersion } from '../common/request-params';
import { checkVersion, containsPattern, LIKE_ESCAPE } from '../common/sql';
import { CoreServicesService } from '../core-services/core-services.service';
import { keyQuestionOfStatement } from '../cqc/quality-statements';
import { ReadSnapshot } from '../database/read-snapshot';
import { Transactions } from '../database/transactions';
import { InspectionsService } from '../inspections/inspections.service';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  CreateFindingDto,
  FindingDto,
  FindingExtras,
  ListFindingsQueryDto,
  toFindingDto,
  UpdateFindingDto,
} from './dto/finding.dto';
import { RegulationCitationDto } from './dto/regulation.dto';
import { actionPlanDueDate, earliestDeadline, Failing } from './finding-dates';
import { FAILINGS_AS_AT, FindingFailing } from './finding-failing.entity';
import { Finding, FindingSource, RegulationCitation } from './finding.entity';

/** Where a finding came from, for imports that create them. */
export interface FindingOrigin {
  source: FindingSource;
  sourceLine?: number | null;
  sourcePage?: number | null;
}

@Injectable()
export class FindingsService {
  constructor(
    @InjectRepository(Finding) private readonly findings: Repository<Finding>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Findings as they stood at the end of `asOf` (default today): filtered, sorted and paged over
   * the as-at source of findings and links (history/as-at-tables.ts).
   */
  async list(query: ListFindingsQueryDto): Promise<Page<FindingDto>> {
    const dataSource = this.findings.manager.connection;
    const asOf = query.asOf ?? todayDate();
    const t = tablesAsAt(dataSource, asOf);
    const qb = ReadSnapshot.manager(dataSource)
      .createQueryBuilder()
      .from(t.finding, 'f')
      .where('f.created_at <= :asOfEnd', asOfParameters(asOf));
    const params: Record<string, unknown> = {};
    const scope = TrustAccess.sqlCondition('f.organisation_id', params);
    if (scope) qb.andWhere(scope, params);
    if (query.organisationId)
      qb.andWhere('f.organisation_id = :org', { org: query.organisationId });
    if (query.coreServiceId) qb.andWhere('f.core_service_id = :cs', { cs: query.coreServiceId });
    if (query.inspectionId) qb.andWhere('f.inspection_id = :insp', { insp: query.inspectionId });
    if (query.type) qb.andWhere('f.type = :type', { type: query.type });
    if (query.keyQuestion) qb.andWhere('f.key_question = :kq', { kq: query.keyQuestion });
    if (query.trustWide !== undefined) {
      qb.andWhere(query.trustWide ? 'f.core_service_id IS NULL' : 'f.core_service_id IS NOT NULL');
    }
    if (query.regulation) {
      // Citations are stored as JSON text; the number is always written as a quoted string.
      qb.andWhere(`f.regulations LIKE :reg ${LIKE_ESCAPE}`, {
        reg: `%"number":"${query.regulation.toUpperCase().replace(/[\\%_"]/g, '')}"%`,
      });
    }
    if (query.uncovered !== undefined) {
      // Covered: an action linked then, created by then, and not cancelled then.
      const covered = `EXISTS (SELECT 1 FROM ${t.action_finding} af JOIN action a ON a.id = af.action_id
        WHERE af.finding_id = f.id AND a.created_at <= :asOfEnd AND ${statusAtColumn(t)} <> 'CANCELLED')`;
      qb.andWhere(query.uncovered ? `NOT ${covered}` : covered);
    }
    if (query.q) {
      qb.andWhere(
        `(LOWER(f.text) LIKE :q ${LIKE_ESCAPE} OR LOWER(f.reference) LIKE :q ${LIKE_ESCAPE})`,
        {
          q: containsPattern(query.q),
        },
      );
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const sortColumn = query.sort === 'createdAt' ? 'f.created_at' : 'f.reference';
    const [{ total }] = await qb
      .clone()
      .select('COUNT(*)', 'total')
      .getRawMany<{ total: number | string }>();
    const raw = await qb
      .select('f.*')
      // NULL references sort first, the same on both engines (SQLite's own order).
      .orderBy(`CASE WHEN ${sortColumn} IS NULL THEN 0 ELSE 1 END`, direction)
      .addOrderBy(sortColumn, direction)
      .addOrderBy('f.id', direction)
      .limit(query.limit)
      .offset(query.offset)
      .getRawMany<Record<string, unknown>>();
    const rows = raw.map((row) => hydrate(dataSource, Finding, row));
    const extras = await this.extrasOf(rows, asOf);
    return toPage(
      rows.map((row) => toFindingDto(row, extras(row))),
      Number(total),
      query,
    );
  }

  async get(id: number): Promise<FindingDto> {
    const finding = await this.findings.findOneBy({ id });
    if (!finding) throw notFound(id);
    TrustAccess.requireReadable(finding.organisationId, () => notFound(id));
    return toFindingDto(finding, (await this.extrasOf([finding]))(finding));
  }

  async create(dto: CreateFindingDto): Promise<FindingDto> {
    const id = await this.transactions.run(
      async (manager) => (await this.createIn(manager, dto, { source: 'manual' })).id,
    );
    return this.get(id);
  }

  /** Creates a finding inside a caller's transaction (manual entry and imports). */
  async createIn(
    manager: EntityManager,
    dto: CreateFindingDto,
    origin: FindingOrigin,
  ): Promise<Finding> {
    await OrganisationsService.require(manager, dto.organisationId);
    if (dto.coreServiceId)
      await CoreServicesService.requireIn(manager, dto.organisationId, dto.coreServiceId);
    if (dto.inspectionId)
      await InspectionsService.requireIn(manager, dto.organisationId, dto.inspectionId);
    const now = nowTimestamp();
    const finding = manager.create(Finding, {
      organisationId: dto.organisationId,
      inspectionId: dto.inspectionId ?? null,
      coreServiceId: dto.coreServiceId ?? null,
      keyQuestion: dto.keyQuestion ?? null,
      qualityStatement: dto.qualityStatement ?? null,
      score: dto.score ?? null,
      type: dto.type,
      deadline: dto.deadline ?? null,
      regulations: normaliseCitations(dto.regulations ?? []),
      reference: dto.reference?.trim() ?? null,
      text: dto.text.trim(),
      source: origin.source,
      sourceLine: origin.sourceLine ?? null,
      sourcePage: origin.sourcePage ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    const failings = failingsOnCreate(finding, dto);
    checkFindingRules(finding);
    const saved = await manager.save(finding);
    await writeFailings(manager, saved.id, failings, now);
    await this.audit.record(manager, {
      action: 'create',
      entity: 'finding',
      entityId: saved.id,
      after: { ...saved, failings },
    });
    await recordRevisions(manager, 'finding', [saved.id], now);
    return saved;
  }

  /**
   * Many findings at once (a plan import's thousands), each checked by the same rules as one
   * made through the API, with their failings, audit events and first revisions, from `at`.
   */
  static async createMany(
    manager: EntityManager,
    audit: AuditService,
    values: Omit<Finding, 'id' | 'organisation' | 'coreService' | 'inspection'>[],
    at: string,
    summary: (index: number) => string,
  ): Promise<number[]> {
    for (const value of values) checkFindingRules(value as Finding);
    const ids = await insertRowsReturningIds(
      manager,
      Finding,
      values.map((value) => ({ ...value, createdAt: at, updatedAt: at })),
    );
    await audit.recordMany(
      manager,
      values.map((value, i) => ({
        action: 'create' as const,
        entity: 'finding',
        entityId: ids[i],
        after: { id: ids[i], ...value },
        summary: summary(i),
      })),
    );
    // A warning notice with a deadline has its one failing, as one made through the API.
    for (const [i, value] of values.entries()) {
      const failings = failingsOnCreate(
        value as Finding,
        { deadline: value.deadline } as CreateFindingDto,
      );
      await writeFailings(manager, ids[i], failings, at);
    }
    await recordRevisions(manager, 'finding', ids, at);
    return ids;
  }

  async update(id: number, dto: UpdateFindingDto, ifMatch?: number): Promise<FindingDto> {
    await this.transactions.run(async (manager) => {
      const finding = await this.transactions.findForUpdate(manager, Finding, id);
      if (!finding) throw notFound(id);
      TrustAccess.requireWritable(finding.organisationId, () => notFound(id));
      checkVersion('finding', finding.version, expectedVersion(dto.version, ifMatch));
      const current = await failingsOf(manager, [id]);
      const before = { ...finding, failings: current.get(id) ?? [] };
      const {
        version: _version,
        regulations,
        coreServiceId,
        inspectionId,
        failings: newFailings,
        ...fields
      } = dto;
      // null clears the field (trust-wide, or no recorded inspection); only a number is looked up.
      if (coreServiceId !== undefined) {
        if (coreServiceId !== null) {
          await CoreServicesService.requireIn(manager, finding.organisationId, coreServiceId);
        }
        finding.coreServiceId = coreServiceId;
      }
      if (inspectionId !== undefined) {
        if (inspectionId !== null) {
          await InspectionsService.requireIn(manager, finding.organisationId, inspectionId);
        }
        finding.inspectionId = inspectionId;
      }
      Object.assign(finding, fields);
      if (regulations) finding.regulations = normaliseCitations(regulations);
      const failings = failingsOnUpdate(finding, before.failings, dto.deadline, newFailings);
      checkFindingRules(finding);
      finding.version += 1;
      finding.updatedAt = nowTimestamp();
      await manager.save(finding);
      await recordRevisions(manager, 'finding', [id], finding.updatedAt);
      // Failings are history: a changed list replaces the old rows, which stay for as-at reads.
      if (JSON.stringify(failings) !== JSON.stringify(before.failings)) {
        await manager.update(
          FindingFailing,
          { findingId: id, replacedAt: IsNull() },
          { replacedAt: finding.updatedAt },
        );
        await writeFailings(manager, id, failings, finding.updatedAt);
      }
      await this.audit.record(manager, {
        action: 'update',
        entity: 'finding',
        entityId: id,
        before,
        after: { ...finding, failings },
      });
    });
    return this.get(id);
  }

  /** Findings named in a body field must exist and belong to one organisation. */
  static async requireAll(
    manager: EntityManager,
    ids: number[],
    field = 'findingIds',
  ): Promise<Finding[]> {
    const unique = [...new Set(ids)];
    // Another trust's finding reads as no finding at all.
    const found = (await manager.findBy(Finding, { id: In(unique) })).filter((finding) =>
      TrustAccess.canRead(finding.organisationId),
    );
    const missing = unique.filter((id) => !found.some((finding) => finding.id === id));
    if (missing.length) throw invalidReference(field, `no finding ${missing.join(', ')}`);
    if (new Set(found.map((finding) => finding.organisationId)).size > 1) {
      throw new AppError(
        'FINDINGS_FROM_DIFFERENT_ORGANISATIONS',
        'An action addresses findings of one organisation only',
        [{ field, reason: 'findings belong to different organisations' }],
      );
    }
    return found;
  }

  /**
   * Each finding's actions and failings (as at `asOf`) and action-plan due date, in three
   * queries, all as at `asOf`.
   */
  private async extrasOf(
    rows: Finding[],
    asOf = todayDate(),
  ): Promise<(finding: Finding) => FindingExtras> {
    const manager = ReadSnapshot.manager(this.findings.manager.connection);
    const ids = rows.map((row) => row.id);
    const inspectionIds = [...new Set(rows.map((row) => row.inspectionId))].filter(
      (id): id is number => id !== null,
    );
    // One after the other: inside a read snapshot the queries share one connection.
    const actionIds = await this.actionIdsOf(ids, asOf);
    const failings = await failingsOf(
      manager,
      rows.filter((row) => row.type === 'WARNING_NOTICE').map((r) => r.id),
      asOf,
    );
    // Publication dates as they were then (history/): they set when action plans are due.
    const published = await publicationDatesAsAt(
      this.findings.manager.connection,
      inspectionIds,
      asOf,
    );
    return (finding) => ({
      actionIds: actionIds.get(finding.id) ?? [],
      failings: failings.get(finding.id) ?? [],
      actionPlanDueDate: actionPlanDueDate(
        finding.type,
        finding.inspectionId === null ? null : published.get(finding.inspectionId),
        this.config.cqcActionPlanDays,
      ),
    });
  }

  /** The actions linked to each finding at the end of `asOf`. */
  private async actionIdsOf(
    findingIds: number[],
    asOf = todayDate(),
  ): Promise<Map<number, number[]>> {
    const map = new Map<number, number[]>();
    if (!findingIds.length) return map;
    const dataSource = this.findings.manager.connection;
    const rows: { finding_id: number; action_id: number }[] = await ReadSnapshot.manager(dataSource)
      .createQueryBuilder()
      .select(['af.finding_id AS finding_id', 'af.action_id AS action_id'])
      .from(tablesAsAt(dataSource, asOf).action_finding, 'af')
      .where('af.finding_id IN (:...ids)', { ids: findingIds, ...asOfParameters(asOf) })
      .orderBy('af.action_id', 'ASC')
      .getRawMany();
    for (const row of rows) {
      const key = Number(row.finding_id);
      map.set(key, [...(map.get(key) ?? []), Number(row.action_id)]);
    }
    return map;
  }
}

/**
 * The failings of warning notices, in each notice's order: the current ones, or those that
 * stood at the end of `asOf` (recorded by then and not yet replaced).
 */
export async function failingsOf(
  manager: EntityManager,
  findingIds: number[],
  asOf?: string,
): Promise<Map<number, Failing[]>> {
  const map = new Map<number, Failing[]>();
  if (!findingIds.length) return map;
  const qb = manager
    .getRepository(FindingFailing)
    .createQueryBuilder('ff')
    .where('ff.finding_id IN (:...ids)', { ids: findingIds });
  if (asOf) {
    qb.andWhere(FAILINGS_AS_AT, asOfParameters(asOf));
  } else {
    qb.andWhere('ff.replaced_at IS NULL');
  }
  const rows = await qb.orderBy('ff.finding_id', 'ASC').addOrderBy('ff.position', 'ASC').getMany();
  for (const row of rows) {
    map.set(row.findingId, [
      ...(map.get(row.findingId) ?? []),
      { text: row.text, deadline: row.deadline },
    ]);
  }
  return map;
}

async function writeFailings(
  manager: EntityManager,
  findingId: number,
  failings: Failing[],
  createdAt: string,
) {
  if (!failings.length) return;
  await manager.insert(
    FindingFailing,
    failings.map((failing, index) => ({
      findingId,
      position: index + 1,
      ...failing,
      createdAt,
      replacedAt: null,
    })),
  );
}

const trimmed = (failings: Failing[]): Failing[] =>
  failings.map((f) => ({ text: f.text.trim(), deadline: f.deadline }));

/**
 * A new warning notice's failings: those given, or (older clients, imports of one deadline) a
 * notice of one failing from its text and deadline. Sets `finding.deadline` to the earliest.
 */
function failingsOnCreate(finding: Finding, dto: CreateFindingDto): Failing[] {
  if (dto.failings && finding.type !== 'WARNING_NOTICE') {
    throw validationFailed('failings', 'only a WARNING_NOTICE finding has failings');
  }
  if (finding.type !== 'WARNING_NOTICE') return [];
  if (dto.failings) return withEarliestDeadline(finding, trimmed(dto.failings), dto.deadline);
  return finding.deadline ? [{ text: finding.text, deadline: finding.deadline }] : [];
}

/**
 * The failings after an update: `failings` replaces the list; a `deadline` alone moves the
 * deadline of a notice of one failing; a finding that stops being a warning notice has none.
 */
function failingsOnUpdate(
  finding: Finding,
  current: Failing[],
  deadline: string | null | undefined,
  given: Failing[] | undefined,
): Failing[] {
  if (given && finding.type !== 'WARNING_NOTICE') {
    throw validationFailed('failings', 'only a WARNING_NOTICE finding has failings');
  }
  if (finding.type !== 'WARNING_NOTICE') return [];
  if (given) return withEarliestDeadline(finding, trimmed(given), deadline ?? undefined);
  if (deadline === undefined && current.length) return current;
  if (current.length > 1) {
    throw validationFailed(
      'deadline',
      `this warning notice has ${current.length} failings, each with its own deadline: change them in failings`,
    );
  }
  return finding.deadline
    ? [{ text: current[0]?.text ?? finding.text, deadline: finding.deadline }]
    : [];
}

/** The notice's deadline is its earliest failing's; one given beside the failings must agree. */
function withEarliestDeadline(
  finding: Finding,
  failings: Failing[],
  given: string | undefined,
): Failing[] {
  const earliest = earliestDeadline(failings);
  if (given !== undefined && given !== earliest) {
    throw validationFailed(
      'deadline',
      `a warning notice's deadline is its earliest failing deadline (${earliest}); leave it out`,
    );
  }
  finding.deadline = earliest;
  return failings;
}

function normaliseCitations(citations: RegulationCitationDto[]): RegulationCitation[] {
  return citations.map((c) => ({
    instrument: c.instrument,
    number: c.number.trim().toUpperCase(),
    paragraph: c.paragraph ?? null,
  }));
}

/** Rules that span fields, checked on create and on every update. */
function checkFindingRules(finding: Finding): void {
  if (finding.type === 'WARNING_NOTICE' && !finding.deadline) {
    throw validationFailed('deadline', 'a WARNING_NOTICE finding needs its own deadline');
  }
  if (finding.type !== 'WARNING_NOTICE' && finding.deadline) {
    throw validationFailed('deadline', 'only a WARNING_NOTICE finding has a deadline');
  }
  if (finding.qualityStatement && finding.keyQuestion) {
    const owner = keyQuestionOfStatement(finding.qualityStatement);
    if (owner !== finding.keyQuestion) {
      throw validationFailed(
        'qualityStatement',
        `"${finding.qualityStatement}" belongs to ${owner}, not ${finding.keyQuestion}`,
      );
    }
  }
}

function notFound(id: number): AppError {
  return new AppError('FINDING_NOT_FOUND', `No finding ${id}`);
}
