import { ActionPart, ROLES_FOR_PART } from '../actions/action-people';
import { Injectable } from '@nestjs/common';
import { requireId } from '../common/id-field';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { TrustAccess } from '../auth/trust-access';
import { ApiProperty } from '@nestjs/swagger';
import { EntityManager, In } from 'typeorm';
import {
  ACTION_TEXT_LIMITS,
  addDueDateChange,
  changeAction,
  createActions,
  dueDateMoveProblem,
} from '../actions/action-writer';
import { insertRows } from '../database/batch-insert';
import { Action } from '../actions/action.entity';
import { Evidence } from '../actions/evidence.entity';
import { AuditService } from '../audit/audit.service';
import { closePendingDueDateRequests } from '../actions/pending-due-date-requests';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { FINDING_TEXT_MAX } from '../findings/dto/finding.dto';
import { Finding, RegulationCitation } from '../findings/finding.entity';
import { FindingsService } from '../findings/findings.service';
import { UsersService } from '../users/users.service';
import { Organisation } from '../organisations/organisation.entity';
import { User, UserRole } from '../users/user.entity';
import { ImportsService, ImportSource } from './imports.service';
import { ImportStore } from './import-store';
import { looksLikeXlsx } from './plan-files';
import { PlanRow, PlanSheetSummary } from './plan-sheet.parser';
import { CoreService } from '../core-services/core-service.entity';
import { canonicalCoreServiceName } from '../cqc/core-services';
import { checkedZipDirectory } from './zip-directory';

export const CONFLICT_MODES = ['stop', 'skip', 'update'] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

export interface PlanImportOptions {
  dryRun: boolean;
  organisationId: number;
  conflict: ConflictMode;
  createUsers: boolean;
  /** Import the rows without problems and skip the others (recorded with their numbers). */
  skipInvalidRows?: boolean;
  /** The sheet to read; otherwise the one that looks most like a plan. */
  sheet?: string;
  actorId: number;
  onProgress?: (done: number, total: number) => void;
}

export class PlanFindingPreviewDto {
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ nullable: true, type: String }) text: string | null;
  @ApiProperty({ enum: ['MUST', 'SHOULD', 'RATING', 'WARNING_NOTICE'] }) type: string;
  @ApiProperty({ nullable: true, type: String }) coreService: string | null;
  @ApiProperty({ nullable: true, type: String }) keyQuestion: string | null;
  @ApiProperty({ type: [String], description: 'e.g. "Regulation 12(2)(a)"' })
  regulations: string[];
  @ApiProperty({
    enum: ['new', 'existing'],
    nullable: true,
    description: 'Whether the finding is new or already in the tracker (null: no finding)',
  })
  state: 'new' | 'existing' | null;
  @ApiProperty({
    description: 'The row the finding is first written on; several actions share one finding',
  })
  firstRow: number;
}

