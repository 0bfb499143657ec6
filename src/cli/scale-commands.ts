import { Command, InvalidArgumentError } from 'commander';
import { isIsoDate, todayDate } from '../common/dates';
import { findHistoryProblems, findRevisionProblems } from '../scale/history-consistency';
import { findCurrentFactProblems } from '../delivery/current-facts-check';
import { DataSource } from 'typeorm';
import { generateSyntheticData, SYNTHETIC_ADMIN_EMAIL } from '../scale/synthetic-data';
import { DEMO_PASSWORD } from '../demo/demo-loader';
import path from 'node:path';
import { loadConfig } from '../config/configuration';
import { backupSqlite, BackupCheck, restoreSqlite } from '../scale/sqlite-backup';
import { withDatabase } from './cli-context';

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

function isoDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('must be a date as YYYY-MM-DD');
  return value;
}

export function registerScaleCommands(program: Command): void {
  program
    .command('generate')
    .description(
      'Empty the database and generate a deterministic synthetic data set (for benchmarks and load tests)',
    )
    .requiredOption('--trusts <n>', 'how many trusts', wholeNumber(1, 10_000))
    .requiredOption('--actions <n>', 'how many actions in all', wholeNumber(1, 10_000_000))
    .option(
      '--seed <n>',
      'the random seed: the same seed gives the same data',
      wholeNumber(0, 2 ** 32 - 1),
      1,
    )
    .option('--today <date>', 'date the data set from this day instead of today', isoDate)
    .action(async (options: { trusts: number; actions: number; seed: number; today?: string }) => {
      const started = Date.now();
      const summary = await withDatabase(({ dataSource }) =>
        generateSyntheticData(dataSource, {
          ...options,
          today: options.today ?? todayDate(),
          onTrust: (done, total) => {
            if (process.stderr.isTTY) process.stderr.write(`\rTrusts generated: ${done}/${total}`);
          },
        }),
      );
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(
        `Generated ${summary.trusts} trusts, ${summary.coreServices} core services, ${summary.findings} findings, ` +
          `${summary.actions} actions, ${summary.progressUpdates} progress updates, ${summary.dueDateChanges} due-date changes, ` +
          `${summary.evidence} evidence items and ${summary.users} users in ${((Date.now() - started) / 1000).toFixed(1)} s.\n` +
          `Sign in as ${SYNTHETIC_ADMIN_EMAIL} with the demo password "${DEMO_PASSWORD}".\n`,
      );
    });

  program
    .command('verify')
    .description(
      "Check that every action's stored state (and the facts it keeps as at now) is the end of its own history, and that every historised row's latest revision (and every link's history) equals the live data; repairs nothing",
    )
    .action(async () => {
      const [problems, revisions, facts, actions] = await withDatabase(
        async ({ dataSource }) =>
          [
            await findHistoryProblems(dataSource),
            await findRevisionProblems(dataSource),
            await findCurrentFactProblems(dataSource),
            await countActions(dataSource),
          ] as const,
      );
      for (const { actionId, problem } of problems) {
        process.stdout.write(`action ${actionId}: ${problem}\n`);
      }
      for (const { table, id, problem } of revisions) {
        process.stdout.write(`${table} ${id}: ${problem}\n`);
      }
      for (const { actionId, column, kept, derived } of facts) {
        process.stdout.write(
          `action ${actionId}: kept ${column} ${kept} but its history gives ${derived}\n`,
        );
      }
      const count = problems.length + revisions.length + facts.length;
      if (count) throw new Error(`${count} history problem(s) found`);
      process.stdout.write(
        `Every action matches its history; every revision matches its row; the facts kept on all ${actions} actions match their history.\n`,
      );
    });

  program
    .command('backup <file>')
    .description(
      'Copy the live SQLite database to a new file while the app runs (SQLite online backup)',
    )
    .action(async (file: string) => {
      const config = sqliteOnly('backup');
      const started = Date.now();
      const check = await backupSqlite(config.sqlitePath, file);
      process.stdout.write(
        `Backed up ${config.sqlitePath} to ${file}: ${describe(check)} in ${seconds(started)}.\n`,
      );
    });

  program
    .command('restore <file>')
    .description(
      'Replace the SQLite database with a backup, after checking it (stop the app first; the replaced database is kept beside it)',
    )
    .action(async (file: string) => {
      const config = sqliteOnly('restore');
      const keepAs = `${config.sqlitePath}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const started = Date.now();
      const check = await restoreSqlite(file, config.sqlitePath, keepAs);
      process.stdout.write(
        `Restored ${config.sqlitePath} from ${file}: ${describe(check)} in ${seconds(started)}. ` +
          (check.kept ? `The database it replaced is kept at ${check.kept}. ` : '') +
          'Start the app to apply any newer migrations.\n',
      );
    });
}

function sqliteOnly(command: string) {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      `${command} copies the SQLite database; on PostgreSQL use pg_dump and pg_restore (docs/operations.md)`,
    );
  }
  if (config.sqlitePath === ':memory:')
    throw new Error(`An in-memory database has nothing to ${command}`);
  return { ...config, sqlitePath: path.resolve(config.sqlitePath) };
}

function describe(check: BackupCheck): string {
  return `${check.actions} actions, ${check.auditEvents} audit events, ${(check.bytes / 1e6).toFixed(1)} MB, integrity ok`;
}

function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

async function countActions(dataSource: DataSource): Promise<number> {
  const [{ n }] = await dataSource.query<{ n: number | string }[]>(
    'SELECT COUNT(*) AS n FROM action',
  );
  return Number(n);
}
