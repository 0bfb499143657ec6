import { loadConfig } from '../config/configuration';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import fs from 'node:fs';
import path from 'node:path';
import { FindingsService } from '../findings/findings.service';
import { Finding } from '../findings/finding.entity';
import { RequestContext } from '../common/request-context';
import { ImportsService } from '../imports/imports.service';
import { ParserPool } from '../imports/parser-pool';
import { CONFLICT_MODES, ConflictMode, PlanImportService } from '../imports/plan-import.service';
import { User } from '../users/user.entity';
import { CliContext, withDatabase } from './cli-context';

interface ImportCommandOptions {
  dryRun?: boolean;
  organisationId?: string;
  as?: string;
  conflict?: string;
  createUsers?: boolean;
  skipInvalidRows?: boolean;
  sheet?: string;
}

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function readFile(file: string): { buffer: Buffer; originalname: string } {
  if (!fs.existsSync(file)) throw new Error(`No file at ${file}`);
  return { buffer: fs.readFileSync(file), originalname: path.basename(file) };
}

/** The importing user, if named: the audit trail and the plan's progress notes record them. */
async function actorFor(context: CliContext, email: string | undefined): Promise<User | undefined> {
  if (!email) return undefined;
  const user = await context.dataSource
    .getRepository(User)
    .findOneBy({ email: email.trim().toLowerCase() });
  if (!user || !user.active) throw new Error(`No active user has the email ${email}`);
  const state = RequestContext.current();
  if (state) state.user = user;
  return user;
}

/**
 * One pool for every command this process runs (its workers start once). Idle parser workers
 * never keep the process alive, so a command ends when it is done.
 */
const parsers = new ParserPool();

function services(context: CliContext) {
  const findings = new FindingsService(
    context.dataSource.getRepository(Finding),
    context.transactions,
    context.audit,
    loadConfig(),
  );
  const imports = new ImportsService(
    context.dataSource,
    context.transactions,
    context.audit,
    findings,
    parsers,
  );
  return { imports, plans: new PlanImportService(imports, context.audit) };
}

function organisationIdOf(options: ImportCommandOptions): number | undefined {
  if (options.organisationId === undefined) return undefined;
  const id = Number(options.organisationId);
  if (!Number.isInteger(id) || id < 1) throw new Error('--organisation-id must be a whole number');
  return id;
}

export function registerImportCommands(program: Command): void {
  const command = program
    .command('import')
    .description(
      'Import findings from a CQC report, CQC API JSON, or an existing spreadsheet plan',
    );

  command
    .command('report <file>')
    .description('A CQC inspection report as a .txt or .pdf')
    .option('--dry-run', 'show what would be imported; store nothing')
    .option(
      '--organisation-id <id>',
      'the organisation it is for (otherwise found by name, or created)',
    )
    .option('--as <email>', 'the user doing the import')
    .action(async (file: string, options: ImportCommandOptions) => {
      const result = await withDatabase(async (context) => {
        const actor = await actorFor(context, options.as);
        return services(context).imports.report(
          { file: readFile(file) },
          {
            dryRun: !!options.dryRun,
            organisationId: organisationIdOf(options),
            actorId: actor?.id ?? null,
          },
        );
      });
      for (const f of result.findings) {
        out(
          `${f.status === 'new' ? '+' : '='} ${f.reference.padEnd(5)} ${(f.type ?? '').padEnd(14)} ${f.coreService ?? 'Trust-wide'}: ${f.text.slice(0, 90)}`,
        );
      }
      for (const w of result.warnings) out(`! line ${w.line ?? '?'}: ${w.message}`);
      out(
        `${result.dryRun ? 'Dry run, nothing stored' : `Imported (import ${result.importId})`}: ${result.organisation.name ?? 'no NHS trust named (give --organisation-id to import it)'}; ` +
          `${result.created.findings} new findings of ${result.findings.length}, ${result.created.ratings} new ratings, ` +
          `${result.created.coreServices} new core services, ${result.warnings.length} warnings.`,
      );
    });

  command
    .command('cqc-json <file>')
    .description("A provider or location record from CQC's API")
    .option('--dry-run', 'show what would be imported; store nothing')
    .option(
      '--organisation-id <id>',
      'the organisation it is for (otherwise found by CQC id or name, or created)',
    )
    .option('--as <email>', 'the user doing the import')
    .action(async (file: string, options: ImportCommandOptions) => {
      const result = await withDatabase(async (context) => {
        const actor = await actorFor(context, options.as);
        return services(context).imports.cqcJson(
          { file: readFile(file) },
          {
            dryRun: !!options.dryRun,
            organisationId: organisationIdOf(options),
            actorId: actor?.id ?? null,
          },
        );
      });
      for (const w of result.warnings) out(`! ${w.message}`);
      out(
        `${result.dryRun ? 'Dry run, nothing stored' : `Imported (import ${result.importId})`}: ${result.organisation.name}; ` +
          `${result.created.coreServices} new core services, ${result.created.ratings} new ratings, ` +
          `${result.created.findings} new RATING findings, ${result.warnings.length} warnings.`,
      );
    });

  command
    .command('plan <file>')
    .description('An existing action plan as XLSX or CSV')
    .requiredOption('--organisation-id <id>', 'the organisation the plan belongs to')
    .requiredOption('--as <email>', 'the user doing the import (recorded on progress notes)')
    .option(
      '--conflict <mode>',
      `when a reference already exists: ${CONFLICT_MODES.join(' | ')}`,
      'stop',
    )
    .option('--create-users', 'create users for owners and leads who are not users yet')
    .option(
      '--skip-invalid-rows',
      'import the rows without problems and skip the others (recorded with the import)',
    )
    .option('--sheet <name>', 'the sheet to read (otherwise the one that looks most like a plan)')
    .option('--dry-run', 'show what would be imported; store nothing')
    .action(async (file: string, options: ImportCommandOptions) => {
      if (!(CONFLICT_MODES as readonly string[]).includes(options.conflict ?? '')) {
        throw new Error(`--conflict must be one of ${CONFLICT_MODES.join(', ')}`);
      }
      const bar = new SingleBar(
        {
          format: 'Importing |{bar}| {value}/{total} rows',
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      let started = false;
      try {
        const result = await withDatabase(async (context) => {
          const actor = (await actorFor(context, options.as))!;
          return services(context).plans.plan(
            { file: readFile(file) },
            {
              dryRun: !!options.dryRun,
              organisationId: organisationIdOf(options)!,
              conflict: options.conflict as ConflictMode,
              createUsers: !!options.createUsers,
              skipInvalidRows: !!options.skipInvalidRows,
              sheet: options.sheet,
              actorId: actor.id,
              onProgress: (done, total) => {
                if (!started) bar.start(total, 0);
                started = true;
                bar.update(done);
              },
            },
          );
        });
        if (started) bar.stop();
        for (const row of result.rows.filter((r) => r.problems.length))
          out(`! row ${row.row}: ${row.problems.join('; ')}`);
        const { create, update, skip, error } = result.counts;
        out(
          `${result.dryRun ? 'Dry run, nothing stored' : `Imported (import ${result.importId})`}: ${create} to create, ${update} to update, ` +
            `${skip} skipped, ${error} with problems${result.newUsers.length ? `; new users: ${result.newUsers.join(', ')}` : ''}.`,
        );
      } finally {
        if (started) bar.stop();
      }
    });
}