export class PlanRowResultDto {
  @ApiProperty({ description: 'Row number in the spreadsheet' }) row: number;
  @ApiProperty({ enum: ['create', 'update', 'skip', 'error'] }) outcome:
    'create' | 'update' | 'skip' | 'error';
  @ApiProperty({ nullable: true, type: String, description: "The action's reference" })
  reference: string | null;
  @ApiProperty({ nullable: true, type: String }) action: string | null;
  @ApiProperty({ type: PlanFindingPreviewDto }) finding: PlanFindingPreviewDto;
  @ApiProperty({ nullable: true, type: String }) successMeasure: string | null;
  @ApiProperty({ nullable: true, type: String }) interimMitigation: string | null;
  @ApiProperty({ nullable: true, type: String }) owner: string | null;
  @ApiProperty({ nullable: true, type: String }) executiveLead: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The revised due date where the row has one, else the due date',
  })
  dueDate: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The first due date, when a revised one replaces it',
  })
  originalDueDate: string | null;
  @ApiProperty({ enum: ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED'] }) status: string;
  @ApiProperty({ nullable: true, type: String, description: 'The RAG/BRAG or status cell' })
  statusText: string | null;
  @ApiProperty() progress: number;
  @ApiProperty({ nullable: true, type: String }) progressNote: string | null;
  @ApiProperty({
    type: [String],
    description: 'Each problem, starting with the column heading as the sheet shows it',
  })
  problems: string[];
  @ApiProperty({
    type: [String],
    description:
      'What could not be read on the row without stopping its import (an empty RAG cell, a reference held by a different finding)',
  })
  warnings: string[];
}

export class PlanImportResultDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ nullable: true, type: Number }) importId: number | null;
  @ApiProperty() organisationId: number;
  @ApiProperty({ description: 'The sheet read' }) sheet: string;
  @ApiProperty({ type: [Object], description: 'Every sheet, and whether it looks like a plan' })
  sheets: PlanSheetSummary[];
  @ApiProperty({ description: 'Row number of the header the columns were found in' })
  headerRow: number;
  @ApiProperty({ type: [String], description: 'Headings of hidden columns (not read)' })
  hiddenColumns: string[];
  @ApiProperty({ type: [String], description: 'Headings that name no known column (not read)' })
  unreadColumns: string[];
  @ApiProperty({ type: [Object], description: 'Rows read as section headings' })
  sections: { row: number; text: string }[];
  @ApiProperty({
    type: [Object],
    description:
      'Rows that are not action rows (no action, owner or due date: a colour key, a total, a note) and bands naming no core service, type, key question or finding: not read',
  })
  notRead: { row: number; text: string }[];
  @ApiProperty({
    description:
      'Whether a commit would store it as it is: no row has a problem, or skipInvalidRows was asked and some rows are good',
  })
  committable: boolean;
  @ApiProperty({ type: [Number], description: 'Rows with problems, skipped (skipInvalidRows)' })
  skippedRows: number[];
  @ApiProperty({
    type: Object,
    description: 'Each recognised column and the heading it was found under',
  })
  columns: Record<string, string>;
  @ApiProperty({ type: Object }) counts: Record<'create' | 'update' | 'skip' | 'error', number>;
  @ApiProperty({ type: [String], description: 'People the import creates as users' })
  newUsers: string[];
  @ApiProperty({ type: [PlanRowResultDto] }) rows: PlanRowResultDto[];
}

/**
 * Brings an existing spreadsheet action plan across: findings and actions, owners and leads
 * matched by email then name, progress and evidence. First every row is checked and given an
 * outcome (the preview); a commit with any problem stores nothing, unless the person asked
 * for the good rows only (skipInvalidRows), when those are stored and the skipped row numbers
 * are kept in the import record and its audit entry. Everything is written in one transaction.
 */
@Injectable()
export class PlanImportService {
  constructor(
    private readonly imports: ImportsService,
    private readonly audit: AuditService,
  ) {}

