import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildProgram, describeFailure } from '../src/cli';
import { createTestDatabase, TestDatabase } from './test-database';

/** The command line, run in-process against a database of its own. */
describe('command line', () => {
  let db: TestDatabase;
  const saved = { ...process.env };
  let output: string[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.SQLITE_PATH =
      db.sqlitePath === ':memory:' ? path.join(dir, 'unused.sqlite') : db.sqlitePath;
    if (db.databaseUrl) process.env.DATABASE_URL = db.databaseUrl;
    else delete process.env.DATABASE_URL;
  });
  beforeEach(() => {
    output = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    process.env = saved;
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    buildProgram()
      .exitOverride()
      .parseAsync(['node', 'cli', ...args]);

  it('resets the database to the demo data', async () => {
    await run('seed');
    expect(output.join('')).toMatch(
      /Database reset to the demo data: 4 trusts, 19 findings, 18 actions, 9 users/,
    );
  });

  it('creates the first admin from a password in the environment, refusing a weak one', async () => {
    process.env.TRACKER_ADMIN_PASSWORD = 'short';
    const weak = await run(
      'users',
      'create-admin',
      '--email',
      'first.admin@example.nhs.uk',
      '--name',
      'First Admin',
    ).catch((e: unknown) => e);
    expect(describeFailure(weak)).toBe(
      'The request is not valid\n  password: password must be at least 12 characters',
    );
    process.env.TRACKER_ADMIN_PASSWORD = 'a long and unusual passphrase';
    await run(
      'users',
      'create-admin',
      '--email',
      'first.admin@example.nhs.uk',
      '--name',
      'First Admin',
    );
    expect(output.join('')).toMatch(/Created admin First Admin <first.admin@example.nhs.uk>/);
    delete process.env.TRACKER_ADMIN_PASSWORD;
  });

  it('prints a new API token once', async () => {
    await run('token', '--email', 'first.admin@example.nhs.uk', '--name', 'script');
    expect(output.join('').trim()).toMatch(/^cqct_[\w-]{30,}$/);
  });

  it('imports a report, saying what it did, and adds nothing the second time', async () => {
    const report = path.join(__dirname, 'fixtures', 'report-community-trust.txt');
    await run('import', 'report', report, '--dry-run');
    expect(output.join('')).toMatch(
      /Dry run, nothing stored: Northbrook Community Health NHS Trust; 13 new findings of 13, 9 new ratings, 3 new core services, 1 warnings\./,
    );
    output = [];
    await run('import', 'report', report, '--as', 'first.admin@example.nhs.uk');
    expect(output.join('')).toMatch(
      /Imported \(import \d+\): Northbrook Community Health NHS Trust; 13 new findings of 13/,
    );
    output = [];
    await run('import', 'report', report);
    expect(output.join('')).toMatch(/0 new findings of 13, 0 new ratings, 0 new core services/);
  });

  it('imports a plan with a progress bar, and fails plainly on a plan with problems', async () => {
    const file = path.join(dir, 'plan.csv');
    // Row 2 has no owner yet (an admin cannot own actions); row 3 names someone not yet a user.
    fs.writeFileSync(
      file,
      'Ref,Finding,Action,Owner,Due date\nX1,The trust must act.,Act now,,31/12/2027\nX2,The trust must act.,Act later,Nobody Here,31/12/2027\n',
    );
    const failure = await run(
      'import',
      'plan',
      file,
      '--organisation-id',
      '1',
      '--as',
      'first.admin@example.nhs.uk',
    ).catch((e: unknown) => e);
    expect(describeFailure(failure)).toBe(
      '1 of 2 rows have problems; nothing was imported (ask to skip the rows with problems, skipInvalidRows=true, to import the 1 good row)\n  row 3: Owner: "Nobody Here" is not a user (matched by email, then name); import with createUsers to add them',
    );
    await run(
      'import',
      'plan',
      file,
      '--organisation-id',
      '1',
      '--as',
      'first.admin@example.nhs.uk',
      '--create-users',
    );
    expect(output.join('')).toMatch(
      /Imported \(import \d+\): 2 to create, 0 to update, 0 skipped, 0 with problems; new users: Nobody Here\./,
    );
  });

  it('writes the actions report as CSV and XLSX', async () => {
    const csv = path.join(dir, 'actions.csv');
    await run('report', 'actions', '--format', 'csv', '--out', csv, '--organisation-id', '2');
    expect(output.join('')).toMatch(/Wrote 4 actions to/);
    const rows: Record<string, string>[] = parse(fs.readFileSync(csv), { columns: true });
    expect(rows.map((r) => r.Reference).sort()).toEqual(['NCH-01', 'NCH-02', 'NCH-03', 'NCH-04']);
    const xlsx = path.join(dir, 'findings.xlsx');
    await run('report', 'findings', '--format', 'xlsx', '--out', xlsx);
    expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
    const board = path.join(dir, 'board.html');
    await run('report', 'board', '--organisation-id', '1', '--out', board);
    expect(fs.readFileSync(board, 'utf8')).toContain(
      '<h1>Leicestershire Partnership NHS Trust</h1>',
    );
    const cqc = path.join(dir, 'cqc.xlsx');
    await run('report', 'cqc-return', '--organisation-id', '1', '--out', cqc);
    expect(fs.readFileSync(cqc).subarray(0, 2).toString()).toBe('PK');
    const bad = await run('report', 'gantt', '--out', xlsx).catch((e: unknown) => e);
    expect(describeFailure(bad)).toBe(
      'Unknown report "gantt": use board, cqc-return, evidence-pack, actions or findings',
    );
    const pack = path.join(dir, 'pack.pdf');
    await run('report', 'evidence-pack', '--core-service-id', '1', '--out', pack);
    expect(fs.readFileSync(pack).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('exports the audit trail as CSV', async () => {
    const file = path.join(dir, 'audit.csv');
    await run('audit', 'export', '--out', file, '--entity', 'app_user');
    const rows: Record<string, string>[] = parse(fs.readFileSync(file), { columns: true });
    // The admin made from the command line (no actor), then the person the plan import created.
    expect(rows.map((r) => [r.action, r.entity])).toEqual([
      ['create', 'app_user'],
      ['create', 'app_user'],
    ]);
    expect(rows[0].actor_id).toBe('');
    expect(JSON.parse(rows[0].changes).after).toMatchObject({
      email: 'first.admin@example.nhs.uk',
      role: 'admin',
    });
    expect(JSON.parse(rows[1].changes).after).toMatchObject({
      name: 'Nobody Here',
      email: 'nobody.here@imported.invalid',
    });
    expect(rows[1].actor_id).not.toBe('');
    expect(rows.map((r) => r.changes).join('')).not.toMatch(/argon2/);
  });
});
