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
import { BareFactsRepository } from './bare-driver';
import { EVERY_TRUST } from '../src/auth/trust-access';
import { RequestContext } from '../src/common/request-context';

const RESULTS = path.join(__dirname, '../../bench/results');
const SEQUENTIAL_RUNS = 100;
const LOAD_SECONDS = 10;

interface Target {
  engine: 'sqlite' | 'postgres';
  sqlitePath?: string;
  databaseUrl?: string;
}

interface Row {
  case: string;
  measure: string;
  app: number;
  baseline: number;
  ratio: number;
  target: string;
  met: boolean;
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
  const result = await autocannon({ url, headers, connections: 50, duration: LOAD_SECONDS });
  if (result.non2xx || result.errors) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
  }
  return { requestsPerSecond: result.requests.average, p97_5: result.latency.p97_5 };
}

/** Runs a command writing to a file, sampling its peak RSS until it exits. */
async function timedCommand(command: string, args: string[], stdoutFile?: string) {
  const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', out, 'inherit'] });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 5);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (typeof out === 'number') fs.closeSync(out);
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, peakRssMb: peak };
}

/** Downloads an export from a freshly started app, so the peak RSS is that export's own. */
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
  const admin = await dataSource
    .getRepository(User)
    .findOneByOrFail({ email: SYNTHETIC_ADMIN_EMAIL });
  const { token } = await new TokensService(
    dataSource,
    new Transactions(dataSource),
    new AuditService(),
  ).create(admin, { name: `bench ${Date.now()}`, scope: 'admin' });
  const organisationId = Math.ceil(trusts / 2);
  const repo = new BareFactsRepository(dataSource, {
    query: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  });
  await dataSource.destroy();
  const headers = { Authorization: `Bearer ${token}` };
  const rows: Row[] = [];
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
  // A reference, not a target: the bare action table dumped by the CLI tool.
  const plain = await baselineDump('SELECT * FROM action', path.join(dir, 'plain.csv'));

  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const result = {
    at: new Date().toISOString(),
    engine,
    actions,
    trusts,
    node: process.version,
    cpus: os.cpus().length,
    rows,
    exports,
    plainActionTableDump: { ms: Math.round(plain.ms), peakRssMb: plain.peakRssMb },
  };
  fs.writeFileSync(path.join(RESULTS, `scale-${engine}.json`), JSON.stringify(result, null, 2));
  const table = [
    `# Scale benchmark: ${engine}, ${actions.toLocaleString('en-GB')} actions in ${trusts} trusts (${result.at.slice(0, 10)})`,
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
  ].join('\n');
  fs.writeFileSync(path.join(RESULTS, `scale-${engine}.md`), table);
  process.stdout.write(`\n${table}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