  async plan(source: ImportSource, options: PlanImportOptions): Promise<PlanImportResultDto> {
    const buffer = source.file?.buffer;
    if (!buffer || buffer.length === 0) throw validationFailed('file', 'the file is empty');
    // The ZIP directory is read here, before a worker is even asked: a bomb costs nothing.
    if (looksLikeXlsx(buffer)) checkedZipDirectory(buffer);
    const { parsed } = await this.imports.parsers.run({
      kind: 'plan-file',
      bytes: buffer,
      sheet: options.sheet,
    });
    // Each column and its heading as the sheet shows it (two heading rows read as one).
    const columns = parsed.headings as Record<string, string>;

    return this.imports.dryRunOrCommit(options.dryRun, async (manager) => {
      const organisation = await manager.findOneBy(Organisation, {
        id: requireId(options.organisationId, 'organisationId'),
      });
      const unknown = () =>
        invalidReference('organisationId', `no organisation ${options.organisationId}`);
      if (!organisation) throw unknown();
      TrustAccess.requireWritable(organisation.id, unknown);
      const people = await PeopleIndex.load(manager, organisation.id);
      const existing = await this.existingActions(manager, organisation.id, parsed.rows);
      await this.findingsByReference(manager, organisation.id, parsed.rows);
      const results = parsed.rows.map((row) =>
        this.classify(row, parsed.headings, options, people, existing),
      );
      await this.warnReferenceClashes(manager, organisation.id, parsed.rows, results, columns);
      const counts = { create: 0, update: 0, skip: 0, error: 0 };
      for (const result of results) counts[result.outcome]++;
      const good = results.length - counts.error;
      const skipping = counts.error > 0 && !!options.skipInvalidRows;
      const preview: PlanImportResultDto = {
        dryRun: options.dryRun,
        importId: null,
        organisationId: organisation.id,
        sheet: parsed.sheet,
        sheets: parsed.sheets,
        headerRow: parsed.headerRow,
        columns,
        hiddenColumns: parsed.hiddenColumns,
        unreadColumns: parsed.unreadColumns,
        sections: parsed.sections,
        notRead: parsed.notRead,
        counts,
        committable: counts.error === 0 ? results.length > 0 : skipping && good > 0,
        skippedRows: skipping ? results.filter((r) => r.outcome === 'error').map((r) => r.row) : [],
        newUsers: people.pending(),
        rows: results,
      };
      if (!options.dryRun && counts.error > 0 && !skipping) {
        throw new AppError(
          'IMPORT_HAS_PROBLEMS',
          `${counts.error} of ${results.length} rows have problems; nothing was imported` +
            (good > 0
              ? ` (ask to skip the rows with problems, skipInvalidRows=true, to import the ${good} good row${good === 1 ? '' : 's'})`
              : ''),
          results
            .filter((r) => r.problems.length)
            .flatMap((r) => r.problems.map((reason) => ({ field: `row ${r.row}`, reason }))),
        );
      }
      if (!options.dryRun && good === 0) {
        throw new AppError(
          'IMPORT_HAS_PROBLEMS',
          results.length
            ? `none of the ${results.length} rows can be imported; nothing was imported`
            : 'the plan has no rows under its header; nothing was imported',
          results.flatMap((r) => r.problems.map((reason) => ({ field: `row ${r.row}`, reason }))),
        );
      }
      // A dry run writes the good rows too (and rolls them back), so the preview says exactly
      // which findings are new and which already exist.
      const writer = new PlanWriter(manager, this.audit, organisation.id, options.actorId, people);
      let done = 0;
      for (const [index, row] of parsed.rows.entries()) {
        const result = results[index];
        if (result.outcome === 'create') await writer.create(row, result.finding);
        else if (result.outcome === 'update')
          await writer.update(row, existing.get(row.reference!)!);
        if (result.outcome !== 'create') await writer.describe(row, result.finding);
        options.onProgress?.(++done, parsed.rows.length);
      }
      await writer.finish();
      // Rows not created say whether their finding is already held (after every create is stored).
      for (const [index, row] of parsed.rows.entries())
        if (results[index].outcome !== 'create') await writer.describe(row, results[index].finding);
      if (options.dryRun) return preview;
      preview.importId = await this.imports.record(
        manager,
        'plan',
        organisation.id,
        source,
        null,
        skipping
          ? { ...counts, skippedRows: preview.skippedRows, sheet: parsed.sheet }
          : { ...counts, sheet: parsed.sheet },
        options.actorId,
        skipping
          ? `Plan import: ${good} rows imported; rows skipped at the importer's choice (skipInvalidRows): ${preview.skippedRows.join(', ')}`
          : undefined,
      );
      return preview;
    });
  }

