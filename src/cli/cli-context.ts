import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { EVERY_TRUST } from '../auth/trust-access';
import { RequestContext } from '../common/request-context';
import { loadConfig } from '../config/configuration';
import { dataSourceOptions } from '../database/data-source-options';
import { openDataSource } from '../database/open-data-source';
import { Transactions } from '../database/transactions';

export interface CliContext {
  dataSource: DataSource;
  transactions: Transactions;
  audit: AuditService;
}

/**
 * Opens the same database the app would (SQLITE_PATH or DATABASE_URL), migrates it, runs the
 * work as the command line (its audit events have no actor, and it holds every trust), and closes it.
 */
export async function withDatabase<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  const dataSource = await openDataSource(dataSourceOptions(loadConfig()), { migrate: true });
  try {
    // The command line is the operator: it declares every trust, explicitly.
    return await RequestContext.runAs(
      undefined,
      () =>
        work({ dataSource, transactions: new Transactions(dataSource), audit: new AuditService() }),
      EVERY_TRUST,
    );
  } finally {
    await dataSource.destroy();
  }
}

/** Reads all of standard input (for a password piped in, never typed on the command line). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
