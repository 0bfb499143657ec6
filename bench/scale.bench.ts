/**
 * Scale benchmark: the tracker on a synthetic data set (`cli generate`) against a baseline
 * measured in the same run.
 *
 * - A filtered, sorted page of 50 actions through the HTTP API, against the same SQL run by a
 *   bare Node.js server through the driver (bench/bare-server.ts): median and p95 of
 *   sequential requests, then requests per second with 50 connections (autocannon).
 * - A trust's readiness through the API, against its aggregate SQL run the same way.
 * - The flat CSV export of every action and a trust's board report XLSX, each from a freshly
 *   started server, against `sqlite3 -csv` (or `psql \copy`) writing the same rows with the
 *   export's own SQL: time and peak RSS (VmHWM) of each process.
 *
 * - The limit baseline (issue 19): the same answers (checked equal, id by id, in the run) from
 *   the bare driver over a table of current facts the bench builds with the best indexes
 *   (bench/limit-facts.ts): a trust's off-track page, its readiness, the page under 50
 *   connections; the list as at 30 days ago against today's; the trust's home page against
 *   the API answers it shows; the XLSX export against ExcelJS's bare streaming writer over
 *   the same rows (bench/bare-xlsx.ts); and the peak RSS of any export or import.
 *
 *   npm run bench                                 SQLite, 100,000 actions
 *   BENCH_DATABASE_URL=postgres://... npm run bench:postgres   PostgreSQL, 1,000,000 actions
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { ListActionsQueryDto } from '../src/actions/dto/action-read.dto';
import { AuditService } from '../src/audit/audit.service';
import { TokensService } from '../src/auth/tokens.service';
import { todayDate } from '../src/common/dates';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Transactions } from '../src/database/transactions';
import { generateSyntheticData, SYNTHETIC_ADMIN_EMAIL } from '../src/scale/synthetic-data';
import { User } from '../src/users/user.entity';
import ExcelJS from 'exceljs';
import { addDays } from '../src/common/dates';
import { BareFactsRepository } from './bare-driver';
import { buildLimitFacts, listItemKey, readinessCounts } from './limit-facts';
import { EVERY_TRUST } from '../src/auth/trust-access';
import { RequestContext } from '../src/common/request-context';

const RESULTS = path.join(__dirname, '../../bench/results');
/** At least 30 (issue 19); BENCH_RUNS overrides. */
const SEQUENTIAL_RUNS = Number(process.env.BENCH_RUNS ?? 50);
const LOAD_SECONDS = 10;

interface Target {
  engine: 'sqlite' | 'postgres';
  sqlitePath?: string;
  databaseUrl?: string;
}

interface Row {
  /** `framework`: the app against a bare server running the app's own SQL; `limit`: issue 19. */
  kind: 'framework' | 'limit';
  case: string;
  measure: string;
  app: number;
  baseline: number;
  ratio: number;
  target: string;
  met: boolean;
  /** For limit rows: whether the two answers were checked equal in this run. */
  sameAnswer?: boolean;
  baselineName?: string;
}