  private classify(
    row: PlanRow,
    headings: Partial<Record<string, string>>,
    options: PlanImportOptions,
    people: PeopleIndex,
    existing: Map<string, Action>,
  ): PlanRowResultDto {
    const problems = [...row.problems];
    const conflict = !!row.reference && existing.has(row.reference);
    // People are only planned from rows that will be stored: not from a skipped row's cells.
    const storable = !problems.length && !(conflict && options.conflict === 'stop');
    for (const [value, role, label] of [
      [row.owner, 'owner', headings.owner ?? 'Owner'],
      [row.executiveLead, 'executive', headings.executiveLead ?? 'Executive lead'],
    ] as const) {
      if (!value) continue;
      const known = people.find(value);
      if (known) {
        // Someone the plan names who could not act on the action is a row problem, not a
        // refusal of the whole import at the end.
        if (!people.canHold(known, role === 'owner' ? 'owner' : 'executiveLead'))
          problems.push(
            `${label}: "${value}" ${role === 'owner' ? 'cannot own actions' : 'cannot be the executive lead of actions'} in this trust`,
          );
        continue;
      }
      if (options.createUsers) {
        if (storable) people.plan(value, role);
      } else
        problems.push(
          `${label}: "${value}" is not a user (matched by email, then name); import with createUsers to add them`,
        );
    }
    let outcome: PlanRowResultDto['outcome'] = 'create';
    if (row.reference && existing.has(row.reference)) {
      if (options.conflict === 'stop')
        problems.push(
          `${headings.actionReference ?? headings.reference ?? 'Reference'}: an action with reference ${row.reference} already exists (conflict mode stop)`,
        );
      outcome = options.conflict === 'skip' ? 'skip' : 'update';
    }
    if (outcome !== 'skip') problems.push(...textProblems(row, headings));
    const held = outcome === 'update' ? existing.get(row.reference!) : undefined;
    if (held && row.dueDate && row.dueDate !== held.dueDate) {
      // The due date moves only as the API would move it (action-writer.ts).
      const refused = dueDateMoveProblem(held, row.dueDate);
      if (refused)
        problems.push(
          `${headings.dueDate ?? 'Due date'}: ${row.dueDate} would move the due date of action ${row.reference} (${held.dueDate}); ${refused.message}`,
        );
    }
    if (row.actionTitle && !row.findingText && outcome === 'create')
      problems.push(
        `${headings.finding ?? 'Finding'}: empty; an action needs the finding it addresses`,
      );
    return {
      row: row.row,
      outcome: problems.length ? 'error' : outcome,
      reference: row.reference,
      action: row.actionTitle,
      finding: {
        reference: row.findingReference,
        text: row.findingText,
        type: row.findingType,
        coreService: row.coreService,
        keyQuestion: row.keyQuestion,
        regulations: row.regulations.map(formatCitation),
        state: null,
        firstRow: row.findingRow,
      },
      successMeasure: row.successMeasure,
      interimMitigation: row.interimMitigation,
      owner: row.owner,
      executiveLead: row.executiveLead,
      dueDate: row.dueDate,
      originalDueDate: row.originalDueDate,
      status: row.completed
        ? 'COMPLETED'
        : (row.progress ?? 0) > 0 || row.started
          ? 'IN_PROGRESS'
          : 'NOT_STARTED',
      statusText: row.statusText,
      progress: row.completed ? 100 : (row.progress ?? 0),
      progressNote: row.progressNote,
      problems,
      warnings: [...row.warnings],
    };
  }

  /**
   * A row whose finding reference the trust already uses for a finding with other words makes
   * a second finding so numbered: stored, but the row says so.
   */
  private async warnReferenceClashes(
    manager: EntityManager,
    organisationId: number,
    rows: PlanRow[],
    results: PlanRowResultDto[],
    headings: Record<string, string>,
  ): Promise<void> {
    const references = [
      ...new Set(
        rows.filter((r) => r.findingText && r.findingReference).map((r) => r.findingReference!),
      ),
    ].map((reference) => reference.slice(0, 30));
    const held = new Map<string, string[]>();
    for (let i = 0; i < references.length; i += 500) {
      const found = await manager.find(Finding, {
        select: { reference: true, text: true },
        where: { organisationId, reference: In(references.slice(i, i + 500)) },
      });
      for (const finding of found)
        held.set(finding.reference!, [...(held.get(finding.reference!) ?? []), finding.text]);
    }
    rows.forEach((row, index) => {
      const texts = row.findingReference ? held.get(row.findingReference.slice(0, 30)) : undefined;
      const text = row.findingText?.slice(0, 10000).trim();
      if (!texts || !text || texts.includes(text) || results[index].outcome !== 'create') return;
      results[index].warnings.push(
        `${headings.reference ?? 'Reference'}: the trust already holds a finding ${row.findingReference} with different words ("${texts[0].slice(0, 80)}"); this row makes a second finding ${row.findingReference}`,
      );
    });
  }

  /**
   * A row that names a finding only by its reference ("MD3", as the report imported before
   * numbered it) is for that finding, when the trust holds exactly one finding so numbered.
   */
  private async findingsByReference(
    manager: EntityManager,
    organisationId: number,
    rows: PlanRow[],
  ): Promise<void> {
    const wanted = rows.filter((r) => !r.findingText && r.findingReference);
    if (!wanted.length) return;
    const references = [...new Set(wanted.map((r) => r.findingReference!.slice(0, 30)))];
    const byReference = new Map<string, Finding[]>();
    for (let i = 0; i < references.length; i += 500) {
      const found = await manager.find(Finding, {
        where: { organisationId, reference: In(references.slice(i, i + 500)) },
        relations: { coreService: true },
      });
      for (const finding of found)
        byReference.set(finding.reference!, [
          ...(byReference.get(finding.reference!) ?? []),
          finding,
        ]);
    }
    for (const row of wanted) {
      const found = byReference.get(row.findingReference!.slice(0, 30));
      if (found?.length !== 1) continue;
      const [finding] = found;
      row.findingText = finding.text;
      row.findingType = finding.type;
      row.coreService = finding.coreService?.name ?? null;
      row.keyQuestion = row.keyQuestion ?? finding.keyQuestion;
      if (!row.regulations.length) row.regulations = finding.regulations;
    }
  }

