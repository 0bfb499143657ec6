import request from 'supertest';
import { hashPassword, PUBLISHED_DEMO_PASSWORD } from '../src/auth/passwords';
import { buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';
import type { TestDatabase } from './test-database';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new long passphrase';

function cookieNamed(response: request.Response, name: string): string {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0];
  if (!cookie) throw new Error(`no ${name} cookie in ${JSON.stringify(cookies)}`);
  return cookie;
}

/** Issue 14 items 8 and 11: passwords, deactivation, the last admin, demo data, caps. */
describe('account safety', () => {
  let t: TestApp & { database: TestDatabase };
  let server: Parameters<typeof request>[0];
  let address = 0;
  const nextAddress = () => `10.8.${Math.floor(++address / 250)}.${(address % 250) + 1}`;

  beforeAll(async () => {
    t = await createTestApp({ config: { trustProxy: 1 } });
    server = t.app.getHttpServer() as Parameters<typeof request>[0];
  });
  afterAll(() => t.close());

  function signIn(email: string, password = PASSWORD): request.Test {
    return request(server)
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', nextAddress())
      .send({ email, password });
  }

  async function session(email: string, password = PASSWORD) {
    const response = await signIn(email, password).expect(200);
    return { cookie: cookieNamed(response, 'tracker_session'), csrf: response.body.csrfToken };
  }

  const me = (cookie: string) => request(server).get('/api/v1/auth/me').set('Cookie', cookie);

  async function count(sql: string): Promise<number> {
    const [{ n }] = await t.dataSource.query(sql);
    return Number(n);
  }

  describe('passwords and deactivation', () => {
    it("an admin setting a user's password ends all their sessions and tokens", async () => {
      const user = await buildUser(t.http, { role: 'viewer', password: PASSWORD });
      const a = await session(user.email);
      const b = await session(user.email);
      const token = await t.as(user);
      await token.get('/api/v1/actions').expect(200);
      await t.http.patch(`/api/v1/users/${user.id}`).send({ password: NEW_PASSWORD }).expect(200);
      await me(a.cookie).expect(401);
      await me(b.cookie).expect(401);
      await token.get('/api/v1/actions').expect(401);
      await signIn(user.email, NEW_PASSWORD).expect(200);
    });

    it('setting your own password keeps the session you did it from and ends the others', async () => {
      const admin = await buildUser(t.http, { role: 'admin', password: PASSWORD });
      const here = await session(admin.email);
      const elsewhere = await session(admin.email);
      const token = await t.as(admin);
      await request(server)
        .patch(`/api/v1/users/${admin.id}`)
        .set('Cookie', here.cookie)
        .set('X-CSRF-Token', here.csrf)
        .send({ password: NEW_PASSWORD })
        .expect(200);
      await me(here.cookie).expect(200);
      await me(elsewhere.cookie).expect(401);
      await token.get('/api/v1/actions').expect(401);
    });

    it('deactivation ends sessions, tokens and the calendar feed for good: reactivating revives none', async () => {
      const user = await buildUser(t.http, { role: 'viewer', password: PASSWORD });
      const browser = await session(user.email);
      const token = await t.as(user);
      const feed = (await token.post('/api/v1/calendar/feed').expect(201)).body.path as string;
      await t.anonymous.get(feed).expect(200);
      await t.http.patch(`/api/v1/users/${user.id}`).send({ active: false }).expect(200);
      await me(browser.cookie).expect(401);
      await token.get('/api/v1/actions').expect(401);
      await t.anonymous.get(feed).expect(404);
      await t.http.patch(`/api/v1/users/${user.id}`).send({ active: true }).expect(200);
      await me(browser.cookie).expect(401);
      await token.get('/api/v1/actions').expect(401);
      // The feed's address is a bearer secret too: it stays dead (it came back on the old code).
      await t.anonymous.get(feed).expect(404);
      expect(
        await count(`SELECT COUNT(*) AS n FROM user_session WHERE user_id = ${Number(user.id)}`),
      ).toBe(0);
      expect(
        await count(
          `SELECT COUNT(*) AS n FROM api_token WHERE user_id = ${Number(user.id)} AND revoked_at IS NULL`,
        ),
      ).toBe(0);
      // The person signs in afresh.
      await signIn(user.email).expect(200);
    });
  });

  describe('the published demo password', () => {
    it('is refused as a new password', async () => {
      const { body } = await t.http
        .post('/api/v1/users')
        .send({
          name: 'Demo',
          email: `demo.${Date.now()}@example.nhs.uk`,
          role: 'viewer',
          password: PUBLISHED_DEMO_PASSWORD,
        })
        .expect(400);
      expect(body.errors).toEqual([
        { field: 'password', reason: 'password is the published demo password; choose another' },
      ]);
      const user = await buildUser(t.http);
      await t.http
        .patch(`/api/v1/users/${user.id}`)
        .send({ password: PUBLISHED_DEMO_PASSWORD })
        .expect(400);
    });

    it('is refused at sign-in outside demo mode, even where it is the stored password', async () => {
      const user = await buildUser(t.http, { role: 'admin' });
      await t.dataSource
        .createQueryBuilder()
        .update('app_user')
        .set({ passwordHash: await hashPassword(PUBLISHED_DEMO_PASSWORD) })
        .where('id = :id', { id: user.id })
        .execute();
      const refused = await signIn(user.email, PUBLISHED_DEMO_PASSWORD).expect(401);
      expect(refused.body.code).toBe('SIGN_IN_FAILED');
    });
  });

  describe('caps and purging', () => {
    it('holds at most 10 sessions per user, ending the oldest', async () => {
      const user = await buildUser(t.http, { password: PASSWORD });
      const cookies: string[] = [];
      for (let i = 0; i < 12; i++) cookies.push((await session(user.email)).cookie);
      expect(
        await count(`SELECT COUNT(*) AS n FROM user_session WHERE user_id = ${Number(user.id)}`),
      ).toBe(10);
      await me(cookies[0]).expect(401);
      await me(cookies[1]).expect(401);
      await me(cookies[2]).expect(200);
      await me(cookies[11]).expect(200);
    });

    it('holds at most 20 live tokens per user (409 TOO_MANY_TOKENS)', async () => {
      const user = await buildUser(t.http, { role: 'viewer' });
      const client = await t.as(user); // the test harness's own token is the first
      const made: number[] = [];
      for (let i = 1; i < 20; i++) {
        made.push(
          (
            await client
              .post('/api/v1/tokens')
              .send({ name: `t${i}` })
              .expect(201)
          ).body.id,
        );
      }
      const refused = await client.post('/api/v1/tokens').send({ name: 'one more' }).expect(409);
      expect(refused.body.code).toBe('TOO_MANY_TOKENS');
      await client.post(`/api/v1/tokens/${made[0]}/revoke`).expect(200);
      await client.post('/api/v1/tokens').send({ name: 'in its place' }).expect(201);
    });

    it('purges expired sessions and finished throttle counts at sign-in', async () => {
      const user = await buildUser(t.http, { password: PASSWORD });
      await session(user.email);
      const long = new Date(Date.now() - 9 * 3_600_000).toISOString();
      await t.dataSource.query(
        `UPDATE user_session SET expires_at = '${long}', last_seen_at = '${long}' WHERE user_id = ${Number(user.id)}`,
      );
      await t.dataSource.query(
        `INSERT INTO sign_in_throttle (key, failures, window_started_at, locked_until) VALUES ('client:192.0.2.1', 3, '${long}', NULL)`,
      );
      const other = await buildUser(t.http, { password: PASSWORD });
      await session(other.email);
      expect(
        await count(`SELECT COUNT(*) AS n FROM user_session WHERE user_id = ${Number(user.id)}`),
      ).toBe(0);
      expect(
        await count(`SELECT COUNT(*) AS n FROM sign_in_throttle WHERE key = 'client:192.0.2.1'`),
      ).toBe(0);
    });

    it('records at most 20 refusals per user in 10 minutes in the audit trail', async () => {
      const viewer = await buildUser(t.http, { role: 'viewer' });
      const client = await t.as(viewer);
      for (let i = 0; i < 30; i++) {
        await client.post('/api/v1/organisations').send({ name: 'x', kind: 'acute' }).expect(403);
      }
      expect(
        await count(
          `SELECT COUNT(*) AS n FROM audit_event WHERE action = 'refused' AND actor_id = ${Number(viewer.id)}`,
        ),
      ).toBe(21); // 20, and one saying the rest are not recorded
    });

    it('counts the idle timeout from the last request, to the second', async () => {
      const user = await buildUser(t.http, { password: PASSWORD });
      const { cookie } = await session(user.email);
      // Seen 50 seconds ago: a touch written once a minute would leave that in place.
      const fiftySecondsAgo = new Date(Date.now() - 50_000).toISOString();
      await t.dataSource.query(
        `UPDATE user_session SET last_seen_at = '${fiftySecondsAgo}' WHERE user_id = ${Number(user.id)}`,
      );
      await me(cookie).expect(200);
      const [row] = await t.dataSource.query(
        `SELECT last_seen_at FROM user_session WHERE user_id = ${Number(user.id)}`,
      );
      expect(Date.now() - Date.parse(row.last_seen_at)).toBeLessThan(10_000);
    });
  });
  describe('the last admin', () => {
    // Last in the file: it deactivates the harness's own admin, whose token stays revoked.
    it('cannot be demoted or deactivated, by themselves or anyone (409 LAST_ADMIN)', async () => {
      // Make every other admin inactive, so the one left is the last.
      const last = await buildUser(t.http, { role: 'admin', password: PASSWORD });
      const lastClient = await t.as(last);
      const others: { id: number }[] = await t.dataSource.query(
        `SELECT id FROM app_user WHERE role = 'admin' AND active = ${t.dataSource.options.type === 'postgres' ? 'true' : '1'} AND id <> ${Number(last.id)}`,
      );
      for (const other of others) {
        await lastClient.patch(`/api/v1/users/${other.id}`).send({ active: false }).expect(200);
      }
      const demote = await lastClient
        .patch(`/api/v1/users/${last.id}`)
        .send({ role: 'viewer' })
        .expect(409);
      expect(demote.body.code).toBe('LAST_ADMIN');
      const deactivate = await lastClient
        .patch(`/api/v1/users/${last.id}`)
        .send({ active: false })
        .expect(409);
      expect(deactivate.body.code).toBe('LAST_ADMIN');
      const stored = await lastClient.get(`/api/v1/users/${last.id}`).expect(200);
      expect(stored.body).toMatchObject({ role: 'admin', active: true });

      // With a second admin, either may step down.
      const second = await buildUser(lastClient, { role: 'viewer' });
      await lastClient.patch(`/api/v1/users/${second.id}`).send({ role: 'admin' }).expect(200);
      await lastClient.patch(`/api/v1/users/${last.id}`).send({ role: 'viewer' }).expect(200);
    });
  });
});