const envOf = (target: Target): NodeJS.ProcessEnv => ({
  ...process.env,
  DEMO_DATA: 'false',
  ...(target.databaseUrl
    ? { DATABASE_URL: target.databaseUrl }
    : { SQLITE_PATH: target.sqlitePath, DATABASE_URL: '' }),
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Peak RSS of a running process, in MB: the kernel's high-water mark. */
function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** Starts a server process and waits for its port: the app prints its URL, the bare one its port. */
async function startServer(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...args, script], {
    env: { ...env, PORT: String(port), BENCH_PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status < 500) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not start`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function sequential(url: string, headers: Record<string, string>) {
  const times: number[] = [];
  for (let run = 0; run < SEQUENTIAL_RUNS + 10; run++) {
    const started = process.hrtime.bigint();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    if (run >= 10) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

async function underLoad(url: string, headers: Record<string, string>) {
  // A request unanswered in 30 s counts as an error (a timeout), not an answer: the rate is of
  // answers. On a loaded machine a few time out; they are reported, not hidden.
  const result = await autocannon({
    url,
    headers,
    connections: 50,
    duration: LOAD_SECONDS,
    timeout: 30,
  });
  if (result.non2xx) throw new Error(`${url}: ${result.non2xx} non-2xx answers under load`);
  if (result.errors)
    process.stdout.write(`${url}: ${result.errors} requests timed out under load\n`);
  return { requestsPerSecond: result.requests.average, p97_5: result.latency.p97_5 };
}

/** Runs a command writing to a file, sampling its peak RSS until it exits. */
async function timedCommand(
  command: string,
  args: string[],
  stdoutFile?: string,
  env?: NodeJS.ProcessEnv,
) {
  const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', out, 'inherit'], env });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 5);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (typeof out === 'number') fs.closeSync(out);
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, peakRssMb: peak };
}

/**
 * Downloads an export from a freshly started app, so the peak RSS is that export's own. With
 * `repeat` > 1 (small reports), one warm-up request comes first and the time is the median of
 * the rest: a running server answers them warm.
 */
async function timedExport(
  target: Target,
  port: number,
  url: string,
  token: string,
  file: string,
  repeat: number,
) {
  const app = await startServer(
    'dist/src/main.js',
    ['--max-old-space-size=512'],
    envOf(target),
    port,
  );
  const before = peakRssMb(app.pid!);
  const times: number[] = [];
  for (let run = 0; run < (repeat > 1 ? repeat + 1 : 1); run++) {
    const started = process.hrtime.bigint();
    const response = await fetch(`http://127.0.0.1:${port}${url}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    await fs.promises.writeFile(file, Buffer.from(await response.arrayBuffer()));
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const peak = peakRssMb(app.pid!);
  await stop(app);
  return {
    ms: percentile(repeat > 1 ? times.slice(1) : times, 50),
    peakRssMb: peak,
    idleRssMb: before,
  };
}

/** The export's SQL for these filters, with its parameters written in, for the CLI tools. */
function exportSql(
  repo: BareFactsRepository,
  postgres: boolean,
  query: Partial<ListActionsQueryDto>,
) {
  let captured = { sql: '', params: {} as Record<string, unknown> };
  const recorder = Object.create(repo) as BareFactsRepository;
  recorder.run = <T>(sql: string, params: Record<string, unknown>) => {
    captured = { sql, params };
    return Promise.resolve([] as T[]);
  };
  // Every trust held, as the admin whose token downloads the export (otherwise the trust
  // scope is "1 = 0" and the baseline dumps nothing). The statement is built synchronously.
  void RequestContext.runAs(
    undefined,
    () => recorder.findExportBatchAfter(query as ListActionsQueryDto, todayDate(), 0, 1e9),
    EVERY_TRUST,
  );
  const literal = (value: unknown) =>
    typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  const sql = captured.sql.replace(/:(\.\.\.)?([A-Za-z]+)/g, (whole, spread, name: string) => {
    if (!(name in captured.params)) return whole;
    const value = captured.params[name];
    return Array.isArray(value) ? value.map(literal).join(', ') : literal(value);
  });
  return postgres ? sql.replace(/\s+/g, ' ') : sql;
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** Whether two answers agree on what `view` keeps of them; prints where they first differ. */
function sameAnswer<T>(name: string, app: T, limit: T, view: (answer: T) => unknown): boolean {
  const [a, b] = [JSON.stringify(view(app)), JSON.stringify(view(limit))];
  if (a === b) {
    process.stdout.write(`Same answer from the app and the baseline: ${name}.\n`);
    return true;
  }
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  process.stdout.write(
    `DIFFERENT answers for ${name} at character ${at}:\n  app:      ...${a.slice(Math.max(0, at - 80), at + 120)}\n  baseline: ...${b.slice(Math.max(0, at - 80), at + 120)}\n`,
  );
  return false;
}

/** The first column of a workbook's first sheet below its header: the action ids. */
async function firstColumn(file: string): Promise<string[]> {
  const ids: string[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'ignore',
    styles: 'ignore',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      if (row.number > 1) ids.push(JSON.stringify(row.getCell(1).value));
    }
    break;
  }
  return ids;
}

/** The import bench's cases, if it ran within the last two hours (npm run bench runs it first). */
function recentImports(): { case: string; maxRssMb: number }[] {
  try {
    const result = JSON.parse(fs.readFileSync(path.join(RESULTS, 'imports.json'), 'utf8')) as {
      at: string;
      rows: { case: string; maxRssMb: number }[];
    };
    return Date.now() - Date.parse(result.at) < 2 * 3600_000 ? result.rows : [];
  } catch {
    return [];
  }
}

async function prepare(target: Target, actions: number, trusts: number): Promise<DataSource> {
  const dataSource = new DataSource(
    dataSourceOptions({
      sqlitePath: target.sqlitePath ?? ':memory:',
      databaseUrl: target.databaseUrl,
    }),
  );
  await dataSource.initialize();
  await dataSource.runMigrations();
  const [marker] = await dataSource.query<{ changes: string }[]>(
    "SELECT changes FROM audit_event WHERE action = 'generate' ORDER BY id DESC LIMIT 1",
  );
  const wanted = JSON.stringify({ trusts, actions, seed: 1 });
  if (
    marker?.changes === wanted &&
    (await dataSource.query<unknown[]>('SELECT 1 FROM action LIMIT 1')).length
  ) {
    process.stdout.write(`Reusing the generated data set (${wanted}).\n`);
  } else {
    process.stdout.write(`Generating ${actions} actions in ${trusts} trusts...\n`);
    const started = Date.now();
    await generateSyntheticData(dataSource, { trusts, actions, seed: 1, today: todayDate() });
    process.stdout.write(`Generated in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
  }
  return dataSource;
}

async function main(): Promise<void> {
  const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
  const actions = Number(process.argv[3] ?? (engine === 'postgres' ? 1_000_000 : 100_000));
  const trusts = Math.max(1, Math.round(actions / 2000));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqc-scale-bench-'));
  const target: Target =
    engine === 'postgres'
      ? { engine, databaseUrl: process.env.BENCH_DATABASE_URL }
      : {
          engine,
          sqlitePath:
            process.env.BENCH_SQLITE_PATH ?? path.join(os.tmpdir(), `cqc-bench-${actions}.sqlite`),
        };
  if (engine === 'postgres' && !target.databaseUrl) throw new Error('Set BENCH_DATABASE_URL');

  const dataSource = await prepare(target, actions, trusts);
  // Generate (or check) the data set and stop: a PostgreSQL million takes minutes to generate.
  if (process.env.BENCH_PREPARE_ONLY) return void (await dataSource.destroy());
  const admin = await dataSource
    .getRepository(User)
    .findOneByOrFail({ email: SYNTHETIC_ADMIN_EMAIL });
  const { token } = await new TokensService(
    dataSource,
    new Transactions(dataSource),
    new AuditService(),
  ).create(admin, { name: `bench ${Date.now()}`, scope: 'admin' });
  const organisationId = Math.ceil(trusts / 2);
  // The limit baseline's table of current facts, rebuilt every run: the facts are as at today.
  const factsStarted = Date.now();
  await buildLimitFacts((sql) => dataSource.query(sql), todayDate());
  const factsSeconds = (Date.now() - factsStarted) / 1000;
  process.stdout.write(`Built bench_facts in ${factsSeconds.toFixed(1)} s.\n`);
  const repo = new BareFactsRepository(dataSource, {
    query: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  });
  await dataSource.destroy();
  const headers = { Authorization: `Bearer ${token}` };
  const rows: Row[] = [];
  const limitRows: Row[] = [];
  const addLimit = (
    name: string,
    measure: string,
    app: number,
    baseline: number,
    limit: number,
    baselineName: string,
    sameAnswer: boolean | undefined,
    ratio = app / baseline,
  ) => {
    limitRows.push({
      kind: 'limit',
      case: name,
      measure,
      app: +app.toFixed(1),
      baseline: +baseline.toFixed(1),
      ratio: +ratio.toFixed(2),
      target: `<= ${limit}x`,
      met: ratio <= limit && sameAnswer !== false,
      ...(sameAnswer === undefined ? {} : { sameAnswer }),
      baselineName,
    });
  };
  const add = (
    name: string,
    measure: string,
    app: number,
    baseline: number,
    limit: number,
    lowerIsBetter = true,
  ) => {
    const ratio = lowerIsBetter ? app / baseline : baseline / app;
    rows.push({
      kind: 'framework',
      case: name,
      measure,
      app: +app.toFixed(1),
      baseline: +baseline.toFixed(1),
      ratio: +ratio.toFixed(2),
      target: `within ${limit}x`,
      met: ratio <= limit,
    });
  };

  const appPort = 41_000 + Math.floor(Math.random() * 1000);
  const barePort = appPort + 1;
  const app = await startServer(
    'dist/src/main.js',
    ['--max-old-space-size=512'],
    envOf(target),
    appPort,
  );
  const bare = await startServer('dist/bench/bare-server.js', [], envOf(target), barePort);
  try {
    const list = `organisationId=${organisationId}&brag=RED&sort=dueDate&order=asc&limit=50`;
    const appList = `http://127.0.0.1:${appPort}/api/v1/actions?${list}`;
    const bareList = `http://127.0.0.1:${barePort}/actions?${list}`;
    const [a1, b1] = [await sequential(appList, headers), await sequential(bareList, {})];
    add('list: page of 50 (trust, RED, by due date)', 'median ms', a1.median, b1.median, 3);
    add('list: page of 50 (trust, RED, by due date)', 'p95 ms', a1.p95, b1.p95, 3);
    const [a2, b2] = [await underLoad(appList, headers), await underLoad(bareList, {})];
    add('list: 50 connections', 'requests/s', a2.requestsPerSecond, b2.requestsPerSecond, 3, false);
    add('list: 50 connections', 'p97.5 ms', a2.p97_5, b2.p97_5, 3);

    const appReadiness = `http://127.0.0.1:${appPort}/api/v1/readiness?organisationId=${organisationId}`;
    const bareReadiness = `http://127.0.0.1:${barePort}/readiness?organisationId=${organisationId}`;
    const [a3, b3] = [await sequential(appReadiness, headers), await sequential(bareReadiness, {})];
    add('readiness of one trust', 'median ms', a3.median, b3.median, 2);
    add('readiness of one trust', 'p95 ms', a3.p95, b3.p95, 2);

    // Issue 19: the limit baseline, answers checked equal first.
    const offTrack = `organisationId=${organisationId}&deliveryStatus=OFF_TRACK&sort=dueDate&order=asc&limit=50`;
    const appOffTrack = `http://127.0.0.1:${appPort}/api/v1/actions?${offTrack}`;
    const limitList = `http://127.0.0.1:${barePort}/limit/actions?organisationId=${organisationId}&limit=50`;
    const limitReadiness = `http://127.0.0.1:${barePort}/limit/readiness?organisationId=${organisationId}`;
    const sameList = sameAnswer(
      'off-track list',
      await getJson(appOffTrack, headers),
      await getJson(limitList, {}),
      (answer) => ({
        total: (answer as { total: number }).total,
        items: (answer as { items: Record<string, unknown>[] }).items.map(listItemKey),
      }),
    );
    const sameReadiness = sameAnswer(
      'readiness',
      await getJson(appReadiness, headers),
      await getJson(limitReadiness, {}),
      (answer) => readinessCounts(answer as Parameters<typeof readinessCounts>[0]),
    );
    const [a4, l4] = [await sequential(appOffTrack, headers), await sequential(limitList, {})];
    addLimit(
      'list page of 50 (trust, off track, by due date, with total, people and findings)',
      'median ms',
      a4.median,
      l4.median,
      3,
      'bare driver over bench_facts',
      sameList,
    );
    const l5 = await sequential(limitReadiness, {});
    addLimit(
      'readiness of one trust (per-service counts)',
      'median ms',
      a3.median,
      l5.median,
      3,
      'bare driver over bench_facts',
      sameReadiness,
    );
    const [a6, l6] = [await underLoad(appOffTrack, headers), await underLoad(limitList, {})];
    addLimit(
      'list page of 50 under 50 connections',
      'requests/s (limit / app)',
      a6.requestsPerSecond,
      l6.requestsPerSecond,
      2,
      'bare driver over bench_facts',
      sameList,
      l6.requestsPerSecond / a6.requestsPerSecond,
    );
    const monthAgo = addDays(todayDate(), -30);
    const a7 = await sequential(`${appOffTrack}&asOf=${monthAgo}`, headers);
    addLimit(
      `list page of 50 as at 30 days ago (asOf=${monthAgo})`,
      'median ms',
      a7.median,
      a4.median,
      5,
      "the app's list for today",
      undefined,
    );
    const appHome = `http://127.0.0.1:${appPort}/?organisationId=${organisationId}`;
    const a8 = await sequential(appHome, headers);
    addLimit(
      'trust home page (HTML)',
      'median ms',
      a8.median,
      a3.median + a4.median,
      2,
      "the app's API readiness + API list (medians added)",
      undefined,
    );
  } finally {
    await stop(app);
    await stop(bare);
  }

  const postgres = engine === 'postgres';
  // The CLI tools write the export's own SQL as CSV: psql's \copy, or sqlite3 -csv to a file.
  const baselineDump = (sql: string, file: string) =>
    postgres
      ? timedCommand('psql', [
          target.databaseUrl!,
          '-q',
          '-c',
          `\\copy (${sql}) TO '${file}' WITH CSV HEADER`,
        ])
      : timedCommand('sqlite3', ['-csv', '-header', target.sqlitePath!, sql], file);

  const exports: {
    case: string;
    ms: number;
    peakRssMb: number;
    baselineMs: number;
    baselinePeakRssMb: number;
    idleRssMb: number;
  }[] = [];
  const exportCase = async (
    name: string,
    url: string,
    query: Partial<ListActionsQueryDto>,
    limit: number,
    ext: string,
    repeat = 1,
  ) => {
    const sql = exportSql(repo, postgres, query);
    const baseRuns = [];
    for (let run = 0; run < repeat; run++) {
      baseRuns.push(await baselineDump(sql, path.join(dir, `baseline-${ext}.csv`)));
    }
    const base = {
      ms: percentile(
        baseRuns.map((b) => b.ms),
        50,
      ),
      peakRssMb: Math.max(...baseRuns.map((b) => b.peakRssMb)),
    };
    const measured = await timedExport(
      target,
      appPort,
      url,
      token,
      path.join(dir, `export.${ext}`),
      repeat,
    );
    add(name, 'seconds', measured.ms / 1000, base.ms / 1000, limit);
    rows.push({
      kind: 'framework',
      case: name,
      measure: 'peak RSS MB',
      app: measured.peakRssMb,
      baseline: base.peakRssMb,
      ratio: +(measured.peakRssMb / Math.max(1, base.peakRssMb)).toFixed(1),
      target: 'under 300 MB',
      met: measured.peakRssMb < 300,
    });
    exports.push({
      case: name,
      ms: Math.round(measured.ms),
      peakRssMb: measured.peakRssMb,
      idleRssMb: measured.idleRssMb,
      baselineMs: Math.round(base.ms),
      baselinePeakRssMb: base.peakRssMb,
    });
  };
  await exportCase(
    `CSV export of all ${actions.toLocaleString('en-GB')} actions`,
    '/api/v1/reports/actions?format=csv',
    {},
    3,
    'csv',
  );
  await exportCase(
    `XLSX export of all ${actions.toLocaleString('en-GB')} actions`,
    '/api/v1/reports/actions?format=xlsx',
    {},
    8,
    'xlsx',
  );
  await exportCase(
    'board report XLSX of one trust (median of 5, warm)',
    `/api/v1/reports/board?format=xlsx&organisationId=${organisationId}`,
    { organisationId },
    8,
    'board.xlsx',
    5,
  );
  // Issue 19: the XLSX export against ExcelJS's bare streaming writer over the same rows.
  const appXlsx = exports.find((e) => e.case.startsWith('XLSX export'))!;
  const bareXlsxFile = path.join(dir, 'bare.xlsx');
  const bareXlsxOut = path.join(dir, 'bare-xlsx.json');
  await timedCommand(
    process.execPath,
    ['dist/bench/bare-xlsx.js', bareXlsxFile],
    bareXlsxOut,
    envOf(target),
  );
  const bareXlsx = JSON.parse(fs.readFileSync(bareXlsxOut, 'utf8')) as { ms: number };
  const sameXlsx = sameAnswer(
    'XLSX export',
    await firstColumn(path.join(dir, 'export.xlsx')),
    await firstColumn(bareXlsxFile),
    (ids) => ids,
  );
  addLimit(
    `XLSX export of all ${actions.toLocaleString('en-GB')} actions`,
    'seconds',
    appXlsx.ms / 1000,
    bareXlsx.ms / 1000,
    2,
    'ExcelJS stream WorkbookWriter over the same rows, plain values (bench/bare-xlsx.ts)',
    sameXlsx,
  );
  const imports = recentImports();
  const peaks = [
    ...exports.map((e) => ({ case: e.case, peakRssMb: e.peakRssMb })),
    ...imports.map((i) => ({ case: i.case, peakRssMb: i.maxRssMb })),
  ];
  const peak = peaks.reduce((a, b) => (b.peakRssMb > a.peakRssMb ? b : a));
  limitRows.push({
    kind: 'limit',
    case: `peak RSS of any export${imports.length ? ' or import' : ''} (highest: ${peak.case})`,
    measure: 'MB',
    app: peak.peakRssMb,
    baseline: 200,
    ratio: +(peak.peakRssMb / 200).toFixed(2),
    target: '< 200 MB',
    met: peak.peakRssMb < 200,
    baselineName: imports.length
      ? 'the exports here and the import bench of this run (imports.json)'
      : 'the exports here (no recent imports.json)',
  });

  // A reference, not a target: the bare action table dumped by the CLI tool.
  const plain = await baselineDump('SELECT * FROM action', path.join(dir, 'plain.csv'));

  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const at = new Date().toISOString();
  const stamp = (r: Row) => ({ ...r, engine, actions, date: at });
  const result = {
    at,
    engine,
    actions,
    trusts,
    node: process.version,
    cpus: os.cpus().length,
    benchFactsBuildSeconds: +factsSeconds.toFixed(1),
    limitRows: limitRows.map(stamp),
    rows: rows.map(stamp),
    exports,
    plainActionTableDump: { ms: Math.round(plain.ms), peakRssMb: plain.peakRssMb },
  };
  const label = process.env.BENCH_LABEL ? `-${process.env.BENCH_LABEL}` : '';
  fs.writeFileSync(
    path.join(RESULTS, `scale-${engine}${label}.json`),
    JSON.stringify(result, null, 2),
  );
  const unmet = limitRows.filter((r) => !r.met);
  const verdict = `Issue 19 targets met: ${limitRows.length - unmet.length} of ${limitRows.length}${
    unmet.length
      ? `; not met: ${unmet.map((r) => `${r.case} (${r.ratio}x, ${r.target})`).join('; ')}`
      : ''
  }. Framework-overhead targets met: ${rows.filter((r) => r.met).length} of ${rows.length}.`;
  const table = [
    `# Scale benchmark: ${engine}, ${actions.toLocaleString('en-GB')} actions in ${trusts} trusts (${result.at.slice(0, 10)})`,
    '',
    '## Limit baseline (issue 19)',
    '',
    `The limit is the bare driver over \`bench_facts\`, a table of current facts built by the bench in ${factsSeconds.toFixed(1)} s.`,
    '',
    '| case | measure | app | baseline | ratio | target | same answer | met |',
    '|---|---|---|---|---|---|---|---|',
    ...limitRows.map(
      (r) =>
        `| ${r.case} | ${r.measure} | ${r.app} | ${r.baseline} (${r.baselineName}) | ${r.ratio}x | ${r.target} | ${r.sameAnswer === undefined ? '-' : r.sameAnswer ? 'yes' : 'NO'} | ${r.met ? 'yes' : 'NO'} |`,
    ),
    '',
    '## Framework overhead (the app against a bare server running its own SQL)',
    '',
    '| case | measure | app | baseline | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.case} | ${r.measure} | ${r.app} | ${r.baseline} | ${r.ratio}x | ${r.target} | ${r.met ? 'yes' : 'NO'} |`,
    ),
    '',
    '| export | app time | app peak RSS (idle) | baseline time | baseline peak RSS |',
    '|---|---|---|---|---|',
    ...exports.map(
      (e) =>
        `| ${e.case} | ${(e.ms / 1000).toFixed(1)} s | ${e.peakRssMb} MB (${e.idleRssMb} MB) | ${(e.baselineMs / 1000).toFixed(1)} s | ${e.baselinePeakRssMb} MB |`,
    ),
    '',
    `Reference: \`SELECT * FROM action\` dumped by the CLI tool: ${(plain.ms / 1000).toFixed(1)} s, ${plain.peakRssMb} MB.`,
    `Node ${process.version}.`,
    '',
    verdict,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(RESULTS, `scale-${engine}${label}.md`), table);
  process.stdout.write(`\n${table}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