  private async existingActions(
    manager: EntityManager,
    organisationId: number,
    rows: PlanRow[],
  ): Promise<Map<string, Action>> {
    const references = [...new Set(rows.map((r) => r.reference).filter((r): r is string => !!r))];
    const found = new Map<string, Action>();
    for (let i = 0; i < references.length; i += 500) {
      const batch = await manager.findBy(Action, {
        organisationId,
        reference: In(references.slice(i, i + 500)),
      });
      for (const action of batch) found.set(action.reference!, action);
    }
    return found;
  }
}

/** Everyone who could own or lead an action, by email and by name; and people to create. */
class PeopleIndex {
  private readonly toCreate = new Map<string, { name: string; role: UserRole }>();

  private constructor(
    private readonly byEmail: Map<string, User>,
    private readonly byName: Map<string, User>,
    private readonly organisationId: number,
    /** Each member's role in this trust. */
    private readonly trustRoles: Map<number, string>,
  ) {}

  /** Whether a known person can hold the part here (src/actions/action-people.ts). */
  canHold(user: User, part: ActionPart): boolean {
    const role = this.trustRoles.get(user.id);
    return (
      user.active &&
      user.role !== 'admin' &&
      !!role &&
      ROLES_FOR_PART[part].includes(role as UserRole)
    );
  }

  /**
   * The people of one trust (and admins): a plan names its owners and leads, and someone from
   * another trust is never matched, so a plan cannot hand them work or learn they exist.
   */
  static async load(manager: EntityManager, organisationId: number): Promise<PeopleIndex> {
    const users = await manager
      .createQueryBuilder(User, 'u')
      .where(
        "u.role = 'admin' OR u.id IN (SELECT m.user_id FROM organisation_membership m WHERE m.organisation_id = :organisationId)",
        { organisationId },
      )
      .getMany();
    const memberships = await manager.findBy(OrganisationMembership, { organisationId });
    return new PeopleIndex(
      new Map(users.map((u) => [u.email.toLowerCase(), u])),
      new Map(users.map((u) => [u.name.toLowerCase().replace(/\s+/g, ' '), u])),
      organisationId,
      new Map(memberships.map((m) => [m.userId, m.role])),
    );
  }

  find(value: string): User | undefined {
    const key = value.trim().toLowerCase().replace(/\s+/g, ' ');
    return this.byEmail.get(key) ?? this.byName.get(key);
  }

  plan(value: string, role: UserRole): void {
    const key = value.trim().toLowerCase();
    if (!this.toCreate.has(key)) this.toCreate.set(key, { name: value.trim(), role });
  }

  pending(): string[] {
    return [...this.toCreate.values()].map((p) => p.name);
  }

  /** The user for a name or email, creating a planned one the first time it is needed. */
  async resolve(
    manager: EntityManager,
    audit: AuditService,
    value: string | null,
  ): Promise<number | null> {
    if (!value) return null;
    const known = this.find(value);
    if (known) return known.id;
    const planned = this.toCreate.get(value.trim().toLowerCase());
    if (!planned) return null;
    const isEmail = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(planned.name);
    const slug =
      planned.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '.')
        .replace(/^\.|\.$/g, '') || 'person';
    const email = isEmail ? planned.name.toLowerCase() : `${slug}@imported.invalid`;
    // Someone of another trust holds this email: they are not this trust's to assign, and
    // saying so would tell the importer they exist, so the row is left unassigned.
    if (await manager.existsBy(User, { email })) return null;
    const now = nowTimestamp();
    const user = await UsersService.insert(
      manager,
      audit,
      manager.create(User, {
        name: isEmail ? planned.name.split('@')[0] : planned.name,
        email,
        role: planned.role,
        active: true,
        passwordHash: null,
        createdAt: now,
        updatedAt: now,
      }),
      'Created by plan import',
    );
    // A person a plan brings in belongs to the trust the plan is for.
    await manager.insert(OrganisationMembership, {
      userId: user.id,
      organisationId: this.organisationId,
      role: planned.role === 'admin' ? 'owner' : planned.role,
      createdAt: now,
    });
    this.byEmail.set(user.email, user);
    this.byName.set(user.name.toLowerCase(), user);
    return user.id;
  }
}

