import { Command } from 'commander';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../config/configuration';
import { CqcApiError } from '../cqc-api/cqc-api.client';
import { cqcClientFactory } from '../cqc-api/cqc-api.module';
import { CqcWatcher, WatchSummary } from '../cqc-api/cqc-watcher';
import { withDatabase } from './cli-context';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function describe(summary: WatchSummary): string {
  const lines = [
    `CQC changes ${summary.from} to ${summary.to}: ${count(summary.trusts, 'trust')} watched, ` +
      `${count(summary.changedProviders, 'provider')} and ${count(summary.changedLocations, 'location')} changed nationally, ` +
      `${count(summary.recordsRead, 'record')} of held trusts read, ${count(summary.created, 'new inbox item')} ` +
      `(${count(summary.requests, 'request')}).`,
    ...summary.problems.map((problem) => `  Skipped: ${problem}`),
  ];
  if (summary.trusts === 0) {
    lines.push('  No trust has a CQC provider id: set one (e.g. RT5) on each trust to watch it.');
  }
  return lines.join('\n');
}

export function registerCqcCommands(program: Command): void {
  const command = program.command('cqc').description("CQC's own data (its public API)");

  command
    .command('watch')
    .description(
      "Poll CQC's changes feed since the last poll and put new reports, rating changes and expected reports in the trusts' inboxes (nothing is imported)",
    )
    .option('--every <minutes>', 'keep polling, this many minutes apart (stop with Ctrl-C)')
    .action(async (options: { every?: string }) => {
      const every = options.every === undefined ? undefined : Number(options.every);
      if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
        throw new Error('--every must be a whole number of minutes, 1 or more');
      }
      const config = loadConfig();
      await withDatabase(async ({ dataSource, transactions, audit }) => {
        const watcher = new CqcWatcher(dataSource, transactions, audit, cqcClientFactory(config));
        if (every === undefined) {
          process.stdout.write(`${describe(await watcher.watchOnce())}\n`);
          return;
        }
        for (;;) {
          try {
            process.stdout.write(`${describe(await watcher.watchOnce())}\n`);
          } catch (error) {
            // A bad or missing key will not mend itself; anything else is tried again next time.
            if (error instanceof CqcApiError && error.kind.startsWith('KEY_')) throw error;
            process.stderr.write(`CQC watch failed, will try again: ${(error as Error).message}\n`);
          }
          await delay(every * 60_000);
        }
      });
    });
}
