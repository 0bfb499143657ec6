/**
 * The XLSX export's baseline in `npm run bench`: the same rows as the app's export of every
 * action (the app's own export statement, batch by batch, through the bare driver), written by
 * ExcelJS's streaming WorkbookWriter as plain values: one row per action, the same 26 columns,
 * no styles, no sizing, no mapping beyond the row itself. Run as its own process so its peak
 * RSS is its own; it prints its rows and its time from start-up done to the file written.
 *
 *   SQLITE_PATH=... or DATABASE_URL=...  node dist/bench/bare-xlsx.js OUT.xlsx
 */
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import { DataSource } from 'typeorm';
import { ListActionsQueryDto } from '../src/actions/dto/action-read.dto';
import { EVERY_TRUST } from '../src/auth/trust-access';
import { todayDate } from '../src/common/dates';
import { RequestContext } from '../src/common/request-context';
import { dataSourceOptions } from '../src/database/data-source-options';
import { BareFactsRepository, openBareDriver } from './bare-driver';

const BATCH = 2000;
const COLUMNS = [
  'id',
  'reference',
  'title',
  'core_service_names',
  'finding_references',
  'finding_regulations',
  'key_questions',
  'owner_name',
  'executive_lead_name',
  'start_date',
  'due_at',
  'original_due_date',
  'progress_at',
  'status_at',
  'delivery_status',
  'off_track_at',
  'last_activity_at',
  'reinspection_at',
  'latest_note',
  'latest_update_at',
  'evidence_submitted',
  'evidence_accepted',
  'evidence_returned',
  'success_measure',
  'cancellation_reason',
  'assured_by_name',
];

async function main(): Promise<void> {
  // Timed from here, once the modules are loaded: the app's export is timed on a running server.
  const started = process.hrtime.bigint();
  const target = {
    sqlitePath: process.env.SQLITE_PATH ?? ':memory:',
    databaseUrl: process.env.DATABASE_URL || undefined,
  };
  const driver = openBareDriver(target);
  const facts = new BareFactsRepository(new DataSource(dataSourceOptions(target)), driver);
  const out = fs.createWriteStream(process.argv[2]);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Actions');
  sheet.addRow(COLUMNS).commit();
  const asOf = todayDate();
  let count = 0;
  await RequestContext.runAs(
    undefined,
    async () => {
      for (let afterId = 0; ;) {
        const batch = await facts.findExportBatchAfter(
          {} as ListActionsQueryDto,
          asOf,
          afterId,
          BATCH,
        );
        for (const row of batch) {
          const record = row as unknown as Record<string, unknown>;
          sheet.addRow(COLUMNS.map((c) => record[c] as ExcelJS.CellValue)).commit();
          count++;
        }
        if (batch.length < BATCH) return;
        afterId = Number(batch[batch.length - 1].id);
      }
    },
    EVERY_TRUST,
  );
  sheet.commit();
  await workbook.commit();
  await driver.close();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`${JSON.stringify({ rows: count, ms })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