/** A row waiting to be stored with the next batch, and what it needs. */
interface PendingRow {
  row: PlanRow;
  /** The row's preview, told whether its finding is new or already held once it is stored. */
  preview?: PlanFindingPreviewDto;
  findingKey: string;
  coreService: string;
  text: string;
  ownerId: number | null;
  executiveLeadId: number | null;
}

/** A finding the batch creates: the first row that names it, and its core service. */
interface NewFinding {
  key: string;
  row: PlanRow;
  text: string;
  coreService: string;
}

/** Rows stored per batch: the progress callback moves every batch, memory stays small. */
const BATCH_ROWS = 250;

/** One finding per service, type and words: the key rows of the same finding share. */
function findingKeyOf(row: PlanRow): string {
  return `${row.coreService ?? ''}|${row.findingType}|${(row.findingText ?? '').slice(0, 10000).trim()}`;
}

/**
 * Writes the rows' findings, actions, links, audit events, progress notes and evidence, in
 * batches of multi-row INSERTs (src/database/batch-insert.ts) inside the import's one
 * transaction: a 10,000-row plan is a few hundred statements rather than a hundred thousand.
 * `create` queues a row (storing the batch once it is full); `finish` stores the rest.
 */
class PlanWriter {
  private readonly store: ImportStore;
  private readonly serviceIds = new Map<string, number | null>();
  private readonly findingIds = new Map<string, number>();
  /** Whether each finding was already held or is created by this import. */
  private readonly findingStates = new Map<string, 'new' | 'existing'>();
  private pending: PendingRow[] = [];

  constructor(
    private readonly manager: EntityManager,
    private readonly audit: AuditService,
    private readonly organisationId: number,
    private readonly actorId: number,
    private readonly people: PeopleIndex,
  ) {
    this.store = new ImportStore(manager, audit);
  }

  /** Whether a row's finding is new or already held, for a row that is not created. */
  async describe(row: PlanRow, preview: PlanFindingPreviewDto): Promise<void> {
    if (!row.findingText) return;
    const key = findingKeyOf(row);
    const known = this.findingStates.get(key);
    if (known) {
      preview.state = known;
      return;
    }
    // Looked up once per finding (rows of one finding share the answer), nothing created.
    const service = row.coreService
      ? await this.manager.findOneBy(CoreService, {
          organisationId: this.organisationId,
          name: canonicalCoreServiceName(row.coreService).name,
        })
      : null;
    const existing =
      row.coreService && !service
        ? null
        : await this.store.existingFinding(
            this.organisationId,
            service?.id ?? null,
            row.findingType,
            row.findingText.slice(0, 10000).trim(),
          );
    preview.state = existing ? 'existing' : 'new';
    this.findingStates.set(key, preview.state);
  }

  async create(row: PlanRow, preview?: PlanFindingPreviewDto): Promise<void> {
    const text = row.findingText!.slice(0, 10000).trim();
    const coreService = row.coreService ?? '';
    this.pending.push({
      row,
      preview,
      findingKey: findingKeyOf(row),
      coreService,
      text,
      // A person the import creates is created here, once, the first time a row names them.
      ownerId: row.actionTitle
        ? await this.people.resolve(this.manager, this.audit, row.owner)
        : null,
      executiveLeadId: row.actionTitle
        ? await this.people.resolve(this.manager, this.audit, row.executiveLead)
        : null,
    });
    if (this.pending.length >= BATCH_ROWS) await this.flush();
  }

  /** Stores whatever is still queued. */
  async finish(): Promise<void> {
    await this.flush();
  }

