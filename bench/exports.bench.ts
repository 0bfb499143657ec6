/**
 * Export benchmarks: the flat actions export (CSV and XLSX) of 1,000 and of 100,000 actions,
 * each in its own process so its peak memory is its own, next to a baseline in the same run:
 * the same action rows written as CSV straight from the sqlite3 driver's row-by-row cursor.
 *
 *   npm run bench
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { ActionFactsRepository } from '../src/actions/action-facts.repository';
import { Action } from '../src/actions/action.entity';
import { ActionsService } from '../src/actions/actions.service';
import { DueDateChange } from '../src/actions/due-date-change.entity';
import { ProgressUpdate } from '../src/actions/progress-update.entity';
import { AuditService } from '../src/audit/audit.service';
import { addDays, todayDate } from '../src/common/dates';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Transactions } from '../src/database/transactions';
import { Finding } from '../src/findings/finding.entity';
import { FindingsService } from '../src/findings/findings.service';
import { ExportFormat, FlatExportService } from '../src/reports/flat-export.service';

const RESULTS = path.join(__dirname, '../../bench/results');

interface Measurement {
  name: string;
  ms: number;
  maxRssMb: number;
  rows: number;
}

/** A database holding `count` actions with two progress updates each, made with bulk SQL. */
async function generate(file: string, count: number): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions({ sqlitePath: file }));
  await dataSource.initialize();
  await dataSource.runMigrations();
  const now = new Date().toISOString();
  const today = todayDate();
  await dataSource.transaction(async (m) => {
    await m.query(
      "INSERT INTO app_user (name, email, role, active, created_at, updated_at) VALUES ('Owner', 'owner@example.nhs.uk', 'owner', 1, ?, ?)",
      [now, now],
    );
    await m.query(
      "INSERT INTO organisation (name, kind, created_at, updated_at) VALUES ('Bench NHS Trust', 'community', ?, ?)",
      [now, now],
    );
    await m.query(
      "INSERT INTO core_service (organisation_id, name, custom, reinspection_date, reinspection_confirmed, created_at, updated_at) VALUES (1, 'Urgent care', 0, ?, 0, ?, ?)",
      [addDays(today, 60), now, now],
    );
    const findings = Math.ceil(count / 10);
    for (let start = 1; start <= findings; start += 500) {
      const ids = Array.from({ length: Math.min(500, findings - start + 1) }, (_, i) => start + i);
      await m.query(
        `INSERT INTO finding (organisation_id, core_service_id, type, regulations, text, source, version, created_at, updated_at) VALUES ${ids.map(() => "(1, 1, 'MUST', '[]', ?, 'manual', 1, ?, ?)").join(',')}`,
        ids.flatMap((id) => [`The trust must fix problem ${id}.`, now, now]),
      );
    }
    for (let start = 1; start <= count; start += 300) {
      const ids = Array.from({ length: Math.min(300, count - start + 1) }, (_, i) => start + i);
      const created = new Date(Date.now() - 90 * 86400000).toISOString();
      await m.query(
        `INSERT INTO action (organisation_id, reference, title, owner_id, due_date, original_due_date, progress, status, version, created_at, updated_at) VALUES ${ids.map(() => "(1, ?, ?, 1, ?, ?, ?, 'IN_PROGRESS', 3, ?, ?)").join(',')}`,
        ids.flatMap((id) => {
          const due = addDays(today, (id % 180) - 30);
          return [
            `A${id}`,
            `Action number ${id} of the bench plan`,
            due,
            due,
            id % 100,
            created,
            now,
          ];
        }),
      );
      await m.query(
        `INSERT INTO action_finding (action_id, finding_id) VALUES ${ids.map(() => '(?, ?)').join(',')}`,
        ids.flatMap((id) => [id, Math.ceil(id / 10)]),
      );
      await m.query(
        `INSERT INTO progress_update (action_id, author_id, created_at, note, progress, status_to, off_track) VALUES ${ids
          .map(() => "(?, 1, ?, 'Started', 10, 'IN_PROGRESS', 0), (?, 1, ?, 'Moving', ?, NULL, ?)")
          .join(',')}`,
        ids.flatMap((id) => [
          id,
          new Date(Date.now() - 60 * 86400000).toISOString(),
          id,
          new Date(Date.now() - (id % 40) * 86400000).toISOString(),
          id % 100,
          id % 17 === 0 ? 1 : 0,
        ]),
      );
    }
  });
  await dataSource.destroy();
}

async function exportCase(file: string, format: ExportFormat): Promise<Measurement> {
  const dataSource = new DataSource(dataSourceOptions({ sqlitePath: file }));
  await dataSource.initialize();
  const transactions = new Transactions(dataSource);
  const audit = new AuditService();
  const actions = new ActionsService(
    dataSource.getRepository(Action),
    dataSource.getRepository(ProgressUpdate),
    dataSource.getRepository(DueDateChange),
    new ActionFactsRepository(dataSource),
    transactions,
    audit,
  );
  const service = new FlatExportService(
    dataSource,
    actions,
    new FindingsService(dataSource.getRepository(Finding), transactions, audit),
  );
  const out = fs.createWriteStream(`${file}.${format}`);
  const started = process.hrtime.bigint();
  const rows = await service.actionsTo(out, format, {});
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await dataSource.destroy();
  return {
    name: `export ${format}`,
    ms,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rows,
  };
}

/** Baseline: the action rows as CSV straight off the driver's cursor, no derived state. */
async function baselineCase(file: string): Promise<Measurement> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  const db = new sqlite3.Database(file);
  const out = fs.createWriteStream(`${file}.baseline.csv`);
  const started = process.hrtime.bigint();
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    db.each(
      'SELECT id, reference, title, due_date, original_due_date, progress, status FROM action ORDER BY id',
      (error: Error | null, row: Record<string, unknown>) => {
        if (error) return reject(error);
        rows++;
        out.write(
          `${Object.values(row)
            .map((v) => `"${String(v).replace(/"/g, '""')}"`)
            .join(',')}\n`,
        );
      },
      (error: Error | null) => (error ? reject(error) : resolve()),
    );
  });
  await new Promise((resolve) => out.end(resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  db.close();
  return {
    name: 'baseline: driver cursor to CSV',
    ms,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rows,
  };
}

async function main(): Promise<void> {
  const [mode, file, format] = process.argv.slice(2);
  if (mode === 'generate') return generate(file, Number(format));
  if (mode === 'export')
    return void process.stdout.write(
      JSON.stringify(await exportCase(file, format as ExportFormat)),
    );
  if (mode === 'baseline')
    return void process.stdout.write(JSON.stringify(await baselineCase(file)));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-bench-'));
  const child = (...args: string[]) =>
    execFileSync(process.execPath, [__filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const results = [];
  for (const count of [1_000, 100_000]) {
    const file = path.join(dir, `actions-${count}.sqlite`);
    child('generate', file, String(count));
    const baseline = JSON.parse(child('baseline', file)) as Measurement;
    for (const format of ['csv', 'xlsx']) {
      const measured = JSON.parse(child('export', file, format)) as Measurement;
      results.push({
        case: `${measured.name}, ${count.toLocaleString('en-GB')} actions`,
        rows: measured.rows,
        ms: Math.round(measured.ms),
        baselineMs: Math.round(baseline.ms),
        ratio: +(measured.ms / baseline.ms).toFixed(1),
        maxRssMb: measured.maxRssMb,
        baselineMaxRssMb: baseline.maxRssMb,
      });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS, 'exports.json'),
    JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2),
  );
  console.table(results);
}

void main();
