import request from 'supertest';
import { buildAction, buildFinding, buildPlan, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

const PASSWORD = 'correct horse battery staple';

function sessionCookie(response: request.Response): string {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('tracker_session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(cookies)}`);
  return cookie.split(';')[0];
}

describe('accounts, sessions, tokens and the audit trail', () => {
  let t: TestApp & { database: import('./test-database').TestDatabase };
  let server: Parameters<typeof request>[0];
  beforeAll(async () => {
    t = await createTestApp();
    server = t.app.getHttpServer() as Parameters<typeof request>[0];
  });
  afterAll(() => t.close());

  function signIn(email: string, password = PASSWORD): request.Test {
    return request(server).post('/api/v1/auth/sign-in').send({ email, password });
  }

  describe('passwords', () => {
    it.each([
      ['short-pass', 'password must be at least 12 characters'],
      ['password1234', 'password is too common; choose another'],
      ['qwertyuiop!!', 'password is too common; choose another'],
      ['aaaaaaaaaaaaaa', 'password is one character repeated'],
    ])('refuses %p', async (password, reason) => {
      const { body } = await t.http
        .post('/api/v1/users')
        .send({
          name: 'Weak',
          email: `weak.${Math.random()}@example.nhs.uk`,
          role: 'owner',
          password,
        })
        .expect(400);
      expect(body.errors).toEqual([{ field: 'password', reason }]);
    });

    it('stores an argon2id hash and never shows it', async () => {
      const user = await buildUser(t.http, { password: PASSWORD });
      expect(user).not.toHaveProperty('passwordHash');
      const [row] = await t.dataSource.query(
        `SELECT password_hash FROM app_user WHERE id = ${Number(user.id)}`,
      );
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      const audit = await t.http
        .get(`/api/v1/audit?entity=app_user&entityId=${user.id}`)
        .expect(200);
      expect(JSON.stringify(audit.body)).not.toMatch(/argon2|password_hash|passwordHash/);
    });
  });

  describe('sessions', () => {
    it('signs in with a secure cookie, needs the CSRF token to write, and signs out on the server', async () => {
      // An admin, since creating a trust (the write below) is an admin's job.
      const user = await buildUser(t.http, { role: 'admin', password: PASSWORD });
      const response = await signIn(user.email).expect(200);
      expect(response.body).toMatchObject({
        user: { id: user.id, role: 'admin' },
        csrfToken: expect.any(String),
      });
      const raw = ([] as string[]).concat(response.headers['set-cookie'] ?? []).join(';');
      expect(raw).toMatch(/HttpOnly/);
      expect(raw).toMatch(/SameSite=Lax/);
      expect(raw).toMatch(/Max-Age=28800/);
      const cookie = sessionCookie(response);

      await request(server).get('/api/v1/auth/me').set('Cookie', cookie).expect(200);
      const noCsrf = await request(server)
        .post('/api/v1/organisations')
        .set('Cookie', cookie)
        .send({ name: 'Forged', kind: 'acute' })
        .expect(403);
      expect(noCsrf.body.code).toBe('CSRF_TOKEN_INVALID');
      const [{ n }] = await t.dataSource.query(
        "SELECT COUNT(*) AS n FROM organisation WHERE name = 'Forged'",
      );
      expect(Number(n)).toBe(0);
      await request(server)
        .post('/api/v1/organisations')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', response.body.csrfToken)
        .send({ name: 'Made in a session', kind: 'acute' })
        .expect(201);

      await request(server)
        .post('/api/v1/auth/sign-out')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', response.body.csrfToken)
        .expect(204);
      const after = await request(server).get('/api/v1/auth/me').set('Cookie', cookie).expect(401);
      expect(after.body.code).toBe('AUTHENTICATION_REQUIRED');
      const [{ sessions }] = await t.dataSource.query(
        `SELECT COUNT(*) AS sessions FROM user_session WHERE user_id = ${Number(user.id)}`,
      );
      expect(Number(sessions)).toBe(0);
    });

    it('ends a session that has been idle too long, or has passed its expiry', async () => {
      const user = await buildUser(t.http, { password: PASSWORD });
      const idle = sessionCookie(await signIn(user.email).expect(200));
      const expired = sessionCookie(await signIn(user.email).expect(200));
      const sessions: { id: number }[] = await t.dataSource.query(
        `SELECT id FROM user_session WHERE user_id = ${Number(user.id)} ORDER BY id`,
      );
      const longAgo = new Date(Date.now() - 31 * 60_000).toISOString();
      await t.dataSource.query(
        `UPDATE user_session SET last_seen_at = '${longAgo}' WHERE id = ${Number(sessions[0].id)}`,
      );
      await t.dataSource.query(
        `UPDATE user_session SET expires_at = '${new Date(Date.now() - 1000).toISOString()}' WHERE id = ${Number(sessions[1].id)}`,
      );
      await request(server).get('/api/v1/auth/me').set('Cookie', idle).expect(401);
      await request(server).get('/api/v1/auth/me').set('Cookie', expired).expect(401);
      const [{ left }] = await t.dataSource.query(
        `SELECT COUNT(*) AS left FROM user_session WHERE user_id = ${Number(user.id)}`,
      );
      expect(Number(left)).toBe(0);
    });

    it('pauses sign-in after repeated failures without saying whether the account exists', async () => {
      const user = await buildUser(t.http, { password: PASSWORD });
      const wrong = await signIn(user.email, 'not the password at all').expect(401);
      const unknown = await signIn('nobody.here@example.nhs.uk', 'not the password at all').expect(
        401,
      );
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.code).toBe('SIGN_IN_FAILED');
      for (let i = 0; i < 4; i++) await signIn(user.email, `wrong ${i}`).expect(401);
      // Locked now: even the right password is refused, with the same words.
      const locked = await signIn(user.email).expect(401);
      expect(locked.body).toEqual(wrong.body);
      const failures = await t.http
        .get('/api/v1/audit?action=sign_in_failed&limit=100')
        .expect(200);
      expect(failures.body.total).toBeGreaterThanOrEqual(6);
      // Counted in the database, so every app instance sees it.
      const [{ locks }] = await t.dataSource.query(
        'SELECT COUNT(*) AS locks FROM sign_in_throttle WHERE locked_until IS NOT NULL',
      );
      expect(Number(locks)).toBeGreaterThanOrEqual(1);
      await t.dataSource.query(
        "UPDATE sign_in_throttle SET locked_until = '2000-01-01T00:00:00.000Z'",
      );
      await signIn(user.email).expect(200);
    });
  });

  describe('API tokens', () => {
    it('shows a token once, lists it by name and prefix, records its use, and revokes it at once', async () => {
      const user = await buildUser(t.http, { role: 'viewer', password: PASSWORD });
      const signedIn = await signIn(user.email).expect(200);
      const cookie = sessionCookie(signedIn);
      const created = await request(server)
        .post('/api/v1/tokens')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', signedIn.body.csrfToken)
        .send({ name: 'Board pack script' })
        .expect(201);
      const token: string = created.body.token;
      expect(token).toMatch(/^cqct_/);
      expect(created.body.prefix).toBe(token.slice(0, 12));
      const [stored] = await t.dataSource.query(
        `SELECT token_hash FROM api_token WHERE id = ${Number(created.body.id)}`,
      );
      expect(stored.token_hash).not.toContain(token.slice(5));

      const bearer = `Bearer ${token}`;
      await request(server).get('/api/v1/actions').set('Authorization', bearer).expect(200);
      const listed = await request(server)
        .get('/api/v1/tokens')
        .set('Authorization', bearer)
        .expect(200);
      expect(listed.body).toEqual([
        expect.objectContaining({
          name: 'Board pack script',
          lastUsedAt: expect.any(String),
          revokedAt: null,
        }),
      ]);
      expect(listed.body[0]).not.toHaveProperty('token');

      await request(server)
        .post(`/api/v1/tokens/${created.body.id}/revoke`)
        .set('Authorization', bearer)
        .expect(200);
      const refused = await request(server)
        .get('/api/v1/actions')
        .set('Authorization', bearer)
        .expect(401);
      expect(refused.body.code).toBe('TOKEN_REVOKED');
    });

    it('refuses the token of a deactivated user', async () => {
      const user = await buildUser(t.http, { role: 'viewer' });
      const client = await t.as(user);
      await client.get('/api/v1/actions').expect(200);
      await t.http.patch(`/api/v1/users/${user.id}`).send({ active: false }).expect(200);
      await client.get('/api/v1/actions').expect(401);
    });
  });

  describe('rules of independence and ownership', () => {
    it('refuses an owner reporting on, or adding evidence to, an action they do not own', async () => {
      const plan = await buildPlan(t.http);
      const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
      const stranger = await t.as(await buildUser(t.http, { role: 'owner' }));
      const progress = await stranger
        .post(`/api/v1/actions/${action.id}/progress`)
        .send({ note: 'x', progress: 50 })
        .expect(403);
      expect(progress.body.code).toBe('NOT_ACTION_OWNER');
      const evidence = await stranger
        .post(`/api/v1/actions/${action.id}/evidence`)
        .send({ kind: 'note', title: 'x', note: 'x' })
        .expect(403);
      expect(evidence.body.code).toBe('NOT_ACTION_OWNER');
      const stored = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
      expect(stored.body).toMatchObject({ progress: 0, version: 1 });
    });

    it('refuses an executive assuring an action they do not lead', async () => {
      const plan = await buildPlan(t.http);
      const action = await buildAction(t.http, [plan.finding.id], {
        ownerId: plan.owner.id,
        executiveLeadId: plan.lead.id,
      });
      await (
        await t.as(plan.owner)
      )
        .post(`/api/v1/actions/${action.id}/progress`)
        .send({ note: 'done', status: 'COMPLETED' })
        .expect(201);
      const otherLead = await t.as(await buildUser(t.http, { role: 'executive' }));
      const { body } = await otherLead
        .post(`/api/v1/actions/${action.id}/assure`)
        .send({})
        .expect(403);
      expect(body.code).toBe('NOT_ACTION_LEAD');
    });

    it('never lets the owner assure their own action, nor the author review their own evidence', async () => {
      const plan = await buildPlan(t.http);
      // A quality lead may run the plan, but not sign off an action they own themselves.
      const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.quality.id });
      const qualityOwner = await t.as(plan.quality);
      const otherQuality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
      await qualityOwner
        .post(`/api/v1/actions/${action.id}/progress`)
        .send({ note: 'done', status: 'COMPLETED' })
        .expect(201);
      const evidence = await otherQuality
        .post(`/api/v1/actions/${action.id}/evidence`)
        .send({ kind: 'note', title: 'Audit', note: 'ok' })
        .expect(201);
      const selfReview = await otherQuality
        .post(`/api/v1/actions/${action.id}/evidence/${evidence.body.id}/review`)
        .send({ decision: 'ACCEPTED', note: 'mine' })
        .expect(403);
      expect(selfReview.body.code).toBe('REVIEWER_IS_AUTHOR');
      const ownerReview = await qualityOwner
        .post(`/api/v1/actions/${action.id}/evidence/${evidence.body.id}/review`)
        .send({ decision: 'ACCEPTED', note: 'my action' })
        .expect(403);
      expect(ownerReview.body.code).toBe('REVIEWER_IS_AUTHOR');
      await t.http
        .post(`/api/v1/actions/${action.id}/evidence/${evidence.body.id}/review`)
        .send({ decision: 'ACCEPTED', note: 'ok' })
        .expect(200);
      const selfAssure = await qualityOwner
        .post(`/api/v1/actions/${action.id}/assure`)
        .send({})
        .expect(403);
      expect(selfAssure.body.code).toBe('ASSURER_IS_OWNER');
      // Whoever submitted the accepted evidence had a hand in the work too (issue 14 item 7).
      const evidenceAuthor = await otherQuality
        .post(`/api/v1/actions/${action.id}/assure`)
        .send({})
        .expect(403);
      expect(evidenceAuthor.body.code).toBe('ASSURER_NOT_INDEPENDENT');
      const independent = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
      await independent.post(`/api/v1/actions/${action.id}/assure`).send({}).expect(200);
    });
  });

  describe('the audit trail', () => {
    it('records exactly one matching event for each change, with actor, request id and what changed', async () => {
      const plan = await buildPlan(t.http);
      const quality = await t.as(plan.quality);
      const owner = await t.as(plan.owner);
      const action = await buildAction(t.http, [plan.finding.id], {
        ownerId: plan.owner.id,
        executiveLeadId: plan.lead.id,
      });
      const a = `/api/v1/actions/${action.id}`;
      const mutations: [
        string,
        () => request.Test,
        { entity: string; action: string; actorId: number },
      ][] = [
        [
          'organisation update',
          () =>
            quality
              .patch(`/api/v1/organisations/${plan.organisation.id}`)
              .send({ name: 'Audited Trust' }),
          { entity: 'organisation', action: 'update', actorId: plan.quality.id },
        ],
        [
          'core service create',
          () =>
            quality
              .post('/api/v1/core-services')
              .send({ organisationId: plan.organisation.id, name: 'Audited service' }),
          { entity: 'core_service', action: 'create', actorId: plan.quality.id },
        ],
        [
          'finding update',
          () =>
            quality.patch(`/api/v1/findings/${plan.finding.id}`).send({ text: 'Audited words' }),
          { entity: 'finding', action: 'update', actorId: plan.quality.id },
        ],
        [
          'action update',
          () => quality.patch(a).send({ title: 'Audited title' }),
          { entity: 'action', action: 'update', actorId: plan.quality.id },
        ],
        [
          'progress update',
          () => owner.post(`${a}/progress`).send({ note: 'Audited progress', progress: 40 }),
          { entity: 'progress_update', action: 'create', actorId: plan.owner.id },
        ],
        [
          'evidence',
          () =>
            owner
              .post(`${a}/evidence`)
              .send({ kind: 'note', title: 'Audited evidence', note: 'x' }),
          { entity: 'evidence', action: 'create', actorId: plan.owner.id },
        ],
        [
          'due date',
          () =>
            quality.post(`${a}/due-date`).send({ dueDate: '2031-02-01', reason: 'Audited reason' }),
          { entity: 'due_date_change', action: 'create', actorId: plan.quality.id },
        ],
        [
          'user update',
          () => t.http.patch(`/api/v1/users/${plan.owner.id}`).send({ name: 'Audited Owner' }),
          {
            entity: 'app_user',
            action: 'update',
            actorId: expect.any(Number),
          },
        ],
      ];
      for (const [label, mutate, expected] of mutations) {
        const [{ before }] = await t.dataSource.query('SELECT COUNT(*) AS before FROM audit_event');
        const response = await mutate();
        expect({ label, status: response.status < 300 }).toEqual({ label, status: true });
        const events = await t.http
          .get(`/api/v1/audit?requestId=${String(response.headers['x-request-id'])}`)
          .expect(200);
        expect({ label, events: events.body.items }).toEqual({
          label,
          events: [expect.objectContaining(expected)],
        });
        const [{ after }] = await t.dataSource.query('SELECT COUNT(*) AS after FROM audit_event');
        expect({ label, added: Number(after) - Number(before) }).toEqual({ label, added: 1 });
      }
      const story = await t.http.get(`/api/v1/audit?subject=action:${action.id}`).expect(200);
      expect(story.body.items.map((e: { entity: string }) => e.entity).sort()).toEqual([
        'action',
        'action',
        'due_date_change',
        'evidence',
        'progress_update',
      ]);
      const update = await t.http
        .get(`/api/v1/audit?entity=action&entityId=${action.id}&action=update`)
        .expect(200);
      expect(update.body.items[0].changes).toEqual({
        before: expect.objectContaining({ title: action.title }),
        after: expect.objectContaining({ title: 'Audited title' }),
      });
      // A relink changes no column of the action, so the event must carry the ids itself.
      const second = await buildFinding(t.http, plan.organisation.id, {
        coreServiceId: plan.coreService.id,
      });
      const relinked = await quality
        .patch(a)
        .send({ findingIds: [second.id] })
        .expect(200);
      const relink = await t.http
        .get(`/api/v1/audit?requestId=${String(relinked.headers['x-request-id'])}`)
        .expect(200);
      expect(relink.body.items).toHaveLength(1);
      expect(relink.body.items[0].changes).toEqual({
        before: expect.objectContaining({ findingIds: [plan.finding.id] }),
        after: expect.objectContaining({ findingIds: [second.id] }),
      });
    });

    it('records one event for every other kind of change too', async () => {
      const plan = await buildPlan(t.http);
      const quality = await t.as(plan.quality);
      const owner = await t.as(plan.owner);
      const lead = await t.as(plan.lead);
      const reviewer = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
      const org = plan.organisation.id;
      async function expectOneEvent(
        label: string,
        response: request.Response,
        entity: string,
        action: string,
      ) {
        expect({ label, ok: response.status < 300 }).toEqual({ label, ok: true });
        const events = await t.http
          .get(`/api/v1/audit?requestId=${String(response.headers['x-request-id'])}`)
          .expect(200);
        expect({
          label,
          events: events.body.items.map(
            (e: { entity: string; action: string }) => `${e.action} ${e.entity}`,
          ),
        }).toEqual({
          label,
          events: [`${action} ${entity}`],
        });
        return response.body;
      }
      await expectOneEvent(
        'user create',
        await t.http
          .post('/api/v1/users')
          .send({ name: 'Audit U', email: 'audit.u@example.nhs.uk', role: 'viewer' }),
        'app_user',
        'create',
      );
      await expectOneEvent(
        'organisation create',
        await t.http.post('/api/v1/organisations').send({ name: 'Audit Trust', kind: 'acute' }),
        'organisation',
        'create',
      );
      await expectOneEvent(
        'trust ratings',
        await quality
          .post(`/api/v1/organisations/${org}/ratings`)
          .send({ ratings: [{ scope: 'Safe', rating: 'Good', ratedOn: '2021-01-01' }] }),
        'rating',
        'create',
      );
      await expectOneEvent(
        'core service update',
        await quality
          .patch(`/api/v1/core-services/${plan.coreService.id}`)
          .send({ reinspectionDate: '2030-03-01' }),
        'core_service',
        'update',
      );
      const inspection = await expectOneEvent(
        'inspection create',
        await quality
          .post('/api/v1/inspections')
          .send({ organisationId: org, kind: 'focused', visitStart: '2020-01-01' }),
        'inspection',
        'create',
      );
      await expectOneEvent(
        'inspection update',
        await quality.patch(`/api/v1/inspections/${inspection.id}`).send({ reportReference: 'R1' }),
        'inspection',
        'update',
      );
      await expectOneEvent(
        'finding create',
        await quality
          .post('/api/v1/findings')
          .send({ organisationId: org, type: 'SHOULD', text: 'Audit finding' }),
        'finding',
        'create',
      );
      const action = await expectOneEvent(
        'action create',
        await quality
          .post('/api/v1/actions')
          .send({ findingIds: [plan.finding.id], title: 'Audit action', dueDate: '2030-01-01' }),
        'action',
        'create',
      );
      const a = `/api/v1/actions/${action.id}`;
      await expectOneEvent(
        'assign',
        await quality
          .post(`${a}/assign`)
          .send({ ownerId: plan.owner.id, executiveLeadId: plan.lead.id }),
        'action',
        'update',
      );
      const requested = await expectOneEvent(
        'due-date request',
        await owner.post(`${a}/due-date-requests`).send({ dueDate: '2030-02-01', reason: 'x' }),
        'due_date_request',
        'create',
      );
      await expectOneEvent(
        'due-date decision',
        await lead
          .post(`${a}/due-date-requests/${requested.id}/decision`)
          .send({ decision: 'APPROVED' }),
        'due_date_change',
        'create',
      );
      await expectOneEvent(
        'completion',
        await owner.post(`${a}/progress`).send({ note: 'done', status: 'COMPLETED' }),
        'progress_update',
        'create',
      );
      const evidence = await expectOneEvent(
        'evidence',
        await owner.post(`${a}/evidence`).send({ kind: 'note', title: 'E', note: 'x' }),
        'evidence',
        'create',
      );
      await expectOneEvent(
        'evidence review',
        await reviewer
          .post(`${a}/evidence/${evidence.id}/review`)
          .send({ decision: 'ACCEPTED', note: 'ok' }),
        'evidence',
        'update',
      );
      await expectOneEvent(
        'assurance',
        await lead.post(`${a}/assure`).send({}),
        'action',
        'update',
      );
      const other = await buildAction(t.http, [plan.finding.id]);
      await expectOneEvent(
        'cancel',
        await quality.post(`/api/v1/actions/${other.id}/cancel`).send({ reason: 'Duplicate' }),
        'action',
        'update',
      );
      const token = await expectOneEvent(
        'token create',
        await owner.post('/api/v1/tokens').send({ name: 'audit' }),
        'api_token',
        'create',
      );
      await expectOneEvent(
        'token revoke',
        await owner.post(`/api/v1/tokens/${token.id}/revoke`),
        'api_token',
        'update',
      );
    });

    it('has no way to change or delete an event', async () => {
      const [{ id }] = await t.dataSource.query('SELECT MAX(id) AS id FROM audit_event');
      await t.http.patch(`/api/v1/audit/${id}`).send({ summary: 'x' }).expect(404);
      await t.http.delete(`/api/v1/audit/${id}`).expect(404);
      await t.http.post('/api/v1/audit').send({}).expect(404);
    });
  });

  describe('hardening', () => {
    it('sends security headers and keeps CORS closed', async () => {
      const response = await request(server)
        .get('/health')
        .set('Origin', 'https://evil.example')
        .expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBeDefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
