import 'reflect-metadata';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from './config/configuration';
import { dataSourceOptions } from './database/data-source-options';
import { resetToDemoData } from './demo/demo-loader';

/**
 * The command line: `npm run cli -- <command>`. Each command opens the same database the app
 * would (SQLITE_PATH or DATABASE_URL), migrates it, does its work and exits non-zero with a
 * plain message on failure.
 */
async function withDatabase<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource(dataSourceOptions(loadConfig()));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const program = new Command()
  .name('cqc-tracker')
  .description('CQC Action Tracker command line')
  .showHelpAfterError();

program
  .command('seed')
  .description('Empty the database and load the demo data set (dates relative to today)')
  .action(async () => {
    const summary = await withDatabase(resetToDemoData);
    process.stdout.write(
      `Database reset to the demo data: ${summary.organisations} trusts, ${summary.findings} findings, ` +
        `${summary.actions} actions, ${summary.users} users.\n`,
    );
  });

program
  .command('migrate')
  .description('Apply any pending database migrations')
  .action(async () => {
    await withDatabase(() => Promise.resolve());
    process.stdout.write('Database is up to date.\n');
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
});
