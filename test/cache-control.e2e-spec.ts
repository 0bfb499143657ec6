import { buildAction, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * No shared or browser cache keeps a copy of an API answer or a download: they carry
 * people's data, whole plans and, once, a new token. Static assets may be cached.
 */
describe('Cache-Control', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is no-store on every GET route of the API, whatever the answer', async () => {
    const plan = await buildPlan(t.http);
    await buildAction(t.http, [plan.finding.id]);
    const { body } = await t.http.get('/api/docs-json').expect(200);
    const paths = Object.entries(body.paths as Record<string, Record<string, unknown>>)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) => path.replace(/\{[^}]+\}/g, '1'));
    expect(paths.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const path of paths) {
      for (const client of [t.http, t.anonymous]) {
        const response = await client.get(path);
        if (response.headers['cache-control'] !== 'no-store') {
          wrong.push(`${path} ${response.status}: ${response.headers['cache-control']}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('is no-store on the answer carrying a new token, the calendar feed and downloads', async () => {
    const token = await t.http.post('/api/v1/tokens').send({ name: 'cache test' }).expect(201);
    expect(token.headers['cache-control']).toBe('no-store');
    const feed = await t.http.post('/api/v1/calendar/feed').expect(201);
    expect(feed.headers['cache-control']).toBe('no-store');
    const ics = await t.anonymous.get(feed.body.path).expect(200);
    expect(ics.headers['cache-control']).toBe('no-store');
    for (const path of [
      '/api/v1/reports/actions?format=csv',
      '/api/v1/reports/actions?format=xlsx',
      '/api/v1/reports/findings?format=csv',
    ]) {
      const download = await t.http.get(path);
      expect({ path, status: download.status, cache: download.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        cache: 'no-store',
      });
    }
    const signIn = await t.anonymous
      .post('/api/v1/auth/sign-in')
      .send({ email: 'nobody@example.nhs.uk', password: 'not the password at all' });
    expect(signIn.headers['cache-control']).toBe('no-store');
  });

  it('lets static assets be cached', async () => {
    const css = await t.anonymous.get('/public/tracker.css').expect(200);
    expect(css.headers['cache-control']).toMatch(/max-age=\d+/);
  });
});
