import { buildAction, buildPlan, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';
import type { TestDatabase } from './test-database';

/**
 * Issue 14 item 7: assurance is refused to anyone who ever owned the action, posted its
 * completion, or submitted its accepted evidence, not only to its current owner.
 */
describe('independence of assurance', () => {
  let t: TestApp & { database: TestDatabase };
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** A completed action with accepted evidence, each step by the client given. */
  async function readyToAssure(options: {
    ownerId: number;
    executiveLeadId?: number;
    completedBy: Client;
    evidenceBy: Client;
    reviewer?: Client;
  }) {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: options.ownerId,
      executiveLeadId: options.executiveLeadId,
    });
    const a = `/api/v1/actions/${action.id}`;
    await options.completedBy
      .post(`${a}/progress`)
      .send({ note: 'done', status: 'COMPLETED' })
      .expect(201);
    const evidence = await options.evidenceBy
      .post(`${a}/evidence`)
      .send({ kind: 'note', title: 'Re-audit', note: 'ok' })
      .expect(201);
    await (options.reviewer ?? t.http)
      .post(`${a}/evidence/${evidence.body.id}/review`)
      .send({ decision: 'ACCEPTED', note: 'checked' })
      .expect(200);
    return { plan, action, a };
  }

  it('refuses an executive who owned the action, even after the owner is changed to someone else', async () => {
    const executive = await buildUser(t.http, { role: 'executive' });
    const owner = await buildUser(t.http, { role: 'owner' });
    const quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
    const lead = await t.as(executive);
    const { a } = await readyToAssure({
      ownerId: executive.id,
      executiveLeadId: executive.id,
      completedBy: t.http,
      evidenceBy: t.http,
      reviewer: quality,
    });
    const asOwner = await lead.post(`${a}/assure`).send({}).expect(403);
    expect(asOwner.body.code).toBe('ASSURER_IS_OWNER');
    // The bypass: hand the action to someone else, then assure your own work.
    await quality.post(`${a}/assign`).send({ ownerId: owner.id }).expect(200);
    const formerOwner = await lead.post(`${a}/assure`).send({}).expect(403);
    expect(formerOwner.body.code).toBe('ASSURER_NOT_INDEPENDENT');
    expect(formerOwner.body.message).toMatch(/owned this action/);
    const stored = await t.http.get(a).expect(200);
    expect(stored.body.status).toBe('COMPLETED');
    // Someone who never touched it may.
    const other = await buildUser(t.http, { role: 'executive' });
    await quality.post(`${a}/assign`).send({ executiveLeadId: other.id }).expect(200);
    await (await t.as(other)).post(`${a}/assure`).send({}).expect(200);
  });

  it('refuses a quality lead who owned it before it was reassigned', async () => {
    const former = await buildUser(t.http, { role: 'quality_lead' });
    const owner = await buildUser(t.http, { role: 'owner' });
    const ownerClient = await t.as(owner);
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], { ownerId: former.id });
    const a = `/api/v1/actions/${action.id}`;
    await t.http.post(`${a}/assign`).send({ ownerId: owner.id }).expect(200);
    await ownerClient.post(`${a}/progress`).send({ note: 'done', status: 'COMPLETED' }).expect(201);
    const evidence = await ownerClient
      .post(`${a}/evidence`)
      .send({ kind: 'note', title: 'E', note: 'x' })
      .expect(201);
    await t.http
      .post(`${a}/evidence/${evidence.body.id}/review`)
      .send({ decision: 'ACCEPTED', note: 'ok' })
      .expect(200);
    const refused = await (await t.as(former)).post(`${a}/assure`).send({}).expect(403);
    expect(refused.body.code).toBe('ASSURER_NOT_INDEPENDENT');
  });

  it('refuses whoever posted the completion', async () => {
    const owner = await buildUser(t.http, { role: 'owner' });
    const completer = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
    const { a } = await readyToAssure({
      ownerId: owner.id,
      completedBy: completer,
      evidenceBy: await t.as(owner),
    });
    const refused = await completer.post(`${a}/assure`).send({}).expect(403);
    expect(refused.body.code).toBe('ASSURER_NOT_INDEPENDENT');
    expect(refused.body.message).toMatch(/posted its completion/);
    await (
      await t.as(await buildUser(t.http, { role: 'quality_lead' }))
    )
      .post(`${a}/assure`)
      .send({})
      .expect(200);
  });

  it('refuses whoever submitted the accepted evidence', async () => {
    const owner = await buildUser(t.http, { role: 'owner' });
    const submitter = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
    const { a } = await readyToAssure({
      ownerId: owner.id,
      completedBy: await t.as(owner),
      evidenceBy: submitter,
    });
    const refused = await submitter.post(`${a}/assure`).send({}).expect(403);
    expect(refused.body.code).toBe('ASSURER_NOT_INDEPENDENT');
    expect(refused.body.message).toMatch(/accepted evidence/);
    const audit = await t.http.get('/api/v1/audit?action=refused&limit=5').expect(200);
    expect(audit.body.items[0].summary).toMatch(/^ASSURER_NOT_INDEPENDENT: POST/);
  });
});
