import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../src/cli';
import { DELIVERY_STATUSES } from '../src/delivery/delivery-status';
import { findHistoryProblems } from '../src/scale/history-consistency';
import { generateSyntheticData, SYNTHETIC_ADMIN_EMAIL } from '../src/scale/synthetic-data';
import { TokensService } from '../src/auth/tokens.service';
import { User } from '../src/users/user.entity';
import { clientFor, createTestApp, TestApp } from './test-app';

/**
 * The synthetic data set behind the benchmarks and load tests: deterministic, of realistic
 * shape, reaching every status, and consistent with its own history, read back through the
 * real API.
 */
jest.setTimeout(120_000);

const TABLES = [
  'app_user',
  'organisation',
  'core_service',
  'rating',
  'inspection',
  'inspection_core_service',
  'finding',
  'action',
  'action_finding',
  'progress_update',
  'due_date_change',
  'evidence',
];
const options = { trusts: 3, actions: 900, seed: 42, today: '2026-11-23' };

describe('cli generate', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** Every generated row, except password hashes (argon2 salts each one afresh). */
  async function dump() {
    const rows: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      const order = table.includes('_core_service') || table === 'action_finding' ? '1, 2' : 'id';
      rows[table] = (await t.dataSource.query(`SELECT * FROM ${table} ORDER BY ${order}`)).map(
        ({ password_hash: _hash, ...row }: Record<string, unknown>) => row,
      );
    }
    return rows;
  }

  it('makes the same rows from the same seed and day, and different ones from another seed', async () => {
    const summary = await generateSyntheticData(t.dataSource, options);
    const first = await dump();
    await generateSyntheticData(t.dataSource, options);
    expect(await dump()).toEqual(first);
    await generateSyntheticData(t.dataSource, { ...options, seed: 43 });
    expect((await dump()).action).not.toEqual(first.action);

    expect(summary.trusts).toBe(3);
    expect(summary.actions).toBe(900);
    expect(first.action).toHaveLength(900);
    expect(first.organisation).toHaveLength(3);
    // Several core services per trust, findings per service, more actions than findings.
    expect(summary.coreServices).toBeGreaterThanOrEqual(3 * 4);
    expect(summary.findings).toBeGreaterThan(500);
    expect(summary.findings).toBeLessThan(900);
    // Months of history: several updates an action, the oldest a year back.
    expect(summary.progressUpdates).toBeGreaterThan(3 * 900);
    const oldest = (first.progress_update as { created_at: string }[])
      .map((u) => u.created_at)
      .sort()[0];
    expect(oldest < '2026-03-01').toBe(true);
    expect(summary.evidence).toBeGreaterThan(300);
    expect(summary.dueDateChanges).toBeGreaterThan(50);
  });

  it('reaches every status, delivery status and review state, and matches its history', async () => {
    await generateSyntheticData(t.dataSource, {
      ...options,
      today: new Date().toISOString().slice(0, 10),
    });
    const statuses = await t.dataSource.query<{ status: string }[]>(
      'SELECT DISTINCT status FROM action ORDER BY status',
    );
    expect(statuses.map((s) => s.status)).toEqual([
      'ASSURED',
      'CANCELLED',
      'COMPLETED',
      'IN_PROGRESS',
      'NOT_STARTED',
    ]);
    const reviews = await t.dataSource.query<{ review_state: string }[]>(
      'SELECT DISTINCT review_state FROM evidence ORDER BY review_state',
    );
    expect(reviews.map((r) => r.review_state)).toEqual(['ACCEPTED', 'REJECTED', 'SUBMITTED']);
    // Generating emptied the database, tokens too: read as the generated admin.
    const [admin] = await t.dataSource.query<{ id: number }[]>(
      `SELECT id FROM app_user WHERE email = '${SYNTHETIC_ADMIN_EMAIL}'`,
    );
    const user = await t.dataSource.getRepository(User).findOneByOrFail({ id: Number(admin.id) });
    const { token } = await t.app
      .get(TokensService)
      .create(user, { name: 'generated', scope: 'admin' });
    const http = clientFor(t.app.getHttpServer(), token);
    for (const deliveryStatus of DELIVERY_STATUSES) {
      const page = await http
        .get(`/api/v1/actions?deliveryStatus=${deliveryStatus}&limit=1`)
        .expect(200);
      expect({ deliveryStatus, some: page.body.total > 0 }).toEqual({ deliveryStatus, some: true });
    }
    const readiness = await http.get('/api/v1/readiness?organisationId=1').expect(200);
    expect(readiness.body.coreServices.length).toBeGreaterThan(2);
    expect(await findHistoryProblems(t.dataSource)).toEqual([]);
  });

  it('is a command that refuses bad numbers before touching the database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'generate-cli-'));
    const saved = { ...process.env };
    process.env.SQLITE_PATH = path.join(dir, 'never.sqlite');
    delete process.env.DATABASE_URL;
    const errors: string[] = [];
    const program = buildProgram().exitOverride();
    program.commands.forEach((command) =>
      command.exitOverride().configureOutput({ writeErr: (text) => errors.push(text) }),
    );
    try {
      await expect(
        program.parseAsync(['node', 'cli', 'generate', '--trusts', '0', '--actions', '10']),
      ).rejects.toThrow();
      expect(errors.join('')).toMatch(/--trusts.*must be a whole number from 1/);
      expect(fs.existsSync(path.join(dir, 'never.sqlite'))).toBe(false);
    } finally {
      process.env = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
