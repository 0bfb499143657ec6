import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../src/cli';
import { FakeCqcApi, GOOD_KEY, startFakeCqcApi } from './cqc-api-server';
import { createTestDatabase, TestDatabase } from './test-database';

/** `cli cqc watch`, run in-process against a database of its own and the local fake API. */
describe('command line: cqc watch', () => {
  let db: TestDatabase;
  let api: FakeCqcApi;
  const saved = { ...process.env };
  let output: string[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqc-cli-test-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startFakeCqcApi();
    process.env.SQLITE_PATH =
      db.sqlitePath === ':memory:' ? path.join(dir, 'unused.sqlite') : db.sqlitePath;
    if (db.databaseUrl) process.env.DATABASE_URL = db.databaseUrl;
    else delete process.env.DATABASE_URL;
    process.env.CQC_API_URL = api.baseUrl;
    delete process.env.CQC_API_KEY;
    delete process.env.CQC_WATCH_MINUTES;
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
    await api.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    buildProgram()
      .exitOverride()
      .parseAsync(['node', 'cli', ...args]);

  it('says the key is missing, before asking CQC anything', async () => {
    await expect(run('cqc', 'watch')).rejects.toThrow(/CQC_API_KEY is not set/);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a bad --every', async () => {
    process.env.CQC_API_KEY = GOOD_KEY;
    await expect(run('cqc', 'watch', '--every', '0')).rejects.toThrow(/--every must be/);
  });

  it('files inbox items for a held trust once, however often it runs', async () => {
    process.env.CQC_API_KEY = GOOD_KEY;
    // The trust arrives as it would in life: its CQC record imported, with its provider id.
    await run(
      'import',
      'cqc-json',
      path.join(__dirname, 'fixtures', 'cqc-api', 'provider-RZZ.json'),
    );
    output = [];
    await run('cqc', 'watch');
    const first = output.join('');
    expect(first).toMatch(/1 trust watched/);
    // The visit awaiting its report is news whatever the date; reports depend on the window.
    const created = Number(/(\d+) new inbox items?/.exec(first)?.[1]);
    expect(created).toBeGreaterThanOrEqual(1);
    output = [];
    await run('cqc', 'watch');
    expect(output.join('')).toMatch(/ 0 new inbox items/);
  });

  it('says when the key is refused', async () => {
    process.env.CQC_API_KEY = 'not-the-key';
    await expect(run('cqc', 'watch')).rejects.toThrow(/refused the subscription key/);
  });
});
