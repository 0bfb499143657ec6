import { loadConfig } from '../config/configuration';
import { Command } from 'commander';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { Action } from '../actions/action.entity';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { ActionsService } from '../actions/actions.service';
import { DueDateChange } from '../actions/due-date-change.entity';
import { ProgressUpdate } from '../actions/progress-update.entity';
import { isIsoDate } from '../common/dates';
import { Finding } from '../findings/finding.entity';
import { FindingsService } from '../findings/findings.service';
import { ReadinessService } from '../readiness/readiness.service';
import { renderBoardReportHtml } from '../reports/board-report.html';
import { BoardReportService } from '../reports/board-report.service';
import { BoardMovementService } from '../reports/board-movement.service';
import {
  ASSURANCE_LEVELS,
  AssuranceLevel,
  BOARD_PURPOSES,
  BoardCover,
  BoardPurpose,
} from '../reports/board-cover';
import { writeBoardReportPdf } from '../reports/board-report.pdf';
import { writeBoardReportXlsx } from '../reports/board-report.xlsx';
import { CqcReturnService } from '../reports/cqc-return.service';
import { EvidencePackService } from '../reports/evidence-pack.service';
import { evidenceStoreFor } from '../evidence-files/evidence-store';
import { EXPORT_FORMATS, ExportFormat, FlatExportService } from '../reports/flat-export.service';
import { withDatabase } from './cli-context';

interface ReportOptions {
  format: string;
  out: string;
  asOf?: string;
  organisationId?: string;
  coreServiceId?: string;
  signOffName?: string;
  signOffRole?: string;
  signOffDate?: string;
  executiveLeadId?: string;
  sinceAsOf?: string;
  meeting?: string;
  meetingDate?: string;
  agendaItem?: string;
  author?: string;
  executiveSponsor?: string;
  purpose?: string;
  assuranceLevel?: string;
  strategicRisks?: string;
  recommendation?: string;
  marking?: string;
  paperVersion?: string;
}

/** The board paper's cover sheet from the command line, checked as the API checks it. */
function coverOf(options: ReportOptions): BoardCover {
  if (options.purpose && !(BOARD_PURPOSES as readonly string[]).includes(options.purpose))
    throw new Error(`--purpose must be one of ${BOARD_PURPOSES.join(', ')}`);
  if (
    options.assuranceLevel &&
    !(ASSURANCE_LEVELS as readonly string[]).includes(options.assuranceLevel)
  )
    throw new Error(`--assurance-level must be one of ${ASSURANCE_LEVELS.join(', ')}`);
  if (options.meetingDate && !isIsoDate(options.meetingDate))
    throw new Error('--meeting-date must be a real date written YYYY-MM-DD');
  return {
    meeting: options.meeting,
    meetingDate: options.meetingDate,
    agendaItem: options.agendaItem,
    author: options.author,
    executiveSponsor: options.executiveSponsor,
    purpose: options.purpose as BoardPurpose | undefined,
    assuranceLevel: options.assuranceLevel as AssuranceLevel | undefined,
    strategicRisks: options.strategicRisks,
    recommendation: options.recommendation,
    marking: options.marking,
    version: options.paperVersion,
  };
}

const idOption = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new Error(`--${name} must be a whole number`);
  return id;
};

