import fc from 'fast-check';
import { buildAction, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * Property-based bad input: generated bodies, query strings and files sent to every write and
 * import route. Whatever arrives, the answer is never a 5xx, and a refused request (4xx)
 * stores nothing. Bodies start from a valid one with fields replaced by arbitrary JSON,
 * removed or added, so the generator reaches past the first validation error.
 */
jest.setTimeout(240_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** Cheap evidence that nothing changed: row counts, and the sum of versions and edit times. */
const FINGERPRINT_SQL = `SELECT
  (SELECT COUNT(*) FROM app_user) AS users, (SELECT MAX(updated_at) FROM app_user) AS users_at,
  (SELECT COUNT(*) FROM organisation) AS organisations, (SELECT MAX(updated_at) FROM organisation) AS organisations_at,
  (SELECT COUNT(*) FROM core_service) AS services, (SELECT MAX(updated_at) FROM core_service) AS services_at,
  (SELECT COUNT(*) FROM rating) AS ratings,
  (SELECT COUNT(*) FROM inspection) AS inspections, (SELECT MAX(updated_at) FROM inspection) AS inspections_at,
  (SELECT COUNT(*) FROM finding) AS findings, (SELECT SUM(version) FROM finding) AS finding_versions,
  (SELECT COUNT(*) FROM action) AS actions, (SELECT SUM(version) FROM action) AS action_versions,
  (SELECT COUNT(*) FROM action_finding) AS links,
  (SELECT COUNT(*) FROM progress_update) AS updates,
  (SELECT COUNT(*) FROM due_date_change) AS due_changes,
  (SELECT COUNT(*) FROM due_date_request) AS due_requests,
  (SELECT COUNT(*) FROM evidence) AS evidence, (SELECT MAX(reviewed_at) FROM evidence) AS reviews_at,
  (SELECT COUNT(*) FROM api_token) AS tokens,
  (SELECT COUNT(*) FROM import_record) AS imports,
  (SELECT COUNT(*) FROM calendar_feed) AS feeds`;

/** Nested arrays `depth` deep, around a value. */
const nested = (depth: number, inner: unknown = 1): unknown =>
  depth === 0 ? inner : [nested(depth - 1, inner)];

/**
 * Values that once reached the database and answered 500 (or were stored silently on
 * SQLite): NUL characters, dates outside 1900-2199, integers outside a 32-bit column,
 * 1e20, and nesting deeper than 32.
 */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '0000-01-01',
    '1899-12-31',
    '2200-01-01',
    '9999-12-31',
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53,
    1e20,
    -1e20,
  ),
  fc.string({ maxLength: 8 }).map((text) => `${text}\u0000${text}`),
  fc.integer({ min: 33, max: 200 }).map((depth) => nested(depth)),
  fc.integer({ min: 33, max: 60 }).map((depth) => ({ deep: nested(depth, { x: '\u0000' }) })),
);

/** Arbitrary JSON, and sometimes one of the hostile values. */
const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: hostile },
);

