/**
 * Import benchmarks: the report parser on a 5 MB report, and a 4,000-row spreadsheet plan (under the 5,000-row import limit)
 * imported into a fresh SQLite database; each next to a baseline measured in the same run,
 * and each in its own process so its peak memory (max RSS) is its own.
 *
 *   npm run bench            (builds, then runs every case)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { RequestContext } from '../src/common/request-context';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Transactions } from '../src/database/transactions';
import { Finding } from '../src/findings/finding.entity';
import { FindingsService } from '../src/findings/findings.service';
import { ImportsService } from '../src/imports/imports.service';
import { ParserPool } from '../src/imports/parser-pool';
import { PlanImportService } from '../src/imports/plan-import.service';
import { parseReport } from '../src/imports/report-parser';
import { Organisation } from '../src/organisations/organisation.entity';
import { User } from '../src/users/user.entity';

const FIXTURE = path.join(__dirname, '../../test/fixtures/report-community-trust.txt');
const RESULTS = path.join(__dirname, '../../bench/results');

interface Measurement {
  name: string;
  ms: number;
  maxRssMb: number;
  detail: string;
}

function maxRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** A report of about `bytes`: the fixture's pages repeated under different core services. */
function bigReport(bytes: number): string {
  const pages = fs.readFileSync(FIXTURE, 'utf8').split('\f');
  const services = [
    'Community health inpatient services',
    'Community health services for adults',
    'Community end of life care',
    'Urgent care',
  ];
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const page = pages[1 + (i % (pages.length - 1))].replace(
      'Community health inpatient services',
      services[i % services.length],
    );
    out.push(page);
    size += page.length;
  }
  return [pages[0], ...out].join('\f');
}

function caseParse(): Promise<Measurement> {
  const text = bigReport(5 * 1024 * 1024);
  const started = process.hrtime.bigint();
  const parsed = parseReport(text.split('\f'));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return Promise.resolve({
    name: 'parse a 5 MB report',
    ms,
    maxRssMb: maxRssMb(),
    detail: `${parsed.findings.length} findings, ${(text.length / 1048576).toFixed(1)} MB`,
  });
}

/** Baseline: one pass over the same text, splitting lines and testing each against one regex. */
function caseParseBaseline(): Promise<Measurement> {
  const text = bigReport(5 * 1024 * 1024);
  const started = process.hrtime.bigint();
  let bullets = 0;
  for (const line of text.split(/\r?\n/)) if (/^\s*[•\-*]\s+/.test(line.trim())) bullets++;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return Promise.resolve({
    name: 'baseline: split and scan the same text',
    ms,
    maxRssMb: maxRssMb(),
    detail: `${bullets} bullet lines`,
  });
}

