import request from 'supertest';
import { DueDateRequest } from '../src/actions/due-date-request.entity';
import { AuditService } from '../src/audit/audit.service';
import { nowTimestamp } from '../src/common/dates';
import { buildAction, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * A request for a new due date ends when the date is set some other way: a direct change,
 * approving another request, or cancelling the action closes it, audited, in the same
 * transaction as the change, so the executive lead is never asked to decide something overtaken.
 */
describe('due-date requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function planned() {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
      dueDate: '2030-01-31',
    });
    return {
      plan,
      action,
      owner: await t.as(plan.owner),
      lead: await t.as(plan.lead),
      quality: await t.as(plan.quality),
      base: `/api/v1/actions/${action.id}/due-date-requests`,
    };
  }

  /**
   * A second pending request, as stored before one pending request per action was the rule:
   * the API now refuses it, but rows like it may exist, and are closed the same way.
   */
  async function olderPending(actionId: number, requestedById: number, newDueDate: string) {
    const saved = await t.dataSource.getRepository(DueDateRequest).save({
      actionId,
      requestedById,
      requestedAt: nowTimestamp(),
      newDueDate,
      reason: 'More delay',
      state: 'PENDING' as const,
      decidedById: null,
      decidedAt: null,
      decisionNote: null,
    });
    await t.app.get(AuditService).record(t.dataSource.manager, {
      action: 'create',
      entity: 'due_date_request',
      entityId: saved.id,
      subject: `action:${actionId}`,
      actorId: requestedById,
      after: saved,
    });
    return { status: 201, body: { id: saved.id } };
  }

  const auditOf = (requestId: number) =>
    t.dataSource.query(
      `SELECT action, entity, subject, changes FROM audit_event
        WHERE entity = 'due_date_request' AND entity_id = '${Number(requestId)}' ORDER BY id`,
    );

  it('closes pending requests when the executive lead changes the due date directly', async () => {
    const { action, owner, lead, base, plan } = await planned();
    const first = await owner.post(base).send({ dueDate: '2030-04-30', reason: 'Estates delay' });
    const second = await olderPending(action.id, plan.owner.id, '2030-05-31');
    expect([first.status, second.status]).toEqual([201, 201]);

    const changed = await lead
      .post(`/api/v1/actions/${action.id}/due-date`)
      .send({ dueDate: '2030-03-31', reason: 'Agreed at the CQC group' })
      .expect(200);
    expect(changed.body.dueDate).toBe('2030-03-31');

    const requests = (await t.http.get(base).expect(200)).body;
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request).toMatchObject({
        state: 'SUPERSEDED',
        decidedBy: { id: plan.lead.id },
        decisionNote: 'The due date was changed to 31 March 2030 before this request was decided.',
      });
      expect(request.decidedAt).toEqual(expect.any(String));
      const events = await auditOf(request.id);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['create', 'update']);
      expect(events[1].subject).toBe(`action:${action.id}`);
      expect(JSON.parse(events[1].changes)).toMatchObject({ after: { state: 'SUPERSEDED' } });
    }
    // Closed requests cannot then be decided.
    const late = await lead
      .post(`${base}/${first.body.id}/decision`)
      .send({ decision: 'APPROVED' })
      .expect(409);
    expect(late.body.code).toBe('DUE_DATE_REQUEST_DECIDED');
    expect((await t.http.get(`/api/v1/actions/${action.id}`).expect(200)).body.dueDate).toBe(
      '2030-03-31',
    );
  });

  it('approving one request moves the date, keeps the history and supersedes the others', async () => {
    const { action, owner, lead, base, plan } = await planned();
    const first = (await owner.post(base).send({ dueDate: '2030-04-30', reason: 'A' })).body;
    const second = (await olderPending(action.id, plan.owner.id, '2030-06-30')).body;

    const approved = await lead
      .post(`${base}/${second.id}/decision`)
      .send({ decision: 'APPROVED', note: 'Agreed' })
      .expect(200);
    expect(approved.body).toMatchObject({ dueDate: '2030-06-30', originalDueDate: '2030-01-31' });
    const states = (await t.http.get(base).expect(200)).body.map(
      (r: { id: number; state: string }) => [r.id, r.state],
    );
    expect(states).toEqual([
      [first.id, 'SUPERSEDED'],
      [second.id, 'APPROVED'],
    ]);
    const changes = await t.http.get(`/api/v1/actions/${action.id}/due-date-changes`).expect(200);
    expect(changes.body).toHaveLength(1);
    expect(changes.body[0]).toMatchObject({
      previousDueDate: '2030-01-31',
      newDueDate: '2030-06-30',
    });
    const actionEvents = await t.dataSource.query(
      `SELECT entity FROM audit_event WHERE subject = 'action:${Number(action.id)}'
         AND entity = 'due_date_change'`,
    );
    expect(actionEvents).toHaveLength(1);
  });

  it('refusing keeps the date; cancelling the action closes what is still pending', async () => {
    const { action, owner, lead, quality, base } = await planned();
    const refused = (await owner.post(base).send({ dueDate: '2030-04-30', reason: 'A' })).body;
    await lead
      .post(`${base}/${refused.id}/decision`)
      .send({ decision: 'REJECTED', note: 'Find another way' })
      .expect(200);
    expect((await t.http.get(`/api/v1/actions/${action.id}`).expect(200)).body.dueDate).toBe(
      '2030-01-31',
    );
    const waiting = (await owner.post(base).send({ dueDate: '2030-05-31', reason: 'B' })).body;
    await quality
      .post(`/api/v1/actions/${action.id}/cancel`)
      .send({ reason: 'Replaced by a trust-wide action' })
      .expect(200);
    const requests = (await t.http.get(base).expect(200)).body;
    expect(requests.map((r: { id: number; state: string }) => [r.id, r.state])).toEqual([
      [refused.id, 'REJECTED'],
      [waiting.id, 'CLOSED'],
    ]);
    expect(requests[1].decisionNote).toBe(
      'The action was cancelled before this request was decided.',
    );
  });

  it('a failed direct change leaves pending requests pending', async () => {
    const { action, owner, lead, base } = await planned();
    await owner.post(base).send({ dueDate: '2030-04-30', reason: 'A' }).expect(201);
    // A stale version is refused, and the whole change with it.
    await lead
      .post(`/api/v1/actions/${action.id}/due-date`)
      .send({ dueDate: '2030-03-31', reason: 'x', version: 1_000 })
      .expect(409);
    const requests = (await t.http.get(base).expect(200)).body;
    expect(requests.map((r: { state: string }) => r.state)).toEqual(['PENDING']);
  });

  it("tells the owner on Home what became of their requests, with the lead's reason", async () => {
    const { action, owner, lead, base, plan } = await planned();
    const asked = await owner.post(base).send({ dueDate: '2030-04-30', reason: 'Estates delay' });
    await lead
      .post(`${base}/${asked.body.id}/decision`)
      .send({ decision: 'REJECTED', note: 'Keep to the CQC deadline' })
      .expect(200);
    const home = (await owner.get(`/?organisationId=${plan.finding.organisationId}`).expect(200))
      .text;
    const section = home.slice(home.indexOf('id="request-outcomes"'));
    expect(section).toContain(`href="/actions/${action.id}"`);
    expect(section).toContain('30 April 2030');
    expect(section).toContain('<strong>Refused</strong>');
    expect(section).toContain('Keep to the CQC deadline');
  });
  it('refuses a date already gone, and a second request while one is pending, on the API and the page', async () => {
    const { action, owner, base, plan } = await planned();
    const past = await owner
      .post(base)
      .send({ dueDate: '2020-01-31', reason: 'Too late' })
      .expect(400);
    expect(past.body.errors).toEqual([{ field: 'dueDate', reason: 'Enter a date in the future' }]);
    await owner.post(base).send({ dueDate: '2030-04-30', reason: 'Estates delay' }).expect(201);
    const again = await owner
      .post(base)
      .send({ dueDate: '2030-05-31', reason: 'More delay' })
      .expect(409);
    expect(again.body).toMatchObject({
      code: 'DUE_DATE_REQUEST_PENDING',
      message: "You have already asked for a new due date; wait for the executive lead's decision",
    });
    expect((await t.http.get(base).expect(200)).body).toHaveLength(1);

    // The same on the page, signed in as the owner.
    const password = 'Kestrel-harbour-lantern-42';
    await t.http.patch(`/api/v1/users/${plan.owner.id}`).send({ password }).expect(200);
    const agent = request.agent(t.app.getHttpServer() as Parameters<typeof request.agent>[0]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email: plan.owner.email, password, returnTo: '/' })
      .expect(303);
    const form = await agent.get(`/actions/${action.id}/request-due-date`).expect(200);
    const csrf = /_csrf(?:" value="|=)([^"&]+)/.exec(form.text)![1];
    const ask = (day: string, month: string, year: string) =>
      agent.post(`/actions/${action.id}/request-due-date`).type('form').send({
        _csrf: csrf,
        'dueDate[day]': day,
        'dueDate[month]': month,
        'dueDate[year]': year,
        reason: 'Estates delay',
      });
    const pastPage = await ask('31', '1', '2020');
    expect(pastPage.status).toBe(400);
    expect(pastPage.text).toContain('Enter a date in the future');
    const pendingPage = await ask('31', '5', '2030');
    expect(pendingPage.status).toBe(409);
    expect(pendingPage.text).toContain(
      'You have already asked for a new due date; wait for the executive lead&#39;s decision',
    );
    expect((await t.http.get(base).expect(200)).body).toHaveLength(1);
  });
});
