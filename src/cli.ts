import 'reflect-metadata';
import { Command } from 'commander';
import { registerAccountCommands } from './cli/account-commands';
import { withDatabase } from './cli/cli-context';
import { registerCqcCommands } from './cli/cqc-commands';
import { registerImportCommands } from './cli/import-commands';
import { registerReportCommands } from './cli/report-commands';
import { registerScaleCommands } from './cli/scale-commands';
import { AppError } from './common/app-error';
import { ConfigError } from './config/configuration';
import { DEMO_PASSWORD, resetToDemoData } from './demo/demo-loader';

/**
 * The command line: `npm run cli -- <command>`. Each command opens the same database the app
 * would (SQLITE_PATH or DATABASE_URL), migrates it, does its work and exits non-zero with a
 * plain message on failure.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('cqc-tracker')
    .description('CQC Action Tracker command line')
    .showHelpAfterError();

  program
    .command('seed')
    .description('Empty the database and load the demo data set (dates relative to today)')
    .action(async () => {
      const summary = await withDatabase(({ dataSource }) => resetToDemoData(dataSource));
      process.stdout.write(
        `Database reset to the demo data: ${summary.organisations} trusts, ${summary.findings} findings, ` +
          `${summary.actions} actions, ${summary.users} users (password "${DEMO_PASSWORD}").\n`,
      );
    });

  program
    .command('migrate')
    .description('Apply any pending database migrations')
    .action(async () => {
      await withDatabase(() => Promise.resolve());
      process.stdout.write('Database is up to date.\n');
    });

  registerAccountCommands(program);
  registerImportCommands(program);
  registerReportCommands(program);
  registerScaleCommands(program);
  registerCqcCommands(program);
  return program;
}

/** A message a person can act on: field problems listed, no stack trace. */
export function describeFailure(error: unknown): string {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  if (error instanceof AppError) {
    const problems = (error.errors ?? []).map((p) => `\n  ${p.field}: ${p.reason}`).join('');
    return `${error.message}${problems}`;
  }
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`Error: ${describeFailure(error)}\n`);
      process.exit(1);
    });
}
