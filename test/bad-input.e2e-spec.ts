import { buildAction, buildCoreService, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * Every write route, fed every kind of bad input: each is a 400 naming the field, and the
 * database is left exactly as it was.
 */
/** Fields a partial update may clear with null. */
const NULLABLE = new Set([
  'description',
  'successMeasure',
  'startDate',
  'reference',
  'odsCode',
  'cqcProviderId',
  'reinspectionDate',
  'reinspectionWindowEnd',
  'visitEnd',
  'publishedOn',
  'reportReference',
  'keyQuestion',
  'qualityStatement',
  'deadline',
  'coreServiceId',
  'inspectionId',
]);

describe('bad input on every write route', () => {
  let t: TestApp;
  let routes: Route[];

  interface Route {
    method: 'post' | 'patch';
    path: string;
    body: Record<string, unknown>;
    text: string;
    /** A value of the wrong type for `text` (a number, unless that field is numeric). */
    wrongType?: unknown;
    enumField?: string;
    dates?: [earlier: string, later: string];
  }

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
    'due_date_request',
    'evidence',
    'audit_event',
  ];

  async function fingerprint(): Promise<unknown> {
    const result: Record<string, unknown> = {};
    for (const table of TABLES)
      result[table] = await t.dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    return result;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http, { reinspectionDate: '2030-06-01' });
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      startDate: '2029-01-01',
    });
    const evidence = (
      await t.http
        .post(`/api/v1/actions/${action.id}/evidence`)
        .send({ kind: 'note', title: 'Audit', note: 'ok' })
        .expect(201)
    ).body;
    const service = await buildCoreService(t.http, plan.organisation.id);
    const inspection = (
      await t.http
        .post('/api/v1/inspections')
        .send({ organisationId: plan.organisation.id, kind: 'focused', visitStart: '2017-10-02' })
        .expect(201)
    ).body;
    const rating = { scope: 'Safe', rating: 'Good', ratedOn: '2020-01-01' };
    const org = plan.organisation.id;
    const a = `/api/v1/actions/${action.id}`;
    routes = [
      {
        method: 'post',
        path: '/api/v1/users',
        body: { name: 'New Person', email: 'new.person@example.nhs.uk', role: 'owner' },
        text: 'name',
        enumField: 'role',
      },
      {
        method: 'patch',
        path: `/api/v1/users/${plan.owner.id}`,
        body: { name: 'Renamed' },
        text: 'name',
        enumField: 'role',
      },
      {
        method: 'post',
        path: '/api/v1/organisations',
        body: { name: 'New Trust', kind: 'acute' },
        text: 'name',
        enumField: 'kind',
      },
      {
        method: 'patch',
        path: `/api/v1/organisations/${org}`,
        body: { name: 'Renamed Trust' },
        text: 'name',
        enumField: 'kind',
      },
      {
        method: 'post',
        path: `/api/v1/organisations/${org}/ratings`,
        body: { ratings: [rating] },
        text: 'ratings',
      },
      {
        method: 'post',
        path: '/api/v1/core-services',
        body: {
          organisationId: org,
          name: 'Wheelchair service',
          reinspectionDate: '2030-01-01',
          reinspectionWindowEnd: '2030-02-01',
        },
        text: 'name',
        dates: ['reinspectionDate', 'reinspectionWindowEnd'],
      },
      {
        method: 'patch',
        path: `/api/v1/core-services/${service.id}`,
        body: { name: 'Renamed service' },
        text: 'name',
      },
      {
        method: 'post',
        path: `/api/v1/core-services/${service.id}/ratings`,
        body: { ratings: [rating] },
        text: 'ratings',
      },
      {
        method: 'post',
        path: '/api/v1/inspections',
        body: {
          organisationId: org,
          kind: 'focused',
          visitStart: '2020-01-01',
          visitEnd: '2020-01-10',
          reportReference: 'R1',
        },
        text: 'reportReference',
        enumField: 'kind',
        dates: ['visitStart', 'visitEnd'],
      },
      {
        method: 'patch',
        path: `/api/v1/inspections/${inspection.id}`,
        body: { reportReference: 'R2' },
        text: 'reportReference',
        enumField: 'kind',
      },
      {
        method: 'post',
        path: '/api/v1/findings',
        body: { organisationId: org, type: 'SHOULD', text: 'The trust should act.' },
        text: 'text',
        enumField: 'keyQuestion',
      },
      {
        method: 'patch',
        path: `/api/v1/findings/${plan.finding.id}`,
        body: { text: 'Edited' },
        text: 'text',
        enumField: 'type',
      },
      {
        method: 'post',
        path: '/api/v1/actions',
        body: {
          findingIds: [plan.finding.id],
          title: 'New action',
          startDate: '2029-01-01',
          dueDate: '2029-06-01',
        },
        text: 'title',
        dates: ['startDate', 'dueDate'],
      },
      { method: 'patch', path: a, body: { title: 'Edited action' }, text: 'title' },
      {
        method: 'post',
        path: `${a}/assign`,
        body: { ownerId: plan.owner.id },
        text: 'ownerId',
        wrongType: 'Tom',
      },
      {
        method: 'post',
        path: `${a}/progress`,
        body: { note: 'Progress', progress: 10 },
        text: 'note',
        enumField: 'status',
      },
      {
        method: 'post',
        path: `${a}/evidence`,
        body: { kind: 'note', title: 'More', note: 'Text' },
        text: 'title',
        enumField: 'kind',
      },
      {
        method: 'post',
        path: `${a}/evidence/${evidence.id}/review`,
        body: { decision: 'ACCEPTED', note: 'Checked' },
        text: 'note',
        enumField: 'decision',
      },
      {
        method: 'post',
        path: `${a}/due-date-requests`,
        body: { dueDate: '2030-02-01', reason: 'Delay' },
        text: 'reason',
      },
      {
        method: 'post',
        path: `${a}/due-date`,
        body: { dueDate: '2030-02-01', reason: 'Delay' },
        text: 'reason',
      },
      {
        method: 'post',
        path: `${a}/assure`,
        body: { note: 'Assured' },
        text: 'note',
      },
      {
        method: 'post',
        path: `${a}/cancel`,
        body: { reason: 'Duplicate' },
        text: 'reason',
      },
    ];
  });
  afterAll(() => t.close());

  const MEGABYTE = 'x'.repeat(1024 * 1024);

  function badBodies(
    route: Route,
  ): [label: string, body: Record<string, unknown>, field: string][] {
    const cases: [string, Record<string, unknown>, string][] = [
      ['an unknown field', { ...route.body, surprise: true }, 'surprise'],
      ['a wrong type', { ...route.body, [route.text]: route.wrongType ?? 12345 }, route.text],
      ['an empty string', { ...route.body, [route.text]: '' }, route.text],
      ['a 1 MB string', { ...route.body, [route.text]: MEGABYTE }, route.text],
    ];
    if (route.enumField)
      cases.push([
        'an unknown enum value',
        { ...route.body, [route.enumField]: 'NOT_A_VALUE' },
        route.enumField,
      ]);
    if (route.dates) {
      const [earlier, later] = route.dates;
      cases.push([
        'dates in the wrong order',
        { ...route.body, [earlier]: '2031-01-01', [later]: '2030-01-01' },
        later,
      ]);
      cases.push([
        'a date that is not YYYY-MM-DD',
        { ...route.body, [later]: '31/12/2030' },
        later,
      ]);
    }
    return cases;
  }

  it('answers 400 naming the field, and stores nothing, for every route and every kind of bad input', async () => {
    const before = await fingerprint();
    const failures: string[] = [];
    for (const route of routes) {
      for (const [label, body, field] of badBodies(route)) {
        const response = await t.http[route.method](route.path).send(body);
        const fields: string[] = (response.body.errors ?? []).map((e: { field: string }) =>
          e.field.replace(/\[\d+\].*$/, ''),
        );
        if (
          response.status !== 400 ||
          response.body.code !== 'VALIDATION_FAILED' ||
          !fields.includes(field)
        ) {
          failures.push(
            `${route.method.toUpperCase()} ${route.path} with ${label}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`,
          );
        }
        if (/\n\s+at |node_modules|\.ts:\d/.test(JSON.stringify(response.body)))
          failures.push(`${route.path}: a stack trace leaked`);
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });

  it('answers 400 naming the field when a partial update sends null for a required one', async () => {
    // Found by test/fuzz.e2e-spec.ts: null passes @IsOptional, and the column refused it with a 500.
    const patches = routes.filter((route) => route.method === 'patch');
    expect(patches.length).toBeGreaterThan(3);
    for (const route of patches) {
      const required = Object.keys(route.body).filter((key) => !NULLABLE.has(key));
      for (const field of required) {
        const before = await fingerprint();
        const response = await t.http.patch(route.path).send({ ...route.body, [field]: null });
        expect({ route: route.path, field, status: response.status }).toEqual({
          route: route.path,
          field,
          status: 400,
        });
        expect(JSON.stringify(response.body.errors)).toContain(field);
        expect(await fingerprint()).toEqual(before);
      }
    }
  });

  it('accepts the unmodified body of every route, so the 400s above came from the bad input', async () => {
    for (const route of routes) {
      const response = await t.http[route.method](route.path).send(route.body);
      expect({
        route: route.path,
        status: response.status !== 400,
      }).toEqual({
        route: route.path,
        status: true,
      });
    }
  });
});