/** A valid body with some fields replaced by arbitrary JSON, some removed, some added. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const edits = fc.record({
    replace: fc.dictionary(fc.constantFrom(...keys), anyValue, {
      maxKeys: keys.length,
    }),
    remove: fc.subarray(keys),
    extra: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), {
      maxKeys: 2,
    }),
  });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: edits.map(({ replace, remove, extra }) => {
        const body: Record<string, unknown> = { ...valid, ...replace, ...extra };
        for (const key of remove) delete body[key];
        return body;
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

describe('bad input, generated', () => {
  let t: TestApp;
  let writes: { method: 'post' | 'patch'; path: string; body: Record<string, unknown> }[];
  const fingerprint = async () => (await t.dataSource.query(FINGERPRINT_SQL))[0] as object;

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    const org = plan.organisation.id;
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    const owner = await t.as(plan.owner);
    const evidence = (
      await owner
        .post(`/api/v1/actions/${action.id}/evidence`)
        .send({ kind: 'note', title: 'Audit', note: 'Done' })
        .expect(201)
    ).body;
    const request = (
      await owner
        .post(`/api/v1/actions/${action.id}/due-date-requests`)
        .send({ dueDate: '2030-06-01', reason: 'Delay' })
        .expect(201)
    ).body;
    const inspection = (
      await t.http
        .post('/api/v1/inspections')
        .send({ organisationId: org, kind: 'focused', visitStart: '2020-01-01' })
        .expect(201)
    ).body;
    const a = `/api/v1/actions/${action.id}`;
    const rating = { scope: 'Safe', rating: 'Good', ratedOn: '2024-01-01' };
    writes = [
      { method: 'post', path: '/api/v1/tokens', body: { name: 'fuzz' } },
      {
        method: 'post',
        path: '/api/v1/users',
        body: { name: 'New', email: 'fuzz.new@example.nhs.uk', role: 'viewer' },
      },
      { method: 'patch', path: `/api/v1/users/${plan.owner.id}`, body: { name: 'Renamed' } },
      {
        method: 'post',
        path: '/api/v1/organisations',
        body: { name: 'Fuzz Trust', kind: 'acute' },
      },
      { method: 'patch', path: `/api/v1/organisations/${org}`, body: { name: 'Renamed Trust' } },
      { method: 'post', path: `/api/v1/organisations/${org}/ratings`, body: rating },
      {
        method: 'post',
        path: '/api/v1/core-services',
        body: { organisationId: org, name: 'Fuzz service' },
      },
      {
        method: 'patch',
        path: `/api/v1/core-services/${plan.coreService.id}`,
        body: { reinspectionDate: '2030-01-01', reinspectionConfirmed: true },
      },
      {
        method: 'post',
        path: `/api/v1/core-services/${plan.coreService.id}/ratings`,
        body: rating,
      },
      {
        method: 'post',
        path: '/api/v1/inspections',
        body: { organisationId: org, kind: 'focused', visitStart: '2021-01-01' },
      },
      {
        method: 'patch',
        path: `/api/v1/inspections/${inspection.id}`,
        body: { reportReference: 'R9', visitEnd: '2021-01-02' },
      },
      {
        method: 'post',
        path: '/api/v1/findings',
        body: {
          organisationId: org,
          type: 'MUST',
          text: 'Fuzz finding',
          regulations: [{ instrument: 2014, number: '12' }],
        },
      },
      { method: 'patch', path: `/api/v1/findings/${plan.finding.id}`, body: { text: 'Edited' } },
      {
        method: 'post',
        path: '/api/v1/actions',
        body: { findingIds: [plan.finding.id], title: 'Fuzz action', dueDate: '2030-01-01' },
      },
      { method: 'patch', path: a, body: { description: 'Edited', startDate: '2025-01-01' } },
      { method: 'post', path: `${a}/assign`, body: { ownerId: plan.owner.id } },
      { method: 'post', path: `${a}/progress`, body: { note: 'Update', progress: 20 } },
      {
        method: 'post',
        path: `${a}/evidence`,
        body: { kind: 'link', title: 'T', url: 'https://x.nhs.uk' },
      },
      {
        method: 'post',
        path: `${a}/evidence/${evidence.id}/review`,
        body: { decision: 'REJECTED', note: 'Thin' },
      },
      { method: 'post', path: `${a}/due-date`, body: { dueDate: '2031-01-01', reason: 'Slipped' } },
      {
        method: 'post',
        path: `${a}/due-date-requests`,
        body: { dueDate: '2030-07-01', reason: 'x' },
      },
      {
        method: 'post',
        path: `${a}/due-date-requests/${request.id}/decision`,
        body: { decision: 'REJECTED', note: 'No' },
      },
      { method: 'post', path: `${a}/assure`, body: { note: 'Assured' } },
      { method: 'post', path: `${a}/cancel`, body: { reason: 'Superseded' } },
      {
        method: 'post',
        path: '/api/v1/imports/report',
        body: {
          text: 'Fuzz NHS Trust\nAction the trust MUST take to improve\n• The trust must act.',
        },
      },
      {
        method: 'post',
        path: '/api/v1/imports/cqc-json',
        body: { providerId: 'FZ1', name: 'Fuzz NHS Trust' },
      },
    ];
  });

  afterAll(() => t.close());

  it('answers every generated body with a non-5xx, and a refusal stores nothing', async () => {
    const statuses = new Map<string, Set<number>>();
    for (const route of writes) {
      await fc.assert(
        fc.asyncProperty(mutated(route.body), async (body) => {
          const before = await fingerprint();
          const response = await t.http[route.method](route.path)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          if (response.status >= 500) {
            throw new Error(
              `${route.method} ${route.path} answered ${response.status} to ${JSON.stringify(body)}`,
            );
          }
          if (response.status >= 400) expect(await fingerprint()).toEqual(before);
          statuses.set(route.path, (statuses.get(route.path) ?? new Set()).add(response.status));
        }),
        { numRuns: RUNS },
      );
    }
    // The generator got past authentication and routing to the validation of every route.
    for (const route of writes) expect([...statuses.get(route.path)!]).toContain(400);
  });

  it('answers generated query strings on imports and lists with a non-5xx', async () => {
    const paths = [
      '/api/v1/actions',
      '/api/v1/findings',
      '/api/v1/users',
      '/api/v1/organisations',
      '/api/v1/core-services',
      '/api/v1/inspections',
      '/api/v1/tokens',
      '/api/v1/audit',
      '/api/v1/readiness',
      '/api/v1/reports/actions',
      '/api/v1/reports/board',
      '/api/v1/imports/report',
      '/api/v1/imports/plan',
    ];
    const query = fc.dictionary(
      fc.constantFrom(
        'organisationId',
        'limit',
        'offset',
        'sort',
        'order',
        'asOf',
        'brag',
        'status',
        'q',
        'dryRun',
        'format',
        'dueBefore',
        'overdue',
        'coreServiceId',
      ),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer().map(String),
        fc.constant(''),
        fc.constantFrom('1e20', '2147483648', '99999999999', '0000-01-01', '2200-01-01', 'a\u0000'),
      ),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), query, async (path, params) => {
        const before = await fingerprint();
        const search = new URLSearchParams(params).toString();
        const write = path.includes('/imports/');
        const response = await (write
          ? t.http.post(`${path}?${search}`).send({})
          : t.http.get(`${path}?${search}`));
        if (response.status >= 500)
          throw new Error(`${path}?${search} answered ${response.status}`);
        if (response.status >= 400) expect(await fingerprint()).toEqual(before);
      }),
      { numRuns: RUNS * 6 },
    );
  });

  it('answers generated path ids with a non-5xx', async () => {
    const id = fc.oneof(
      fc.integer({ min: -10, max: 10 }).map(String),
      fc.bigInt({ min: 2n ** 31n - 2n, max: 2n ** 70n }).map(String),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const paths = fc.constantFrom(
      '/api/v1/actions/ID',
      '/api/v1/actions/ID/progress',
      '/api/v1/findings/ID',
      '/api/v1/organisations/ID',
      '/api/v1/core-services/ID',
      '/api/v1/readiness/core-services/ID',
      '/api/v1/users/ID',
    );
    await fc.assert(
      fc.asyncProperty(paths, id, async (path, value) => {
        const response = await t.http.get(path.replace('ID', value));
        if (response.status >= 500)
          throw new Error(`${path} with ${value} answered ${response.status}`);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('refuses generated files on every import route and stores nothing', async () => {
    const routes = [
      '/api/v1/imports/report',
      '/api/v1/imports/cqc-json',
      '/api/v1/imports/plan?organisationId=1',
    ];
    const names = fc.constantFrom(
      'report.pdf',
      'report.txt',
      'plan.xlsx',
      'plan.csv',
      'data.json',
      'x',
    );
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      // Files that start like the real thing, then go wrong.
      fc
        .uint8Array({ maxLength: 500 })
        .map((tail) => Buffer.concat([Buffer.from('%PDF-1.7\n'), tail])),
      fc
        .uint8Array({ maxLength: 500 })
        .map((tail) => Buffer.concat([Buffer.from('PK\u0003\u0004'), tail])),
      fc
        .string({ maxLength: 300 })
        .map((text) => Buffer.from(`Reference,Finding,Action,Owner,Due date\n${text}`)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), names, content, async (route, name, bytes) => {
        const before = await fingerprint();
        const response = await t.http.post(route).attach('file', Buffer.from(bytes), name);
        if (response.status >= 500)
          throw new Error(`${route} answered ${response.status} to ${name}`);
        if (response.status >= 400) expect(await fingerprint()).toEqual(before);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