  private async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    if (!rows.length) return;
    await this.findings(rows);
    for (const { findingKey, preview } of rows)
      if (preview) preview.state = this.findingStates.get(findingKey) ?? null;
    await this.actions(rows.filter(({ row }) => row.actionTitle && row.dueDate));
  }

  /** Finds or creates every finding the rows name: one look-up per 500 texts, one insert per batch. */
  private async findings(rows: PendingRow[]): Promise<void> {
    const wanted = new Map<string, NewFinding>();
    for (const { row, findingKey, text, coreService } of rows) {
      if (!this.findingIds.has(findingKey) && !wanted.has(findingKey))
        wanted.set(findingKey, { key: findingKey, row, text, coreService });
    }
    if (!wanted.size) return;
    for (const { coreService } of wanted.values()) {
      if (!this.serviceIds.has(coreService)) {
        this.serviceIds.set(
          coreService,
          (await this.store.coreService(this.organisationId, coreService || null)).id,
        );
      }
    }
    // The same words for the same service and type already recorded are that finding.
    const texts = [...new Set([...wanted.values()].map((f) => f.text))];
    for (let i = 0; i < texts.length; i += 500) {
      const found = await this.manager
        .createQueryBuilder(Finding, 'f')
        .select(['f.id', 'f.coreServiceId', 'f.type', 'f.text'])
        .where('f.organisationId = :organisationId', { organisationId: this.organisationId })
        .andWhere('f.text IN (:...texts)', { texts: texts.slice(i, i + 500) })
        .orderBy('f.id')
        .getMany();
      for (const finding of found) {
        for (const candidate of wanted.values()) {
          if (
            candidate.text === finding.text &&
            candidate.row.findingType === finding.type &&
            (this.serviceIds.get(candidate.coreService) ?? null) === finding.coreServiceId &&
            !this.findingIds.has(candidate.key)
          ) {
            this.findingIds.set(candidate.key, finding.id);
            this.findingStates.set(candidate.key, 'existing');
          }
        }
      }
    }
    const created = [...wanted.values()].filter((f) => !this.findingIds.has(f.key));
    const now = nowTimestamp();
    const values = created.map(({ row, text, coreService }) => ({
      organisationId: this.organisationId,
      inspectionId: null,
      coreServiceId: this.serviceIds.get(coreService) ?? null,
      keyQuestion: row.keyQuestion,
      qualityStatement: null,
      score: null,
      type: row.findingType,
      deadline: null,
      regulations: row.regulations,
      reference: row.findingReference ?? null,
      text,
      source: 'spreadsheet_import' as const,
      sourceLine: row.row,
      sourcePage: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    }));
    // The findings' owner writes them, with their audit events and first revisions.
    const ids = await FindingsService.createMany(
      this.manager,
      this.audit,
      values,
      now,
      (i) => `Plan import, row ${created[i].row.row}`,
    );
    created.forEach((finding, i) => {
      this.findingIds.set(finding.key, ids[i]);
      this.findingStates.set(finding.key, 'new');
    });
  }

  /**
   * The rows' actions, each stored with the progress and status its plan row gives it, then
   * their links to findings, audit events, first progress entries and evidence notes.
   */
  private async actions(rows: PendingRow[]): Promise<void> {
    if (!rows.length) return;
    const now = nowTimestamp();
    const ids = await createActions(
      this.manager,
      rows.map(({ row, ownerId, executiveLeadId, findingKey }) => ({
        organisationId: this.organisationId,
        reference: row.reference,
        title: row.actionTitle!,
        successMeasure: row.successMeasure,
        interimMitigation: row.interimMitigation,
        ownerId,
        executiveLeadId,
        dueDate: row.dueDate!,
        originalDueDate: row.originalDueDate ?? row.dueDate!,
        changedById: this.actorId,
        dueDateReason: `Revised target date in the imported plan (row ${row.row})`,
        findingIds: [this.findingIds.get(findingKey)!],
        // The plan's own progress note becomes the action's first history entry.
        firstUpdate:
          row.completed || row.progressNote || row.started
            ? {
                authorId: this.actorId,
                note:
                  row.progressNote ??
                  (row.completed
                    ? 'Marked complete in the imported plan'
                    : `Status in the imported plan: ${row.statusText}`),
                offTrack: row.offTrack,
                ...(row.completed
                  ? { status: 'COMPLETED' as const }
                  : row.started
                    ? { status: 'IN_PROGRESS' as const, progress: row.progress ?? 0 }
                    : { progress: row.progress ?? 0 }),
              }
            : null,
      })),
      now,
      { audit: this.audit, summary: (i) => `Plan import, row ${rows[i].row.row}` },
      (i) => `row ${rows[i].row.row}`,
    );
    const planned = rows;
    await insertRows(
      this.manager,
      Evidence,
      planned.flatMap(({ row }, i) =>
        row.evidence
          ? [
              {
                actionId: ids[i],
                kind: 'note' as const,
                title: 'Evidence listed in the imported plan',
                url: null,
                note: row.evidence,
                fileName: null,
                fileSha256: null,
                fileSize: null,
                category: null,
                submittedById: this.actorId,
                submittedAt: now,
                reviewState: 'SUBMITTED' as const,
                reviewedById: null,
                reviewedAt: null,
                reviewNote: null,
              },
            ]
          : [],
      ),
    );
  }

  /**
   * A row naming an action already held changes it through the action writer: the same
   * checks as the API (a due date moves only on an open action, never before its start; text
   * within the API's limits, checked when the row was classified), with its revision.
   */
  async update(row: PlanRow, action: Action): Promise<void> {
    const now = nowTimestamp();
    const changes: Partial<Action> = {};
    if (row.actionTitle && row.actionTitle.trim() !== action.title)
      changes.title = row.actionTitle.trim();
    const ownerId = await this.people.resolve(this.manager, this.audit, row.owner);
    if (ownerId && ownerId !== action.ownerId) changes.ownerId = ownerId;
    const leadId = await this.people.resolve(this.manager, this.audit, row.executiveLead);
    if (leadId && leadId !== action.executiveLeadId) changes.executiveLeadId = leadId;
    if (row.dueDate && row.dueDate !== action.dueDate) {
      await addDueDateChange(
        this.manager,
        action,
        row.dueDate,
        `Changed in the imported plan (row ${row.row})`,
        this.actorId,
        now,
      );
      await closePendingDueDateRequests(this.manager, this.audit, action, {
        state: 'SUPERSEDED',
        note: `The imported plan (row ${row.row}) set a new due date before this request was decided.`,
        actorId: this.actorId,
        at: now,
      });
      changes.dueDate = row.dueDate;
    }
    if (!Object.keys(changes).length) return;
    await changeAction(this.manager, action, changes, now, {
      audit: this.audit,
      entry: {
        action: 'update',
        entity: 'action',
        entityId: action.id,
        summary: `Plan import, row ${row.row}`,
      },
    });
  }
}

