import request from 'supertest';
import { buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';
import { TestDatabase } from './test-database';

/**
 * Sessions, tokens and lockout counters live in the database, so app instances behind a load
 * balancer share them: sign in on one, act on the other, sign out on the first.
 */
describe('two app instances on one database', () => {
  let first: TestApp & { database: TestDatabase };
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp();
    second = await createTestApp({ database: first.database });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('shares sessions, tokens and sign-out', async () => {
    const password = 'two instances one truth';
    // Creating a trust is an admin's job.
    const user = await buildUser(first.http, { role: 'admin', password });
    const a = request(first.app.getHttpServer() as Parameters<typeof request>[0]);
    const b = request(second.app.getHttpServer() as Parameters<typeof request>[0]);

    const signedIn = await a
      .post('/api/v1/auth/sign-in')
      .send({ email: user.email, password })
      .expect(200);
    const cookie = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? [])[0].split(';')[0];
    const csrf: string = signedIn.body.csrfToken;

    const created = await b
      .post('/api/v1/organisations')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ name: 'Made on the second instance', kind: 'acute' })
      .expect(201);
    await a.get(`/api/v1/organisations/${created.body.id}`).set('Cookie', cookie).expect(200);

    const token = (
      await b
        .post('/api/v1/tokens')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .send({ name: 'shared' })
        .expect(201)
    ).body;
    await a.get('/api/v1/auth/me').set('Authorization', `Bearer ${token.token}`).expect(200);
    await a
      .post(`/api/v1/tokens/${token.id}/revoke`)
      .set('Authorization', `Bearer ${token.token}`)
      .expect(200);
    await b.get('/api/v1/auth/me').set('Authorization', `Bearer ${token.token}`).expect(401);

    await a
      .post('/api/v1/auth/sign-out')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .expect(204);
    await b.get('/api/v1/auth/me').set('Cookie', cookie).expect(401);
  });

  it('shares the sign-in lockout', async () => {
    const password = 'two instances one lock';
    const user = await buildUser(first.http, { password });
    const a = request(first.app.getHttpServer() as Parameters<typeof request>[0]);
    const b = request(second.app.getHttpServer() as Parameters<typeof request>[0]);
    for (let i = 0; i < 5; i++) {
      await (i % 2 ? a : b)
        .post('/api/v1/auth/sign-in')
        .send({ email: user.email, password: `wrong ${i}` })
        .expect(401);
    }
    await a.post('/api/v1/auth/sign-in').send({ email: user.email, password }).expect(401);
    await b.post('/api/v1/auth/sign-in').send({ email: user.email, password }).expect(401);
  });

  it('takes 40 writes at once across the two instances, none failing (SQLite: they wait their turn)', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? first : second).http
        .post('/api/v1/organisations')
        .send({ name: `Written at once ${i}`, kind: 'acute' }),
    );
    const statuses = (await Promise.all(writes)).map((response) => response.status);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    const listed = await first.http.get('/api/v1/organisations?limit=100').expect(200);
    const names = (listed.body.items as { name: string }[]).map((o) => o.name);
    for (let i = 0; i < 40; i++) expect(names).toContain(`Written at once ${i}`);
  });
});
