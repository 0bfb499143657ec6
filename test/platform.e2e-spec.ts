import { createTestApp, TestApp } from './test-app';

describe('health, reference data, OpenAPI and error shapes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports the app and database up on /health', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toEqual({
      status: 'ok',
      database: { type: t.dataSource.options.type, status: 'up', pendingMigrations: 0 },
    });
  });

  it('serves the CQC vocabulary', async () => {
    const { body } = await t.http.get('/api/v1/reference').expect(200);
    expect(body.keyQuestions).toEqual(['Safe', 'Effective', 'Caring', 'Responsive', 'Well-led']);
    expect(body.ratings).toContain('Requires improvement');
    expect(body.regulations).toContainEqual({
      instrument: 2014,
      number: '17',
      title: 'Good governance',
      fundamentalStandard: true,
    });
    expect(body.regulations).toContainEqual(
      expect.objectContaining({ instrument: 2010, number: '13', title: 'Management of medicines' }),
    );
    expect(Object.values(body.qualityStatements).flat()).toHaveLength(34);
    expect(body.evidenceCategories).toHaveLength(6);
    expect(body.coreServices).toContainEqual(
      expect.objectContaining({ name: 'Community health inpatient services', sector: 'community' }),
    );
  });

  it('publishes an OpenAPI document with schemas for every route', async () => {
    const { body } = await t.http.get('/api/docs-json').expect(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/organisations',
        '/api/v1/organisations/{id}/core-services',
        '/api/v1/core-services',
        '/api/v1/inspections',
        '/api/v1/findings',
        '/api/v1/actions',
        '/api/v1/actions/{id}/progress',
        '/api/v1/actions/{id}/evidence/{evidenceId}/review',
        '/api/v1/actions/{id}/due-date',
        '/api/v1/actions/{id}/assure',
        '/api/v1/actions/{id}/cancel',
        '/api/v1/users',
        '/api/v1/reference',
        '/health',
      ]),
    );
    const action = body.components.schemas.ActionDto;
    expect(action.properties.deliveryStatus.enum).toEqual([
      'OFF_TRACK',
      'AT_RISK',
      'ON_TRACK',
      'COMPLETED',
      'ASSURED',
      'CANCELLED',
    ]);
    expect(action.properties.brag.enum).toEqual(['RED', 'AMBER', 'GREEN', 'BLUE']);
    expect(body.components.schemas.CreateFindingDto.required).toEqual(
      expect.arrayContaining(['organisationId', 'type', 'text']),
    );
    expect(body.components.schemas.ActionPageDto.properties.items.items.$ref).toBe(
      '#/components/schemas/ActionDto',
    );
    expect(
      body.paths['/api/v1/actions/{id}/assure'].post.responses['409'].content['application/json']
        .schema.$ref,
    ).toBe('#/components/schemas/ErrorBodyDto');
    const page = await t.http.get('/api/docs').expect(200);
    expect(page.text).toContain('swagger');
  });

  it('sends someone opening the address without signing in to the sign-in page', async () => {
    const response = await t.anonymous.get('/').expect(303);
    expect(response.headers.location).toBe('/sign-in?returnTo=%2F');
    const page = await t.anonymous.get('/sign-in').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<h1>Sign in</h1>');
  });

  it('answers an unknown page 404 with a page, not JSON', async () => {
    const response = await t.anonymous.get('/no-such-page').expect(404);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('Page not found');
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers an unknown route 404 in the error shape', async () => {
    const { body } = await t.http.get('/api/v1/nothing-here').expect(404);
    expect(body).toEqual({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      message: 'Cannot GET /api/v1/nothing-here',
    });
  });

  it('answers malformed JSON 400 without parser internals', async () => {
    const { body } = await t.http
      .post('/api/v1/users')
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(body).toEqual({
      statusCode: 400,
      code: 'MALFORMED_BODY',
      message: 'The request body is not valid JSON',
    });
  });

  it('refuses a body over the size limit with 413, storing nothing', async () => {
    const before = await t.dataSource.query('SELECT id FROM app_user');
    const huge = JSON.stringify({
      name: 'x'.repeat(6 * 1024 * 1024),
      email: 'a@b.nhs.uk',
      role: 'owner',
    });
    const { body } = await t.http
      .post('/api/v1/users')
      .set('content-type', 'application/json')
      .send(huge)
      .expect(413);
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await t.dataSource.query('SELECT id FROM app_user')).toEqual(before);
  });

  it('answers a non-numeric id 400 naming the parameter', async () => {
    const { body } = await t.http.get('/api/v1/actions/abc').expect(400);
    expect(body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is not valid',
      errors: [{ field: 'id', reason: 'must be a whole number' }],
    });
  });
});
