import { buildAction, buildPlan, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

type Role = 'admin' | 'quality_lead' | 'executive' | 'owner' | 'viewer' | 'nobody';
const ROLES: Role[] = ['admin', 'quality_lead', 'executive', 'owner', 'viewer', 'nobody'];
const EVERYONE: Role[] = ['admin', 'quality_lead', 'executive', 'owner', 'viewer'];
const PLAN_RUNNERS: Role[] = ['admin', 'quality_lead'];

interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  body?: object;
  allowed: Role[];
}

/**
 * Every route of the API, called as every role and as nobody: the exact allowed/denied
 * matrix. The owner owns the action and the executive leads it, so "allowed" is not blurred by
 * the ownership rules (tested in auth.e2e-spec.ts). Denied writes store nothing.
 */
describe('the access matrix', () => {
  let t: TestApp;
  let routes: Route[];
  const clients = new Map<Role, Client>();
  let ownerOfA: number;
  let actionOfA: number;

  const DOMAIN_TABLES = [
    'app_user',
    'organisation',
    'core_service',
    'rating',
    'inspection',
    'finding',
    'action',
    'progress_update',
    'due_date_change',
    'due_date_request',
    'evidence',
    'action_comment',
  ];
  async function fingerprint() {
    const result: Record<string, unknown> = {};
    for (const table of DOMAIN_TABLES)
      result[table] = await t.dataSource.query(`SELECT * FROM ${table} ORDER BY id`);
    return result;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    const viewer = await buildUser(t.http, { role: 'viewer' });
    const spare = await buildUser(t.http, { role: 'viewer' });
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    const evidence = (
      await (
        await t.as(plan.owner)
      )
        .post(`/api/v1/actions/${action.id}/evidence`)
        .send({ kind: 'note', title: 'Audit', note: 'Done' })
        .expect(201)
    ).body;
    const request = (
      await (
        await t.as(plan.owner)
      )
        .post(`/api/v1/actions/${action.id}/due-date-requests`)
        .send({ dueDate: '2030-06-01', reason: 'Delay' })
        .expect(201)
    ).body;
    const inspection = (
      await t.http
        .post('/api/v1/inspections')
        .send({ organisationId: plan.organisation.id, kind: 'focused', visitStart: '2020-01-01' })
        .expect(201)
    ).body;
    // Two CQC inbox items of trust A, as the watcher would file them (cqc-watch.e2e-spec.ts).
    const inboxItem = async (kind: string, key: string): Promise<number> => {
      await t.dataSource.query(
        `INSERT INTO cqc_inbox_item (organisation_id, kind, status, dedupe_key, subject_type,
           subject_id, subject_name, summary, created_at)
         VALUES (${Number(plan.organisation.id)}, '${kind}', 'OPEN', '${key}', 'location',
           '1-1', 'Matrix ward', 'Matrix news', '2026-01-01T00:00:00.000Z')`,
      );
      const rows = await t.dataSource.query<{ id: number }[]>(
        `SELECT id FROM cqc_inbox_item WHERE dedupe_key = '${key}'`,
      );
      return Number(rows[0].id);
    };
    const issuedReport = (
      await t.http
        .post('/api/v1/reports/issued')
        .send({
          kind: 'cqc-return',
          organisationId: plan.organisation.id,
          meeting: 'Matrix board',
        })
        .expect(201)
    ).body;
    const inboxNews = await inboxItem('REPORT_PUBLISHED', 'matrix:report');
    const inboxExpected = await inboxItem('REPORT_EXPECTED', 'matrix:expected');
    ownerOfA = plan.owner.id;
    actionOfA = action.id;
    clients.set('admin', t.http);
    clients.set('quality_lead', await t.as(plan.quality));
    clients.set('executive', await t.as(plan.lead));
    clients.set('owner', await t.as(plan.owner));
    clients.set('viewer', await t.as(viewer));
    clients.set('nobody', t.anonymous);

    const org = plan.organisation.id;
    const cs = plan.coreService.id;
    const f = plan.finding.id;
    const a = `/api/v1/actions/${action.id}`;
    const rating = { ratings: [{ scope: 'Safe', rating: 'Good', ratedOn: '2021-01-01' }] };
    routes = [
      { method: 'get', path: '/api/v1/auth/me', allowed: EVERYONE },
      { method: 'get', path: '/api/v1/tokens', allowed: EVERYONE },
      { method: 'post', path: '/api/v1/tokens', body: { name: 'matrix' }, allowed: EVERYONE },
      { method: 'post', path: '/api/v1/tokens/999999/revoke', allowed: EVERYONE },
      { method: 'get', path: '/api/v1/audit', allowed: EVERYONE },
      { method: 'get', path: '/api/v1/users', allowed: EVERYONE },
      { method: 'get', path: `/api/v1/users/${plan.owner.id}`, allowed: EVERYONE },
      {
        method: 'post',
        path: '/api/v1/users',
        body: { name: 'New', email: 'matrix.new@example.nhs.uk', role: 'viewer' },
        allowed: ['admin'],
      },
      {
        method: 'patch',
        path: `/api/v1/users/${viewer.id}`,
        body: { name: 'Renamed viewer' },
        allowed: ['admin'],
      },
      {
        method: 'post',
        path: `/api/v1/users/${viewer.id}/memberships`,
        body: { organisationId: org, role: 'viewer' },
        allowed: ['admin'],
      },
      {
        method: 'delete',
        path: `/api/v1/users/${spare.id}/memberships/${org}`,
        allowed: ['admin'],
      },
      { method: 'get', path: '/api/v1/organisations', allowed: EVERYONE },
      { method: 'get', path: `/api/v1/organisations/${org}`, allowed: EVERYONE },
      { method: 'get', path: `/api/v1/organisations/${org}/core-services`, allowed: EVERYONE },
      { method: 'get', path: `/api/v1/organisations/${org}/inspections`, allowed: EVERYONE },
      {
        method: 'post',
        path: '/api/v1/organisations',
        body: { name: 'Matrix Trust', kind: 'acute' },
        allowed: ['admin'],
      },
      {
        method: 'patch',
        path: `/api/v1/organisations/${org}`,
        body: { name: 'Renamed Trust' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: `/api/v1/organisations/${org}/ratings`,
        body: rating,
        allowed: PLAN_RUNNERS,
      },
      {
        // The viewer owns nothing, so the allowed calls move no action.
        method: 'post',
        path: `/api/v1/organisations/${org}/reassign`,
        body: { fromUserId: viewer.id, toUserId: plan.owner.id },
        allowed: PLAN_RUNNERS,
      },
      { method: 'get', path: '/api/v1/core-services', allowed: EVERYONE },
      { method: 'get', path: `/api/v1/core-services/${cs}`, allowed: EVERYONE },
      {
        method: 'post',
        path: '/api/v1/core-services',
        body: { organisationId: org, name: 'Matrix service' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'patch',
        path: `/api/v1/core-services/${cs}`,
        body: { reinspectionConfirmed: true },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: `/api/v1/core-services/${cs}/ratings`,
        body: rating,
        allowed: PLAN_RUNNERS,
      },
      { method: 'get', path: '/api/v1/inspections', allowed: EVERYONE },
      { method: 'get', path: `/api/v1/inspections/${inspection.id}`, allowed: EVERYONE },
      {
        method: 'post',
        path: '/api/v1/inspections',
        body: { organisationId: org, kind: 'focused', visitStart: '2021-01-01' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'patch',
        path: `/api/v1/inspections/${inspection.id}`,
        body: { reportReference: 'R9' },
        allowed: PLAN_RUNNERS,
      },
      { method: 'get', path: '/api/v1/findings', allowed: EVERYONE },
      { method: 'get', path: `/api/v1/findings/${f}`, allowed: EVERYONE },
      {
        method: 'post',
        path: '/api/v1/findings',
        body: { organisationId: org, type: 'SHOULD', text: 'Matrix finding' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'patch',
        path: `/api/v1/findings/${f}`,
        body: { text: 'Edited finding' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: '/api/v1/imports/report?dryRun=true',
        body: {
          text: 'Matrix NHS Trust\nAction the trust MUST take to improve\n• The trust must act.',
        },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: '/api/v1/imports/cqc-json?dryRun=true',
        body: { providerId: 'MX1', name: 'Matrix NHS Trust' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: `/api/v1/imports/plan?organisationId=${org}&dryRun=true`,
        allowed: PLAN_RUNNERS,
      },
      { method: 'get', path: `/api/v1/readiness?organisationId=${org}`, allowed: EVERYONE },
      { method: 'get', path: `/api/v1/readiness/core-services/${cs}`, allowed: EVERYONE },
      { method: 'get', path: `/api/v1/reports/actions?organisationId=${org}`, allowed: EVERYONE },
      { method: 'get', path: `/api/v1/reports/findings?organisationId=${org}`, allowed: EVERYONE },
      { method: 'get', path: `/api/feed/actions.csv?organisationId=${org}`, allowed: EVERYONE },
      { method: 'get', path: `/api/feed/findings.csv?organisationId=${org}`, allowed: EVERYONE },
      { method: 'get', path: '/api/v1/calendar/feed', allowed: EVERYONE },
      { method: 'post', path: '/api/v1/calendar/feed', allowed: EVERYONE },
      { method: 'post', path: '/api/v1/calendar/feed/revoke', allowed: EVERYONE },
      {
        method: 'get',
        path: `/api/v1/reports/cqc-return?organisationId=${org}`,
        allowed: EVERYONE,
      },
      { method: 'get', path: `/api/v1/reports/board?organisationId=${org}`, allowed: EVERYONE },
      {
        method: 'get',
        path: `/api/v1/reports/evidence-pack?coreServiceId=${cs}`,
        allowed: EVERYONE,
      },
      {
        method: 'post',
        path: '/api/v1/reports/issued',
        body: { kind: 'cqc-return', organisationId: org, meeting: 'Matrix board' },
        allowed: ['admin', 'quality_lead', 'executive'],
      },
      { method: 'get', path: `/api/v1/reports/issued?organisationId=${org}`, allowed: EVERYONE },
      { method: 'get', path: `/api/v1/reports/issued/${issuedReport.id}/file`, allowed: EVERYONE },
      { method: 'get', path: '/api/v1/actions', allowed: EVERYONE },
      { method: 'get', path: a, allowed: EVERYONE },
      { method: 'get', path: `${a}/progress`, allowed: EVERYONE },
      { method: 'get', path: `${a}/evidence`, allowed: EVERYONE },
      { method: 'get', path: `${a}/due-date-changes`, allowed: EVERYONE },
      { method: 'get', path: `${a}/due-date-requests`, allowed: EVERYONE },
      { method: 'get', path: `${a}/comments`, allowed: EVERYONE },
      {
        method: 'post',
        path: `${a}/comments`,
        body: { body: 'Matrix comment' },
        allowed: ['admin', 'quality_lead', 'executive', 'owner'],
      },
      {
        method: 'post',
        path: '/api/v1/actions',
        body: { findingIds: [f], title: 'Matrix action', dueDate: '2030-01-01' },
        allowed: PLAN_RUNNERS,
      },
      { method: 'patch', path: a, body: { description: 'Edited' }, allowed: PLAN_RUNNERS },
      {
        method: 'post',
        path: `${a}/assign`,
        body: { executiveLeadId: plan.lead.id },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: `${a}/progress`,
        body: { note: 'Matrix update', progress: 20 },
        allowed: ['admin', 'quality_lead', 'owner'],
      },
      {
        method: 'post',
        path: `${a}/evidence`,
        body: { kind: 'note', title: 'More', note: 'x' },
        allowed: ['admin', 'quality_lead', 'owner'],
      },
      {
        method: 'post',
        path: `${a}/evidence/${evidence.id}/review`,
        body: { decision: 'REJECTED', note: 'Thin' },
        allowed: PLAN_RUNNERS,
      },
      {
        method: 'post',
        path: `${a}/due-date-requests`,
        body: { dueDate: '2030-07-01', reason: 'x' },
        allowed: ['admin', 'quality_lead', 'owner'],
      },
      {
        method: 'post',
        path: `${a}/due-date-requests/${request.id}/decision`,
        body: { decision: 'REJECTED' },
        allowed: ['admin', 'quality_lead', 'executive'],
      },
      {
        method: 'post',
        path: `${a}/due-date`,
        body: { dueDate: '2030-08-01', reason: 'Replanned' },
        allowed: ['admin', 'quality_lead', 'executive'],
      },
      {
        method: 'post',
        path: `${a}/assure`,
        body: {},
        allowed: ['admin', 'quality_lead', 'executive'],
      },
      { method: 'post', path: `${a}/cancel`, body: { reason: 'Matrix' }, allowed: PLAN_RUNNERS },
      { method: 'get', path: '/api/v1/cqc-inbox', allowed: PLAN_RUNNERS },
      { method: 'get', path: `/api/v1/cqc-inbox/${inboxNews}`, allowed: PLAN_RUNNERS },
      {
        method: 'post',
        path: `/api/v1/cqc-inbox/${inboxNews}/dismiss`,
        body: { note: 'Matrix' },
        allowed: PLAN_RUNNERS,
      },
      // A report not yet published: refused (409) before CQC's API is asked for anything.
      { method: 'post', path: `/api/v1/cqc-inbox/${inboxExpected}/import`, allowed: PLAN_RUNNERS },
    ];
  });
  afterAll(() => t.close());

  it('covers every route the OpenAPI document lists', async () => {
    const { body } = await t.http.get('/api/docs-json').expect(200);
    const documented = Object.entries(
      body.paths as Record<string, Record<string, unknown>>,
    ).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
    const publicRoutes = [
      'get /health',
      'get /api/v1/reference',
      'post /api/v1/auth/sign-in',
      'post /api/v1/auth/sign-out',
      'get /api/v1/calendar/feeds/{id}',
    ];
    const covered = routes.map(
      (r) => `${r.method} ${r.path.replace(/\?.*$/, '').replace(/\/\d+/g, '/{id}')}`,
    );
    const normalise = (route: string) => route.replace(/\{[^}]+\}/g, '{id}');
    const missing = documented
      .map(normalise)
      .filter((route) => !publicRoutes.includes(route) && !covered.includes(route));
    expect(missing).toEqual([]);
  });

  function call(role: Role, route: Route) {
    const client = clients.get(role)!;
    return client[route.method](route.path).send(route.body ?? {});
  }

  it('allows and refuses exactly as the role table says, and refused writes store nothing', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const denied = ROLES.filter((role) => !route.allowed.includes(role));
      const before = route.method === 'get' ? null : await fingerprint();
      for (const role of denied) {
        const response = await call(role, route);
        const expected =
          role === 'nobody' ? [401, 'AUTHENTICATION_REQUIRED'] : [403, 'ROLE_NOT_ALLOWED'];
        if (response.status !== expected[0] || response.body.code !== expected[1]) {
          mismatches.push(
            `${role} ${route.method} ${route.path}: expected ${expected.join(' ')}, got ${response.status} ${response.body.code}`,
          );
        }
      }
      if (before)
        expect({ route: route.path, data: await fingerprint() }).toEqual({
          route: route.path,
          data: before,
        });
      for (const role of route.allowed) {
        const response = await call(role, route);
        if (response.status === 401 || response.status === 403 || response.status >= 500) {
          mismatches.push(
            `${role} ${route.method} ${route.path}: expected to be allowed, got ${response.status} ${response.body.code}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  /**
   * The same routes, called with trust A's ids by people of a second trust B only, in every
   * role: nothing of A may come back or change. B holds no data of its own, so every list
   * they may call is empty, every record is a 404 and every write a 404 or 422.
   */
  it("gives people of another trust nothing of this trust's on any route, read or write", async () => {
    // Made directly, so that nobody of trust A joins it (as buildOrganisation would arrange).
    const trustB = (
      await t.http
        .post('/api/v1/organisations')
        .send({ name: 'Second Trust', kind: 'acute' })
        .expect(201)
    ).body;
    const strangers = new Map<Role, Client>();
    for (const role of ['quality_lead', 'executive', 'owner', 'viewer'] as const) {
      const user = await buildUser(t.http, {
        role,
        memberships: [{ organisationId: trustB.id, role }],
      });
      strangers.set(role, await t.as(user));
    }
    // Routes about the caller themselves, not about any trust's data.
    const aboutMe = /^\/api\/v1\/(auth\/me|tokens|calendar\/feed)/;
    const before = await fingerprint();
    const leaks: string[] = [];
    for (const route of routes) {
      // The imports here name a new trust, not this one (a plan import also needs a file);
      // tenancy.e2e-spec.ts imports into another trust and expects a refusal.
      if (route.path.startsWith('/api/v1/imports/') || aboutMe.test(route.path)) continue;
      for (const [role, client] of strangers) {
        if (!route.allowed.includes(role)) continue;
        const response = await client[route.method](route.path).send(route.body ?? {});
        const label = `${role} ${route.method} ${route.path}: ${response.status} ${response.body?.code}`;
        if (route.method !== 'get') {
          if (![404, 422].includes(response.status)) leaks.push(label);
        } else if (route.path === '/api/v1/users') {
          const ids = (response.body.items as { id: number }[]).map((u) => u.id);
          if (ids.includes(ownerOfA)) leaks.push(`${label} lists A's owner`);
        } else if (route.path === '/api/v1/audit') {
          if (JSON.stringify(response.body.items).includes(`"action:${actionOfA}"`))
            leaks.push(`${label} shows A's action`);
        } else if (route.path === '/api/v1/organisations') {
          const ids = (response.body.items as { id: number }[]).map((o) => o.id);
          if (JSON.stringify(ids) !== JSON.stringify([trustB.id]))
            leaks.push(`${label} ${ids.join(',')}`);
        } else if (response.status === 200 && Array.isArray(response.body.items)) {
          if (response.body.total !== 0) leaks.push(`${label} total ${response.body.total}`);
        } else if (response.status !== 404) {
          leaks.push(label);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });

  it('records every refusal in the audit trail', async () => {
    const refused = await t.http.get('/api/v1/audit?action=refused&limit=500').expect(200);
    expect(refused.body.total).toBeGreaterThan(50);
    expect(refused.body.items[0]).toMatchObject({
      action: 'refused',
      entity: 'request',
      summary: expect.stringMatching(/^ROLE_NOT_ALLOWED: /),
    });
  });
});
