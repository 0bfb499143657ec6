import { Command } from 'commander';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { Action } from '../actions/action.entity';
import { ActionFactsRepository } from '../actions/action-facts.repository';
import { ActionsService } from '../actions/actions.service';
import { DueDateChange } from '../actions/due-date-change.entity';
import { ProgressUpdate } from '../actions/progress-update.entity';
import { isIsoDate } from '../common/dates';
import { Finding } from '../findings/finding.entity';
import { FindingsService } from '../findings/findings.service';
import { EXPORT_FORMATS, ExportFormat, FlatExportService } from '../reports/flat-export.service';
import { withDatabase } from './cli-context';

interface ReportOptions {
  format: string;
  out: string;
  asOf?: string;
  organisationId?: string;
}

/** `npm run cli -- report actions|findings --format csv|xlsx --out file [--as-of] [--organisation-id]` */
export function registerReportCommands(program: Command): void {
  program
    .command('report <kind>')
    .description(
      'Write a report: actions or findings, as CSV or XLSX (the board report and others are still to come)',
    )
    .requiredOption('--out <file>', 'file to write')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, 'csv')
    .option('--as-of <date>', 'state as at the end of this date (YYYY-MM-DD), for actions')
    .option('--organisation-id <id>', 'only this organisation')
    .action(async (kind: string, options: ReportOptions) => {
      if (!['actions', 'findings'].includes(kind))
        throw new Error(`Unknown report "${kind}": use actions or findings`);
      if (!(EXPORT_FORMATS as readonly string[]).includes(options.format))
        throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      if (options.asOf && !isIsoDate(options.asOf))
        throw new Error('--as-of must be a real date written YYYY-MM-DD');
      const organisationId =
        options.organisationId === undefined ? undefined : Number(options.organisationId);
      if (
        organisationId !== undefined &&
        (!Number.isInteger(organisationId) || organisationId < 1)
      ) {
        throw new Error('--organisation-id must be a whole number');
      }
      const rows = await withDatabase(async ({ dataSource, transactions, audit }) => {
        const actions = new ActionsService(
          dataSource.getRepository(Action),
          dataSource.getRepository(ProgressUpdate),
          dataSource.getRepository(DueDateChange),
          new ActionFactsRepository(dataSource),
          transactions,
          audit,
        );
        const exporter = new FlatExportService(
          dataSource,
          actions,
          new FindingsService(dataSource.getRepository(Finding), transactions, audit),
        );
        const out = fs.createWriteStream(options.out);
        const format = options.format as ExportFormat;
        const count =
          kind === 'actions'
            ? await exporter.actionsTo(out, format, { organisationId, asOf: options.asOf })
            : await exporter.findingsTo(out, format, { organisationId });
        if (!out.writableFinished) await finished(out);
        return count;
      });
      process.stdout.write(`Wrote ${rows} ${kind} to ${options.out}.\n`);
    });
}
