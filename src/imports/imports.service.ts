import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { Transactions } from '../database/transactions';
import { FindingsService } from '../findings/findings.service';
import { Inspection } from '../inspections/inspection.entity';
import { InspectionsService } from '../inspections/inspections.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity';
import { CqcImportResultDto, ReportImportResultDto } from './dto/import-result.dto';
import { ImportKind, ImportRecord } from './import-record.entity';
import { ImportStore } from './import-store';
import { checkTextSize, cqcRecord, ParsedReportFile } from './parse-tasks';
import { ParserPool } from './parser-pool';

/** Something to import: text typed or pasted, or a file's bytes and name. */
export interface ImportSource {
  text?: string;
  file?: { buffer: Buffer; originalname?: string };
}

export interface ImportOptions {
  dryRun: boolean;
  organisationId?: number;
  organisationKind?: OrganisationKind;
  actorId?: number | null;
}

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

/**
 * Reads a report or a CQC record, answers what it understood, and (unless it is a dry run)
 * stores it in one transaction: the organisation, core services, inspection, ratings and
 * findings it needs, each found first so that a second import of the same thing adds nothing.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly findings: FindingsService,
    readonly parsers: ParserPool,
  ) {}

  async report(source: ImportSource, options: ImportOptions): Promise<ReportImportResultDto> {
    const { parsed, raw } = await this.readReport(source);
    const name = parsed.organisation.name;
    if (!name && !options.organisationId) {
      if (!options.dryRun) {
        throw new AppError(
          'ORGANISATION_REQUIRED',
          'The report names no NHS trust; choose the organisation it is for',
          [
            {
              field: 'organisationId',
              reason: 'the report does not name an NHS trust; say which of your trusts it is for',
            },
          ],
        );
      }
      return this.previewWithoutOrganisation(parsed);
    }
    const run = async (manager: EntityManager) => {
      const store = new ImportStore(manager, this.audit, this.findings);
      const { organisation, created: organisationCreated } = await store.organisation({
        id: options.organisationId,
        name: name ?? '',
        kind: options.organisationKind ?? 'combined',
      });
      const inspection = await this.inspectionFor(manager, organisation.id, parsed.inspection);
      const ratedOn =
        parsed.inspection.publishedOn ?? parsed.inspection.visitEnd ?? parsed.inspection.visitStart;
      for (const rating of parsed.ratings) {
        if (!ratedOn) break;
        const coreServiceId = await store.serviceId(organisation.id, rating.coreService);
        await store.rating(organisation.id, coreServiceId, {
          scope: rating.scope,
          rating: rating.rating,
          ratedOn,
        });
      }
      const findings = [];
      for (const finding of parsed.findings) {
        const coreServiceId = await store.serviceId(organisation.id, finding.coreService);
        const stored = await store.finding(
          {
            organisationId: organisation.id,
            inspectionId: inspection.id ?? undefined,
            coreServiceId: coreServiceId ?? undefined,
            keyQuestion: finding.keyQuestion ?? undefined,
            qualityStatement: finding.qualityStatement ?? undefined,
            score: finding.score ?? undefined,
            type: finding.type,
            // The parser gives one finding per deadline: each notice item is one failing.
            failings:
              finding.type === 'WARNING_NOTICE' && finding.deadline
                ? [{ text: finding.text, deadline: finding.deadline }]
                : undefined,
            regulations: finding.regulations.map((r) => ({
              ...r,
              paragraph: r.paragraph ?? undefined,
            })),
            reference: finding.reference,
            text: finding.text,
          },
          { source: 'report_import', sourceLine: finding.line, sourcePage: finding.page },
        );
        findings.push({ ...finding, ...stored });
      }
      const created = {
        organisation: organisationCreated,
        inspection: inspection.created,
        ...store.created,
      };
      const importId = await this.record(
        manager,
        'report',
        organisation.id,
        source,
        raw,
        created,
        options.actorId,
      );
      return {
        organisation: { id: organisation.id, name: organisation.name },
        created,
        findings,
        importId,
      };
    };
    const outcome = await this.dryRunOrCommit(options.dryRun, run);
    const warnings = [...parsed.warnings];
    // Chosen by id, the trust may not be the one the report is about: said, not refused (a
    // trust renamed or merged since the report keeps its old name in it).
    if (name && options.organisationId && !sameTrustName(name, outcome.organisation.name)) {
      warnings.unshift({
        message: `The report names ${name}, but it is imported into ${outcome.organisation.name} (organisationId ${outcome.organisation.id}); check that this is the right trust`,
      });
    }
    return {
      dryRun: options.dryRun,
      importId: options.dryRun ? null : outcome.importId,
      organisation: {
        name: options.organisationId
          ? outcome.organisation.name
          : (name ?? outcome.organisation.name),
        id: outcome.created.organisation && options.dryRun ? null : outcome.organisation.id,
      },
      organisationRequired: false,
      inspection: parsed.inspection,
      ratings: parsed.ratings,
      findings: outcome.findings.map((f) => ({ ...f, id: options.dryRun ? null : f.id })),
      created: outcome.created,
      warnings,
    };
  }

  /**
   * A report that names no NHS trust (an excerpt, a location page) is still previewed: its
   * findings are listed, and the answer says an organisation must be chosen before it can be
   * imported. Nothing is looked up or stored, so nothing is said about existing findings.
   */
  private previewWithoutOrganisation(parsed: ParsedReportFile['parsed']): ReportImportResultDto {
    return {
      dryRun: true,
      importId: null,
      organisation: { name: null, id: null },
      organisationRequired: true,
      inspection: parsed.inspection,
      ratings: parsed.ratings,
      findings: parsed.findings.map((f) => ({ ...f, id: null, status: 'new' as const })),
      created: {
        organisation: false,
        coreServices: 0,
        inspection: false,
        ratings: 0,
        findings: parsed.findings.length,
      },
      warnings: [
        {
          message:
            'The report names no NHS trust: choose the organisation it is for (organisationId) before importing it',
        },
        ...parsed.warnings,
      ],
    };
  }

  async cqcJson(
    source: ImportSource & { json?: unknown },
    options: ImportOptions,
  ): Promise<CqcImportResultDto> {
    let raw: string;
    let parsed;
    if (source.file) {
      if (source.file.buffer.length === 0) throw validationFailed('file', 'the file is empty');
      checkTextSize(source.file.buffer.length);
      ({ raw, parsed } = await this.parsers.run({
        kind: 'cqc-json-file',
        bytes: source.file.buffer,
      }));
    } else {
      // A JSON body arrives parsed (body-parser, under 5 MB); reading the record is linear.
      raw = JSON.stringify(source.json);
      checkTextSize(Buffer.byteLength(raw), 'body');
      parsed = cqcRecord(source.json, 'body');
    }
    const run = async (manager: EntityManager) => {
      const store = new ImportStore(manager, this.audit, this.findings);
      const { organisation, created: organisationCreated } = await store.organisation({
        id: options.organisationId,
        ...parsed.organisation,
      });
      if (!organisationCreated)
        await this.refreshOrganisation(manager, organisation, parsed.organisation);
      for (const service of parsed.coreServices) await store.serviceId(organisation.id, service);
      for (const row of parsed.ratings) {
        await store.rating(
          organisation.id,
          await store.serviceId(organisation.id, row.coreService),
          row,
        );
      }
      const findings = [];
      for (const finding of parsed.findings) {
        const coreServiceId = await store.serviceId(organisation.id, finding.coreService);
        const stored = await store.finding(
          {
            organisationId: organisation.id,
            coreServiceId: coreServiceId ?? undefined,
            keyQuestion: finding.keyQuestion ?? undefined,
            type: 'RATING',
            reference: finding.reference,
            text: finding.text,
          },
          { source: 'api_import' },
        );
        findings.push({ ...finding, ...stored });
      }
      const created = { organisation: organisationCreated, ...store.created };
      const importId = await this.record(
        manager,
        'cqc_json',
        organisation.id,
        source,
        raw,
        created,
        options.actorId,
      );
      return { organisationId: organisation.id, created, findings, importId };
    };
    const outcome = await this.dryRunOrCommit(options.dryRun, run);
    return {
      dryRun: options.dryRun,
      importId: options.dryRun ? null : outcome.importId,
      organisation: {
        ...parsed.organisation,
        id: options.dryRun && outcome.created.organisation ? null : outcome.organisationId,
      },
      coreServices: parsed.coreServices,
      ratings: parsed.ratings,
      findings: outcome.findings.map((f) => ({ ...f, id: options.dryRun ? null : f.id })),
      created: outcome.created,
      warnings: parsed.warnings,
    };
  }

  /**
   * A dry run does all the same work inside a transaction and then rolls it back, so the
   * preview is exactly what a commit would do, and nothing is stored.
   */
  async dryRunOrCommit<T>(
    dryRun: boolean,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (!dryRun) return this.transactions.run(work);
    let result: T | undefined;
    try {
      await this.transactions.run(async (manager) => {
        result = await work(manager);
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return result as T;
  }

  async record(
    manager: EntityManager,
    kind: ImportKind,
    organisationId: number,
    source: ImportSource,
    raw: string | null,
    summary: object,
    actorId?: number | null,
    /** A line for the audit trail's summary (e.g. the rows a plan import skipped). */
    auditSummary?: string,
  ): Promise<number> {
    const content = source.file?.buffer ?? raw ?? '';
    const saved = await manager.save(
      manager.create(ImportRecord, {
        kind,
        organisationId,
        fileName: source.file?.originalname?.slice(0, 255) ?? null,
        contentSha256: sha256(content),
        raw,
        summary: JSON.stringify(summary),
        importedById: actorId ?? null,
        createdAt: nowTimestamp(),
      }),
    );
    await this.audit.record(manager, {
      action: 'create',
      entity: 'import_record',
      entityId: saved.id,
      after: {
        kind,
        organisationId,
        fileName: saved.fileName,
        contentSha256: saved.contentSha256,
        summary,
      },
      summary: auditSummary,
    });
    return saved.id;
  }

  /**
   * The report's text and what the parser found in it, read in a parser worker. The text's
   * size is checked here first, so a 10 MB paste is refused before it is even copied.
   */
  private async readReport(source: ImportSource): Promise<ParsedReportFile> {
    if (source.text !== undefined) {
      checkTextSize(Buffer.byteLength(source.text), 'text');
      if (!source.text.trim()) throw validationFailed('text', 'the report text is empty');
      return this.parsers.run({ kind: 'report-text', text: source.text });
    }
    const buffer = source.file?.buffer;
    if (!buffer || buffer.length === 0) throw validationFailed('file', 'the file is empty');
    if (buffer.subarray(0, 5).toString('latin1') !== '%PDF-') checkTextSize(buffer.length);
    return this.parsers.run({ kind: 'report-file', bytes: buffer });
  }

  private async inspectionFor(
    manager: EntityManager,
    organisationId: number,
    dates: { visitStart: string | null; visitEnd: string | null; publishedOn: string | null },
  ): Promise<{ id: number | null; created: boolean }> {
    if (!dates.visitStart) return { id: null, created: false };
    const existing = await manager.findOneBy(Inspection, {
      organisationId,
      visitStart: dates.visitStart,
    });
    if (existing) return { id: existing.id, created: false };
    const saved = await InspectionsService.insert(
      manager,
      this.audit,
      {
        organisationId,
        kind: 'comprehensive',
        visitStart: dates.visitStart,
        visitEnd: dates.visitEnd,
        publishedOn: dates.publishedOn,
        reportReference: null,
      },
      'By import',
    );
    return { id: saved.id, created: true };
  }

  /** A newer CQC record may carry a new name or ODS code for a trust we know. */
  private async refreshOrganisation(
    manager: EntityManager,
    organisation: Organisation,
    record: { name: string; odsCode: string | null; cqcProviderId: string },
  ): Promise<void> {
    const changes: Partial<Organisation> = {};
    if (record.name !== organisation.name) changes.name = record.name;
    if (record.odsCode && record.odsCode !== organisation.odsCode) changes.odsCode = record.odsCode;
    if (!organisation.cqcProviderId) changes.cqcProviderId = record.cqcProviderId;
    if (!Object.keys(changes).length) return;
    await OrganisationsService.change(
      manager,
      this.audit,
      organisation,
      changes,
      'By CQC record import',
    );
  }
}

class DryRunRollback extends Error {}

/** Two names of one trust, however written ("&" or "and", with or without "NHS Foundation Trust"). */
function sameTrustName(a: string, b: string): boolean {
  const key = (name: string) =>
    name
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/\b(?:the|nhs|foundation|trust)\b/g, ' ')
      .replace(/[^a-z0-9]+/g, '');
  return key(a) === key(b);
}