/** `npm run cli -- report actions|findings --format csv|xlsx --out file [--as-of] [--organisation-id]` */
export function registerReportCommands(program: Command): void {
  program
    .command('report <kind>')
    .description(
      'Write a report: board (html, pdf, xlsx), cqc-return (xlsx, pdf), evidence-pack (pdf), actions or findings (csv, xlsx)',
    )
    .requiredOption('--out <file>', 'file to write')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, 'csv')
    .option('--as-of <date>', 'state as at the end of this date (YYYY-MM-DD), for actions')
    .option('--organisation-id <id>', 'only this organisation')
    .option('--sign-off-name <name>', 'the CQC return: who signs it (else a blank line)')
    .option('--sign-off-role <role>', 'the CQC return: their role (else a blank line)')
    .option('--sign-off-date <date>', 'the CQC return: the date signed, YYYY-MM-DD')
    .option(
      '--core-service-id <id>',
      'the core service (for the evidence pack; narrows the board paper and the CQC return)',
    )
    .option(
      '--executive-lead-id <id>',
      'board paper and CQC return: only actions this person leads',
    )
    .option(
      '--since-as-of <date>',
      'board paper: movement since this date, not the last issued paper',
    )
    .option('--meeting <text>', 'board paper cover: the meeting')
    .option('--meeting-date <date>', 'board paper cover: date of the meeting (YYYY-MM-DD)')
    .option('--agenda-item <text>', 'board paper cover: agenda item')
    .option('--author <text>', 'board paper cover: author')
    .option('--executive-sponsor <text>', 'board paper cover: executive sponsor')
    .option('--purpose <purpose>', `board paper cover: ${BOARD_PURPOSES.join(', ')}`)
    .option('--assurance-level <level>', `board paper cover: ${ASSURANCE_LEVELS.join(', ')}`)
    .option('--strategic-risks <text>', 'board paper cover: links to strategic risks')
    .option('--recommendation <text>', 'board paper cover: the recommendation')
    .option('--marking <text>', 'board paper: protective marking (default OFFICIAL-SENSITIVE)')
    .option('--paper-version <text>', 'board paper cover: version')
    .action(async (kind: string, options: ReportOptions) => {
      const formats: Record<string, readonly string[]> = {
        board: ['html', 'pdf', 'xlsx'],
        'cqc-return': ['xlsx', 'pdf'],
        'evidence-pack': ['pdf'],
        actions: EXPORT_FORMATS,
        findings: EXPORT_FORMATS,
      };
      if (!formats[kind]) {
        throw new Error(
          `Unknown report "${kind}": use board, cqc-return, evidence-pack, actions or findings`,
        );
      }
      // --format defaults to csv, which the board and CQC return do not have: use their first.
      const format =
        options.format === 'csv' && !formats[kind].includes('csv')
          ? formats[kind][0]
          : options.format;
      if (!formats[kind].includes(format)) {
        throw new Error(`--format for ${kind} must be one of ${formats[kind].join(', ')}`);
      }
      if ((kind === 'board' || kind === 'cqc-return') && options.organisationId === undefined) {
        throw new Error(`The ${kind} report needs --organisation-id`);
      }
      if (kind === 'evidence-pack' && !options.coreServiceId)
        throw new Error('The evidence pack needs --core-service-id');
      if (kind === 'board') coverOf(options);
      if (options.sinceAsOf && !isIsoDate(options.sinceAsOf))
        throw new Error('--since-as-of must be a real date written YYYY-MM-DD');
      if (options.asOf && !isIsoDate(options.asOf))
        throw new Error('--as-of must be a real date written YYYY-MM-DD');
      if (options.signOffDate && !isIsoDate(options.signOffDate))
        throw new Error('--sign-off-date must be a real date written YYYY-MM-DD');
      const organisationId =
        options.organisationId === undefined ? undefined : Number(options.organisationId);
      if (
        organisationId !== undefined &&
        (!Number.isInteger(organisationId) || organisationId < 1)
      ) {
        throw new Error('--organisation-id must be a whole number');
      }
      const rows = await withDatabase(({ dataSource, transactions, audit }) =>
        transactions.snapshot(async () => {
          const facts = new ActionFactsRepository(dataSource);
          const actions = new ActionsService(
            dataSource.getRepository(Action),
            dataSource.getRepository(ProgressUpdate),
            dataSource.getRepository(DueDateChange),
            facts,
            transactions,
            audit,
          );
          const exporter = new FlatExportService(
            dataSource,
            facts,
            new FindingsService(
              dataSource.getRepository(Finding),
              transactions,
              audit,
              loadConfig(),
            ),
          );
          const out = fs.createWriteStream(options.out);
          let count: number;
          if (kind === 'board') {
            const boardReports = new BoardReportService(
              dataSource,
              actions,
              facts,
              new ReadinessService(dataSource, facts),
              loadConfig(),
            );
            const report = await new BoardMovementService(
              dataSource,
              boardReports,
              actions,
              facts,
            ).build({
              organisationId: organisationId!,
              asOf: options.asOf,
              coreServiceId: idOption(options.coreServiceId, 'core-service-id'),
              executiveLeadId: idOption(options.executiveLeadId, 'executive-lead-id'),
              sinceAsOf: options.sinceAsOf,
              cover: coverOf(options),
            });
            if (format === 'xlsx') {
              await writeBoardReportXlsx(report, out);
              out.end();
            } else if (format === 'pdf') {
              await writeBoardReportPdf(report, out);
            } else {
              out.end(renderBoardReportHtml(report));
            }
            count = report.exceptions.length;
          } else if (kind === 'cqc-return') {
            const cqcReturn = new CqcReturnService(dataSource, actions, loadConfig());
            const returnOptions = {
              organisationId: organisationId!,
              asOf: options.asOf,
              coreServiceId: idOption(options.coreServiceId, 'core-service-id'),
              executiveLeadId: idOption(options.executiveLeadId, 'executive-lead-id'),
              signOffName: options.signOffName,
              signOffRole: options.signOffRole,
              signOffDate: options.signOffDate,
            };
            if (format === 'pdf') {
              count = await cqcReturn.pdfTo(out, returnOptions);
            } else {
              count = await cqcReturn.xlsxTo(out, returnOptions);
              out.end();
            }
          } else if (kind === 'evidence-pack') {
            const store = evidenceStoreFor(loadConfig(), dataSource);
            count = await new EvidencePackService(dataSource, actions, store).pdfTo(out, {
              coreServiceId: Number(options.coreServiceId),
              asOf: options.asOf,
            });
          } else if (kind === 'actions') {
            count = await exporter.actionsTo(out, format as ExportFormat, {
              organisationId,
              asOf: options.asOf,
            });
          } else {
            count = await exporter.findingsTo(out, format as ExportFormat, { organisationId });
          }
          if (!out.writableFinished) await finished(out);
          return count;
        }),
      );
      const what =
        kind === 'board'
          ? `the board paper (${rows} exceptions)`
          : kind === 'cqc-return'
            ? `the CQC return (${rows} rows)`
            : `${rows} ${kind}`;
      process.stdout.write(`Wrote ${what} to ${options.out}.\n`);
    });
}
