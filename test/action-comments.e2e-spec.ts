import request from 'supertest';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { buildAction, buildFinding, buildOrganisation, buildPlan, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

/** Issue 17: the conversation on each action (GET/POST /api/v1/actions/:id/comments). */
describe('comments on an action', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let actionId: number;
  let organisationId: number;
  let owner: Client;
  let lead: Client;
  let quality: Client;
  let otherOwner: Client;
  let otherExecutive: Client;
  let viewer: Client;
  let stranger: Client;
  let strangerQuality: Client;

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    organisationId = plan.organisation.id;
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    actionId = action.id;
    owner = await t.as(plan.owner);
    lead = await t.as(plan.lead);
    quality = await t.as(plan.quality);
    otherOwner = await t.as(await buildUser(t.http, { role: 'owner' }));
    otherExecutive = await t.as(await buildUser(t.http, { role: 'executive' }));
    viewer = await t.as(await buildUser(t.http, { role: 'viewer' }));
    // People of another trust only: the action's trust is not theirs.
    const elsewhere = await buildOrganisation(t.http);
    stranger = await t.as(
      await buildUser(t.http, {
        role: 'owner',
        memberships: [{ organisationId: elsewhere.id, role: 'owner' }],
      }),
    );
    strangerQuality = await t.as(
      await buildUser(t.http, {
        role: 'quality_lead',
        memberships: [{ organisationId: elsewhere.id, role: 'quality_lead' }],
      }),
    );
  });
  afterAll(() => t.close());

  const path = () => `/api/v1/actions/${actionId}/comments`;

  it('lets the owner, the executive lead, a quality lead and an admin post, and lists them oldest first', async () => {
    const posted = await owner.post(path()).send({ body: 'Ward 3 audit booked' }).expect(201);
    expect(posted.body).toMatchObject({
      actionId,
      body: 'Ward 3 audit booked',
      author: { name: expect.any(String) },
    });
    expect(posted.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await lead.post(path()).send({ body: 'Please add the ward 3 audit' }).expect(201);
    await quality.post(path()).send({ body: '  Audit template attached  ' }).expect(201);
    await t.http.post(path()).send({ body: 'Noted by the admin' }).expect(201);

    const listed = await viewer.get(path()).expect(200);
    expect(listed.body.map((c: { body: string }) => c.body)).toEqual([
      'Ward 3 audit booked',
      'Please add the ward 3 audit',
      'Audit template attached',
      'Noted by the admin',
    ]);
  });

  it('refuses viewers, owners and executives of other actions (403), and hides the action from another trust (404)', async () => {
    const before = (await t.http.get(path()).expect(200)).body.length;
    const refused = await viewer.post(path()).send({ body: 'I am only reading' }).expect(403);
    expect(refused.body.code).toBe('ROLE_NOT_ALLOWED');
    await otherOwner.post(path()).send({ body: 'Not mine' }).expect(403);
    await otherExecutive.post(path()).send({ body: 'Not my action' }).expect(403);
    for (const client of [stranger, strangerQuality]) {
      const hidden = await client.post(path()).send({ body: 'Hello' }).expect(404);
      expect(hidden.body.code).toBe('ACTION_NOT_FOUND');
      await client.get(path()).expect(404);
    }
    await t.http.get('/api/v1/actions/999999/comments').expect(404);
    expect((await t.http.get(path()).expect(200)).body.length).toBe(before);
  });

  it('refuses an empty, blank or too long comment naming the field', async () => {
    for (const body of [{}, { body: '' }, { body: '   ' }]) {
      const response = await owner.post(path()).send(body).expect(400);
      expect(response.body.errors).toContainEqual({ field: 'body', reason: 'Enter your comment' });
    }
    const long = await owner
      .post(path())
      .send({ body: 'x'.repeat(2001) })
      .expect(400);
    expect(long.body.errors).toEqual([
      { field: 'body', reason: 'Comment must be 2,000 characters or fewer' },
    ]);
    await owner
      .post(path())
      .send({ body: 'x'.repeat(2000) })
      .expect(201);
    await owner.post(path()).send({ body: 42 }).expect(400);
    await owner.post(path()).send({ body: 'ok', authorId: 1 }).expect(400);
  });

  it('says the limit on the page when a comment is too long', async () => {
    const password = 'Kestrel-harbour-lantern-42';
    const writer = await buildUser(t.http, {
      role: 'quality_lead',
      password,
      memberships: [{ organisationId, role: 'quality_lead' }],
    });
    const agent = request.agent(t.app.getHttpServer() as Parameters<typeof request.agent>[0]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email: writer.email, password, returnTo: '/' })
      .expect(303);
    const form = await agent.get(`/actions/${actionId}/comments`).expect(200);
    const csrf = /_csrf(?:" value="|=)([^"&]+)/.exec(form.text)![1];
    const before = (await t.http.get(path()).expect(200)).body.length;
    const page = await agent
      .post(`/actions/${actionId}/comments`)
      .type('form')
      .send({ _csrf: csrf, comment: 'x'.repeat(20_000) })
      .expect(400);
    expect(page.text).toContain('Comment must be 2,000 characters or fewer');
    expect(page.text).not.toContain('Comment is too long');
    expect((await t.http.get(path()).expect(200)).body.length).toBe(before);
  });

  it('has no way to edit or delete a comment', async () => {
    const [first] = (await t.http.get(path()).expect(200)).body;
    for (const route of [path(), `${path()}/${first.id}`]) {
      await t.http.patch(route).send({ body: 'Changed' }).expect(404);
      await t.http.delete(route).expect(404);
    }
    const listed = (await t.http.get(path()).expect(200)).body;
    expect(listed[0]).toEqual(first);
  });

  it('audits each comment in the action trust', async () => {
    const posted = await lead.post(path()).send({ body: 'Audited comment' }).expect(201);
    const event = await t.dataSource
      .getRepository(AuditEvent)
      .findOneByOrFail({ entity: 'action_comment', entityId: String(posted.body.id) });
    expect(event).toMatchObject({
      action: 'create',
      subject: `action:${actionId}`,
      actorId: posted.body.author.id,
      organisationId,
    });
    expect(event.changes).toContain('Audited comment');
  });

  it('stores markup as it was typed and answers it as JSON text', async () => {
    const markup = '<script>alert(1)</script><b>bold</b> & "quoted"';
    const posted = await owner.post(path()).send({ body: markup }).expect(201);
    expect(posted.body.body).toBe(markup);
    const listed = (await owner.get(path()).expect(200)).body;
    expect(listed.at(-1).body).toBe(markup);
  });

  it('keeps conversations apart per action', async () => {
    const finding = await buildFinding(t.http, organisationId);
    const other = await buildAction(t.http, [finding.id]);
    expect((await t.http.get(`/api/v1/actions/${other.id}/comments`).expect(200)).body).toEqual([]);
  });
});