/**
 * Text longer than the API takes is refused, never cut short: the row and the column's own
 * heading are named, so the trust can shorten the cell and import again.
 */
function textProblems(row: PlanRow, headings: Partial<Record<string, string>>): string[] {
  const cells: [string, string | null, number][] = [
    [
      headings.actionReference ?? headings.reference ?? 'Reference',
      row.reference,
      ACTION_TEXT_LIMITS.reference,
    ],
    [headings.action ?? 'Action', row.actionTitle, ACTION_TEXT_LIMITS.title],
    [
      headings.successMeasure ?? 'Measure of success',
      row.successMeasure,
      ACTION_TEXT_LIMITS.successMeasure,
    ],
    [
      headings.interimMitigation ?? 'Interim mitigation',
      row.interimMitigation,
      ACTION_TEXT_LIMITS.interimMitigation,
    ],
    [headings.progress ?? 'Progress', row.progressNote, ACTION_TEXT_LIMITS.note],
    [headings.evidence ?? 'Evidence', row.evidence, ACTION_TEXT_LIMITS.note],
    [headings.finding ?? 'Finding', row.findingText?.trim() ?? null, FINDING_TEXT_MAX],
    [headings.reference ?? 'Reference', row.findingReference, ACTION_TEXT_LIMITS.reference],
  ];
  const problems = cells.flatMap(([heading, value, limit]) => {
    const length = value === null ? 0 : [...value].length;
    return length > limit
      ? [
          `${heading}: must be at most ${limit} characters (got ${length}); shorten it and import again`,
        ]
      : [];
  });
  return [...new Set(problems)];
}

/** "Regulation 12(2)(a)", with the year when it is a 2010 regulation. */
function formatCitation(citation: RegulationCitation): string {
  return `Regulation ${citation.number}${citation.paragraph ?? ''}${citation.instrument === 2010 ? ' (2010)' : ''}`;
}
