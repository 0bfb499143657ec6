import { Action } from '../src/actions/action.entity';
import { buildAction, buildPlan, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * TypeORM drops a `where` condition whose value is null, so `{"ownerId": null}` once looked up
 * "the user whose id is anything" and assigned the action to user 1. Every id field refuses
 * null with a 400 naming it, and nothing is stored; only ids that can be cleared (a finding's
 * core service and inspection) take null, and then mean "none".
 */
describe('null ids', () => {
  let t: TestApp;
  let plan: Awaited<ReturnType<typeof buildPlan>>;
  let action: { id: number; version: number };
  let inspection: { id: number };

  beforeAll(async () => {
    t = await createTestApp();
    plan = await buildPlan(t.http);
    action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    inspection = (
      await t.http
        .post('/api/v1/inspections')
        .send({
          organisationId: plan.organisation.id,
          kind: 'comprehensive',
          visitStart: '2025-01-06',
        })
        .expect(201)
    ).body;
  });
  afterAll(() => t.close());

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['action', 'finding', 'core_service', 'inspection', 'audit_event'].map(async (table) => [
          table,
          Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n),
        ]),
      ),
    );

  const writes = (): [string, 'post' | 'patch', () => string, () => object, string][] => [
    [
      'assign owner',
      'post',
      () => `/api/v1/actions/${action.id}/assign`,
      () => ({ ownerId: null }),
      'ownerId',
    ],
    [
      'assign lead',
      'post',
      () => `/api/v1/actions/${action.id}/assign`,
      () => ({ executiveLeadId: null }),
      'executiveLeadId',
    ],
    [
      'create action owner',
      'post',
      () => '/api/v1/actions',
      () => ({ findingIds: [plan.finding.id], title: 'x', dueDate: '2030-01-01', ownerId: null }),
      'ownerId',
    ],
    [
      'create action lead',
      'post',
      () => '/api/v1/actions',
      () => ({
        findingIds: [plan.finding.id],
        title: 'x',
        dueDate: '2030-01-01',
        executiveLeadId: null,
      }),
      'executiveLeadId',
    ],
    [
      'create action findings',
      'post',
      () => '/api/v1/actions',
      () => ({ findingIds: null, title: 'x', dueDate: '2030-01-01' }),
      'findingIds',
    ],
    [
      'create action a null finding',
      'post',
      () => '/api/v1/actions',
      () => ({ findingIds: [null], title: 'x', dueDate: '2030-01-01' }),
      'findingIds',
    ],
    [
      'create finding',
      'post',
      () => '/api/v1/findings',
      () => ({
        organisationId: null,
        type: 'MUST',
        text: 'x',
        regulations: [{ instrument: 2014, number: '12' }],
      }),
      'organisationId',
    ],
    [
      'create core service',
      'post',
      () => '/api/v1/core-services',
      () => ({ organisationId: null, name: 'x' }),
      'organisationId',
    ],
    [
      'create inspection',
      'post',
      () => '/api/v1/inspections',
      () => ({ organisationId: null, kind: 'comprehensive', visitStart: '2025-01-06' }),
      'organisationId',
    ],
    [
      'create inspection services',
      'post',
      () => '/api/v1/inspections',
      () => ({
        organisationId: plan.organisation.id,
        kind: 'comprehensive',
        visitStart: '2025-01-06',
        coreServiceIds: [null],
      }),
      'coreServiceIds',
    ],
    [
      'update inspection services',
      'patch',
      () => `/api/v1/inspections/${inspection.id}`,
      () => ({ coreServiceIds: null }),
      'coreServiceIds',
    ],
  ];

  it.each(writes().map((w) => w[0]))(
    '%s: null is a 400 naming the field, nothing stored',
    async (name) => {
      const [, method, path, body, field] = writes().find((x) => x[0] === name)!;
      const before = await counts();
      const stored = await t.dataSource.getRepository(Action).findOneByOrFail({ id: action.id });
      const response = await t.http[method](path()).send(body());
      expect({
        status: response.status,
        fields: response.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({
        status: 400,
        fields: expect.arrayContaining([expect.stringMatching(new RegExp(`^${field}`))]),
      });
      expect(await counts()).toEqual(before);
      expect(await t.dataSource.getRepository(Action).findOneByOrFail({ id: action.id })).toEqual(
        stored,
      );
    },
  );

  it('keeps the owner and lead when a client sends null for both', async () => {
    const other = await buildUser(t.http, { role: 'owner' });
    expect(other.id).not.toBe(plan.owner.id);
    await t.http
      .post(`/api/v1/actions/${action.id}/assign`)
      .send({ ownerId: null, executiveLeadId: null })
      .expect(400);
    const { body } = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
    expect({ owner: body.owner?.id, lead: body.executiveLead?.id }).toEqual({
      owner: plan.owner.id,
      lead: plan.lead.id,
    });
  });

  it('refuses null and non-numbers in id query parameters', async () => {
    for (const path of [
      '/api/v1/actions?ownerId=null',
      '/api/v1/findings?coreServiceId=null',
      '/api/v1/readiness?organisationId=null',
      '/api/v1/reports/board?organisationId=',
    ]) {
      const response = await t.http.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
  });

  it("clears a finding's core service and inspection with null, which mean none", async () => {
    const finding = (
      await t.http
        .patch(`/api/v1/findings/${plan.finding.id}`)
        .send({ inspectionId: inspection.id })
        .expect(200)
    ).body;
    expect(finding).toMatchObject({
      coreServiceId: plan.coreService.id,
      inspectionId: inspection.id,
    });
    const cleared = await t.http
      .patch(`/api/v1/findings/${plan.finding.id}`)
      .send({ coreServiceId: null, inspectionId: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ coreServiceId: null, inspectionId: null });
    const created = await t.http
      .post('/api/v1/findings')
      .send({
        organisationId: plan.organisation.id,
        type: 'SHOULD',
        text: 'The trust should do better.',
        coreServiceId: null,
        inspectionId: null,
      })
      .expect(201);
    expect(created.body).toMatchObject({ coreServiceId: null, inspectionId: null });
  });
});