/**
 * Bounds the database would otherwise enforce with a 500 (PostgreSQL) or not at all (SQLite):
 * each is a 400 naming what is wrong, on both databases, and nothing is stored.
 */
describe('bounds: nesting, NUL, dates, integers, offsets', () => {
  let t: TestApp;
  let plan: Awaited<ReturnType<typeof buildPlan>>;
  let action: { id: number };

  beforeAll(async () => {
    t = await createTestApp();
    plan = await buildPlan(t.http);
    action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
  });
  afterAll(() => t.close());

  const rows = async () =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM audit_event'))[0].n);
  const nest = (depth: number): unknown => (depth === 0 ? 1 : [nest(depth - 1)]);

  it('refuses JSON nested deeper than 32 before parsing it, and accepts 32', async () => {
    const before = await rows();
    const deep = `{"title":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const response = await t.http
      .post(`/api/v1/organisations`)
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'MALFORMED_BODY',
      message: expect.stringMatching(/deeper than 32/),
    });
    // 33 levels (the object and 32 arrays) is one too many; brackets inside strings do not count.
    const justOver = await t.http
      .post('/api/v1/organisations')
      .send({ name: 'Deep', extra: nest(32) });
    expect(justOver.status).toBe(400);
    expect(justOver.body.code).toBe('MALFORMED_BODY');
    const allowed = await t.http
      .post('/api/v1/organisations')
      .send({ name: `Brackets ${'['.repeat(100)}`, kind: 'community', odsCode: 'BRK1' });
    expect(allowed.status).toBe(201);
    expect(await rows()).toBe(before + 1);
  });

  it('refuses NUL characters in bodies, query strings and paths', async () => {
    const before = await rows();
    for (const [name, request] of [
      ['body', t.http.post('/api/v1/organisations').send({ name: 'A\u0000B', kind: 'community' })],
      [
        'nested body',
        t.http
          .post(`/api/v1/actions/${action.id}/progress`)
          .send({ note: 'ok', extra: { x: ['\u0000'] } }),
      ],
      ['query', t.http.get('/api/v1/actions?q=a%00b')],
      ['path', t.http.get('/api/v1/actions/1%00')],
    ] as const) {
      const response = await request;
      expect({ name, status: response.status, reason: response.body.errors?.[0]?.reason }).toEqual({
        name,
        status: 400,
        reason: 'must not contain a NUL character',
      });
    }
    expect(await rows()).toBe(before);
  });

  it('refuses dates outside 1900-01-01 to 2199-12-31', async () => {
    const before = await rows();
    for (const dueDate of ['0000-01-01', '1899-12-31', '2200-01-01', '9999-12-31']) {
      const response = await t.http
        .post('/api/v1/actions')
        .send({ findingIds: [plan.finding.id], title: 'Far off', dueDate });
      expect({ dueDate, status: response.status, field: response.body.errors?.[0]?.field }).toEqual(
        {
          dueDate,
          status: 400,
          field: 'dueDate',
        },
      );
    }
    const query = await t.http.get('/api/v1/actions?dueBefore=0000-01-01');
    expect(query.status).toBe(400);
    for (const dueDate of ['1900-01-01', '2199-12-31']) {
      await t.http
        .post('/api/v1/actions')
        .send({ findingIds: [plan.finding.id], title: 'Edge', dueDate })
        .expect(201);
    }
    expect(await rows()).toBe(before + 2);
  });

  it('refuses integers outside the column range', async () => {
    const before = await rows();
    const response = await t.http.post(`/api/v1/actions/${action.id}/evidence`).send({
      kind: 'file',
      title: 'Huge',
      fileName: 'huge.pdf',
      fileSha256: 'b'.repeat(64),
      fileSize: 2 ** 31,
    });
    expect({ status: response.status, field: response.body.errors?.[0]?.field }).toEqual({
      status: 400,
      field: 'fileSize',
    });
    for (const body of [
      { ownerId: 2 ** 31 },
      { ownerId: 1e20 },
      { version: 2 ** 31, ownerId: plan.owner.id },
    ]) {
      const assign = await t.http.post(`/api/v1/actions/${action.id}/assign`).send(body);
      expect({ body, status: assign.status }).toEqual({ body, status: 400 });
    }
    expect(await rows()).toBe(before);
  });

  it('refuses offset=1e20 and a huge limit on every list', async () => {
    const { body } = await t.http.get('/api/docs-json').expect(200);
    const lists = Object.entries(
      body.paths as Record<string, { get?: { parameters?: { name: string }[] } }>,
    )
      .filter(
        ([path, methods]) =>
          !path.includes('{') && methods.get?.parameters?.some((p) => p.name === 'offset'),
      )
      .map(([path]) => path);
    expect(lists.length).toBeGreaterThanOrEqual(6);
    for (const path of lists) {
      for (const params of [
        'offset=1e20',
        'offset=2147483648',
        'limit=1e20',
        'limit=99999999999',
      ]) {
        const response = await t.http.get(`${path}?${params}`);
        expect({ path, params, status: response.status }).toEqual({ path, params, status: 400 });
      }
    }
  });
});