async function planWorkbook(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Plan');
  sheet.addRow([
    'Ref',
    'Core service',
    'Key question',
    'Regulation',
    'Finding',
    'Action',
    'Owner',
    'Executive lead',
    'Due date',
    'Progress',
    'BRAG',
  ]);
  for (let i = 1; i <= rows; i++) {
    sheet.addRow([
      `P${i}`,
      i % 2 ? 'Community health inpatient services' : 'Urgent care',
      'Safe',
      '12(2)(a)',
      `The trust must fix problem ${i}.`,
      `Action ${i}`,
      'bench.owner@example.nhs.uk',
      'Bench Lead',
      '31/03/2027',
      `${i % 100}% done`,
      'Amber',
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function freshDatabase(): Promise<{
  dataSource: DataSource;
  dir: string;
  organisationId: number;
  userId: number;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const dataSource = new DataSource(
    dataSourceOptions({ sqlitePath: path.join(dir, 'bench.sqlite') }),
  );
  await dataSource.initialize();
  await dataSource.runMigrations();
  const now = new Date().toISOString();
  const organisation = await dataSource.getRepository(Organisation).save({
    name: 'Bench NHS Trust',
    odsCode: null,
    cqcProviderId: null,
    kind: 'community',
    createdAt: now,
    updatedAt: now,
  });
  const user = await dataSource.getRepository(User).save({
    name: 'Bench Owner',
    email: 'bench.owner@example.nhs.uk',
    role: 'quality_lead',
    active: true,
    passwordHash: null,
    createdAt: now,
    updatedAt: now,
  });
  await dataSource.getRepository(User).save({
    name: 'Bench Lead',
    email: 'bench.lead@example.nhs.uk',
    role: 'executive',
    active: true,
    passwordHash: null,
    createdAt: now,
    updatedAt: now,
  });
  return { dataSource, dir, organisationId: organisation.id, userId: user.id };
}

async function casePlan(): Promise<Measurement> {
  const file = await planWorkbook(4_000);
  const { dataSource, dir, organisationId, userId } = await freshDatabase();
  const transactions = new Transactions(dataSource);
  const audit = new AuditService();
  const imports = new ImportsService(
    dataSource,
    transactions,
    audit,
    new FindingsService(dataSource.getRepository(Finding), transactions, audit),
    new ParserPool(),
  );
  const plans = new PlanImportService(imports, audit);
  const started = process.hrtime.bigint();
  const result = await RequestContext.runAs(undefined, () =>
    plans.plan(
      { file: { buffer: file, originalname: 'plan.xlsx' } },
      { dryRun: false, organisationId, conflict: 'stop', createUsers: false, actorId: userId },
    ),
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const [{ n }] = await dataSource.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM action');
  await dataSource.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    name: 'import a 4,000-row XLSX plan',
    ms,
    maxRssMb: maxRssMb(),
    detail: `${result.counts.create} rows, ${n} actions stored`,
  };
}

/** Baseline: the same 4,000 findings and actions inserted directly with SQL in one transaction. */
async function casePlanBaseline(): Promise<Measurement> {
  const { dataSource, dir, organisationId } = await freshDatabase();
  const now = new Date().toISOString();
  const started = process.hrtime.bigint();
  await dataSource.transaction(async (manager) => {
    for (let i = 1; i <= 4_000; i++) {
      await manager.query(
        "INSERT INTO finding (organisation_id, type, regulations, text, source, version, created_at, updated_at) VALUES (?, 'MUST', '[]', ?, 'spreadsheet_import', 1, ?, ?)",
        [organisationId, `The trust must fix problem ${i}.`, now, now],
      );
      await manager.query(
        "INSERT INTO action (organisation_id, reference, title, due_date, original_due_date, progress, status, version, created_at, updated_at) VALUES (?, ?, ?, '2027-03-31', '2027-03-31', 0, 'NOT_STARTED', 1, ?, ?)",
        [organisationId, `P${i}`, `Action ${i}`, now, now],
      );
    }
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await dataSource.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    name: 'baseline: insert the same rows with bare SQL',
    ms,
    maxRssMb: maxRssMb(),
    detail: '4000 findings and actions',
  };
}

const CASES: Record<string, () => Promise<Measurement>> = {
  parse: caseParse,
  parseBaseline: caseParseBaseline,
  plan: casePlan,
  planBaseline: casePlanBaseline,
};

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only) {
    process.stdout.write(JSON.stringify(await CASES[only]()));
    return;
  }
  const run = (name: string): Measurement =>
    JSON.parse(
      execFileSync(process.execPath, [__filename, name], { encoding: 'utf8', maxBuffer: 1 << 20 }),
    ) as Measurement;
  const results = {
    parse: run('parse'),
    parseBaseline: run('parseBaseline'),
    plan: run('plan'),
    planBaseline: run('planBaseline'),
  };
  const rows = [
    [results.parse, results.parseBaseline],
    [results.plan, results.planBaseline],
  ].map(([measured, baseline]) => ({
    case: measured.name,
    ms: Math.round(measured.ms),
    baselineMs: Math.round(baseline.ms),
    ratio: +(measured.ms / baseline.ms).toFixed(1),
    maxRssMb: measured.maxRssMb,
    baselineMaxRssMb: baseline.maxRssMb,
    detail: measured.detail,
  }));
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS, 'imports.json'),
    JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2),
  );
  console.table(rows);
}

void main();
