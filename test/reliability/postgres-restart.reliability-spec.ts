import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { AppProcess, call, Deployment } from './server-process';

/**
 * PostgreSQL stopped and started again under the running app. While it is down, requests
 * fail fast and cleanly (503 DATABASE_UNAVAILABLE, not a hang, not a 500) and /health says
 * so; when it is back, the app recovers by itself, with no restart. Needs the throwaway
 * cluster of .ci/run: PG_CLUSTER_DIR names it (skipped on SQLite).
 */
jest.setTimeout(180_000);

const clusterDir = process.env.PG_CLUSTER_DIR;
const cluster = (command: 'pause' | 'resume') =>
  execFileSync('bash', [path.join(__dirname, '../../.ci/pg-cluster.sh'), command, clusterDir!], {
    stdio: 'inherit',
  });
const describeWithCluster = process.env.DATABASE_URL && clusterDir ? describe : describe.skip;

describeWithCluster('PostgreSQL restarted under the running app', () => {
  let deployment: Deployment;
  let app: AppProcess;
  let token: string;

  beforeAll(async () => {
    deployment = await Deployment.create();
    app = await deployment.app();
    await app.start();
    token = deployment.token('priya.shah@example.nhs.uk');
  });

  afterAll(async () => {
    await app?.stop();
    await deployment?.drop();
  });

  it('answers 503 quickly while the database is down, and recovers by itself', async () => {
    expect((await call(`${app.url}/api/v1/actions?limit=5`, token)).status).toBe(200);
    const [{ id }] = (
      (await call(`${app.url}/api/v1/actions?limit=1`, token)).body as { items: { id: number }[] }
    ).items;

    cluster('pause');
    try {
      for (const [method, url, body] of [
        ['GET', '/api/v1/actions?limit=5', undefined],
        ['GET', `/api/v1/actions/${id}`, undefined],
        ['GET', '/api/v1/readiness?organisationId=1', undefined],
        ['POST', `/api/v1/actions/${id}/progress`, { note: 'while down', progress: 40 }],
      ] as const) {
        const started = Date.now();
        const answer = await call(`${app.url}${url}`, token, { method, body, timeoutMs: 15_000 });
        expect({ url, status: answer.status }).toEqual({ url, status: 503 });
        expect((answer.body as { code: string }).code).toBe('DATABASE_UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(10_000);
      }
      const health = await call(`${app.url}/health`, '', { timeoutMs: 15_000 });
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', database: { status: 'down' } });
    } finally {
      cluster('resume');
    }

    // Back by itself: the pool replaces its dead connections.
    const deadline = Date.now() + 30_000;
    let health = await call(`${app.url}/health`, '');
    while (health.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      health = await call(`${app.url}/health`, '');
    }
    expect(health.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
    for (let i = 0; i < 12; i++) {
      // More requests than the pool has connections, so every pooled one is tried.
      expect((await call(`${app.url}/api/v1/actions?limit=5`, token)).status).toBe(200);
    }
    const write = await call(`${app.url}/api/v1/actions/${id}/progress`, token, {
      method: 'POST',
      body: { note: 'after the restart', progress: 45 },
    });
    expect([200, 201]).toContain(write.status);
    // The write refused while the database was down was never stored.
    const dataSource = await deployment.connect();
    try {
      const notes = await dataSource.query<{ note: string }[]>(
        `SELECT note FROM progress_update WHERE action_id = ${Number(id)} AND note IN ('while down', 'after the restart')`,
      );
      expect(notes.map((n) => n.note)).toEqual(['after the restart']);
    } finally {
      await dataSource.destroy();
    }
  });
});
