import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import { createTestApp, TestApp } from './test-app';
import { TestDatabase } from './test-database';

/**
 * Issue 14: while every write hung, /health still said ok. Now it probes a write (bounded to
 * two seconds) and says "writes blocked" when none gets through; a write that meets a busy
 * database is a 503 with Retry-After, never a 500.
 */
jest.setTimeout(60_000);

/** Another process holding the database's write lock, as a second instance or a backup might. */
async function holdWriteLock(db: TestDatabase): Promise<() => Promise<void>> {
  if (db.databaseUrl) {
    const client = new Client({ connectionString: db.databaseUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE organisation IN EXCLUSIVE MODE');
    return async () => {
      await client.query('ROLLBACK');
      await client.end();
    };
  }
  const other = new sqlite3.Database(db.sqlitePath);
  const run = (sql: string) =>
    new Promise<void>((resolve, reject) =>
      other.run(sql, (error) => (error ? reject(error) : resolve())),
    );
  await run('BEGIN IMMEDIATE');
  return async () => {
    await run('ROLLBACK');
    await new Promise((resolve) => other.close(resolve));
  };
}

describe('/health', () => {
  let t: TestApp & { database: TestDatabase };
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is ok when a write gets through', async () => {
    const health = await t.anonymous.get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('answers 503 "writes blocked" within its bound while another holds the write lock, and recovers', async () => {
    const release = await holdWriteLock(t.database);
    try {
      const started = Date.now();
      const health = await t.anonymous.get('/health').expect(503);
      expect(health.body).toMatchObject({
        status: 'unavailable',
        database: { status: 'writes blocked' },
      });
      // Two seconds' probe, plus the rest of the check; generous for a shared machine.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await release();
    }
    const health = await t.anonymous.get('/health').expect(200);
    expect(health.body.database.status).toBe('up');
  });

  it('lets a write wait for a lock held briefly elsewhere, then succeed', async () => {
    const release = await holdWriteLock(t.database);
    const write = t.http.post('/api/v1/organisations').send({ name: 'Waited', kind: 'acute' });
    const answered = write.then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await release();
    expect((await answered).status).toBe(201);
  });

  if (!process.env.DATABASE_URL) {
    it('answers a write 503 with Retry-After when SQLite stays busy past its busy timeout', async () => {
      const release = await holdWriteLock(t.database);
      try {
        const refused = await t.http
          .post('/api/v1/organisations')
          .send({ name: 'Never written', kind: 'acute' })
          .expect(503);
        expect(refused.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
        expect(refused.headers['retry-after']).toBe('5');
        expect(JSON.stringify(refused.body)).not.toMatch(/SQLITE|at .*\.ts/);
      } finally {
        await release();
      }
    });
  }
});
