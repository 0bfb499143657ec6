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

  it('exports the audit trail as CSV', async () => {
    const file = path.join(dir, 'audit.csv');
    await run('audit', 'export', '--out', file, '--entity', 'app_user');
    const rows: Record<string, string>[] = parse(fs.readFileSync(file), { columns: true });
    expect(rows).toEqual([
      expect.objectContaining({ action: 'create', entity: 'app_user', actor_id: '' }),
    ]);
    expect(JSON.parse(rows[0].changes).after).toMatchObject({
      email: 'first.admin@example.nhs.uk',
      role: 'admin',
    });
    expect(rows[0].changes).not.toMatch(/argon2/);
  });
});
