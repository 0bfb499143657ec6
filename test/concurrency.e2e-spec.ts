import { buildAction, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * TypeORM's SQLite driver shares one connection, so overlapping transactions must be
 * serialised; on PostgreSQL row locks do it. Either way no acknowledged write may be lost.
 */
describe('concurrent writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function historyOf(actionId: number): Promise<{ note: string; progress: number }[]> {
    return t.dataSource.query(
      `SELECT note, progress FROM progress_update WHERE action_id = ${Number(actionId)} ORDER BY id`,
    );
  }

  it('stores every one of 50 simultaneous progress updates to one action', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
    const owner = await t.as(plan.owner);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        owner
          .post(`/api/v1/actions/${action.id}/progress`)
          .send({ note: `update ${i}`, progress: i + 1 }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const history = await historyOf(action.id);
    expect(history.map((h) => h.note).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `update ${i}`).sort(),
    );
    const stored = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
    // Each update bumped the version once; the action shows the last update applied.
    expect(stored.body.version).toBe(51);
    expect(stored.body.progress).toBe(Number(history[history.length - 1].progress));
    expect(stored.body.status).toBe('IN_PROGRESS');
  });

  it('stores 50 simultaneous progress updates to 50 different actions', async () => {
    const plan = await buildPlan(t.http);
    const actions = [];
    for (let i = 0; i < 50; i++)
      actions.push(await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id }));
    const owner = await t.as(plan.owner);
    const responses = await Promise.all(
      actions.map((action, i) =>
        owner
          .post(`/api/v1/actions/${action.id}/progress`)
          .send({ note: `first report ${i}`, progress: 40 }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    for (const [i, action] of actions.entries()) {
      expect(await historyOf(action.id)).toEqual([{ note: `first report ${i}`, progress: 40 }]);
    }
    const listed = await t.http
      .get(`/api/v1/actions?organisationId=${plan.organisation.id}&status=IN_PROGRESS&limit=100`)
      .expect(200);
    expect(listed.body.total).toBe(50);
  });

  it('lets exactly one of 20 writers holding the same version win; the rest get 409', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id]);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.patch(`/api/v1/actions/${action.id}`).send({ title: `Title ${i}`, version: 1 }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    const winner = responses.find((r) => r.status === 200)!;
    const stored = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
    expect(stored.body).toMatchObject({ title: winner.body.title, version: 2 });
  });
});
