import { addDays, todayDate } from '../src/common/dates';
import { buildAction, buildPlan, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

describe('actions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const today = todayDate();
  const countHistory = async (actionId: number) =>
    Number(
      (
        await t.dataSource.query(
          `SELECT COUNT(*) AS n FROM progress_update WHERE action_id = ${Number(actionId)}`,
        )
      )[0].n,
    );

  it('goes from creation to assurance, keeping every step in the history', async () => {
    const plan = await buildPlan(t.http, { reinspectionDate: addDays(today, 90) });
    const quality = await t.as(plan.quality);
    const owner = await t.as(plan.owner);
    const created = await quality
      .post('/api/v1/actions')
      .send({
        findingIds: [plan.finding.id],
        reference: 'A1',
        title: 'Brief every ward on ligature risks',
        successMeasure: 'Audit shows 100% of staff briefed',
        startDate: today,
        dueDate: addDays(today, 60),
      })
      .expect(201);
    expect(created.body).toMatchObject({
      organisationId: plan.organisation.id,
      findingIds: [plan.finding.id],
      coreServiceIds: [plan.coreService.id],
      status: 'NOT_STARTED',
      progress: 0,
      dueDate: addDays(today, 60),
      originalDueDate: addDays(today, 60),
      reinspectionDate: addDays(today, 90),
      deliveryStatus: 'ON_TRACK',
      brag: 'GREEN',
      owner: null,
      version: 1,
      asOf: today,
    });
    const id = created.body.id;

    const assigned = await quality
      .post(`/api/v1/actions/${id}/assign`)
      .send({ ownerId: plan.owner.id, executiveLeadId: plan.lead.id, version: 1 })
      .expect(200);
    expect(assigned.body).toMatchObject({
      owner: { id: plan.owner.id },
      executiveLead: { id: plan.lead.id },
      version: 2,
    });

    const started = await owner
      .post(`/api/v1/actions/${id}/progress`)
      .send({ note: 'Briefings booked', progress: 30 })
      .expect(201);
    expect(started.body).toMatchObject({ status: 'IN_PROGRESS', progress: 30, version: 3 });

    const flagged = await owner
      .post(`/api/v1/actions/${id}/progress`)
      .send({ note: 'Trainer off sick', offTrack: true })
      .expect(201);
    expect(flagged.body).toMatchObject({
      deliveryStatus: 'OFF_TRACK',
      deliveryReason: 'FLAGGED_OFF_TRACK',
      brag: 'RED',
      progress: 30,
    });

    const completed = await owner
      .post(`/api/v1/actions/${id}/progress`)
      .send({ note: 'All wards briefed', status: 'COMPLETED' })
      .expect(201);
    expect(completed.body).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      deliveryStatus: 'COMPLETED',
      brag: 'GREEN',
    });

    // Assurance needs accepted evidence, reviewed by someone other than its author and the owner.
    const noEvidence = await quality.post(`/api/v1/actions/${id}/assure`).send({}).expect(422);
    expect(noEvidence.body.code).toBe('ASSURANCE_NEEDS_ACCEPTED_EVIDENCE');
    const evidence = await owner
      .post(`/api/v1/actions/${id}/evidence`)
      .send({
        kind: 'link',
        title: 'Briefing register',
        url: 'https://intranet.example.nhs.uk/register',
        category: 'Processes',
      })
      .expect(201);
    expect(evidence.body).toMatchObject({
      reviewState: 'SUBMITTED',
      submittedBy: { id: plan.owner.id },
      category: 'Processes',
    });
    const reviewed = await quality
      .post(`/api/v1/actions/${id}/evidence/${evidence.body.id}/review`)
      .send({ decision: 'ACCEPTED', note: 'Checked on a ward visit' })
      .expect(200);
    expect(reviewed.body).toMatchObject({
      reviewState: 'ACCEPTED',
      reviewedBy: { id: plan.quality.id },
      reviewNote: 'Checked on a ward visit',
    });
    const again = await t.http
      .post(`/api/v1/actions/${id}/evidence/${evidence.body.id}/review`)
      .send({ decision: 'REJECTED', note: 'Again' })
      .expect(409);
    expect(again.body.code).toBe('EVIDENCE_ALREADY_REVIEWED');

    const assured = await quality
      .post(`/api/v1/actions/${id}/assure`)
      .send({ note: 'Assured at committee' })
      .expect(200);
    expect(assured.body).toMatchObject({
      status: 'ASSURED',
      deliveryStatus: 'ASSURED',
      brag: 'BLUE',
      assuredBy: { id: plan.quality.id },
    });

    const history = await t.http.get(`/api/v1/actions/${id}/progress`).expect(200);
    expect(
      history.body.map(
        (u: {
          statusFrom: string;
          statusTo: string;
          progress: number;
          offTrack: boolean;
          author: { id: number };
        }) => [u.statusFrom, u.statusTo, u.progress, u.offTrack, u.author.id],
      ),
    ).toEqual([
      ['NOT_STARTED', 'IN_PROGRESS', 30, false, plan.owner.id],
      [null, null, 30, true, plan.owner.id],
      ['IN_PROGRESS', 'COMPLETED', 100, false, plan.owner.id],
      ['COMPLETED', 'ASSURED', 100, false, plan.quality.id],
    ]);
    expect(await countHistory(id)).toBe(4);
    expect((await t.http.get(`/api/v1/actions/${id}/evidence`).expect(200)).body).toHaveLength(1);
  });

  describe('illegal transitions', () => {
    async function actionIn(
      status: 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'ASSURED' | 'CANCELLED',
    ) {
      const plan = await buildPlan(t.http);
      const action = await buildAction(t.http, [plan.finding.id], {
        ownerId: plan.owner.id,
        executiveLeadId: plan.lead.id,
      });
      const owner = await t.as(plan.owner);
      const quality = await t.as(plan.quality);
      const path = (rest: string) => `/api/v1/actions/${action.id}/${rest}`;
      if (status === 'IN_PROGRESS')
        await owner.post(path('progress')).send({ note: 'go', progress: 10 }).expect(201);
      if (status === 'COMPLETED' || status === 'ASSURED') {
        await owner.post(path('progress')).send({ note: 'done', status: 'COMPLETED' }).expect(201);
      }
      if (status === 'ASSURED') {
        const ev = await owner
          .post(path('evidence'))
          .send({ kind: 'note', title: 'Audit', note: 'ok' })
          .expect(201);
        await quality
          .post(path(`evidence/${ev.body.id}/review`))
          .send({ decision: 'ACCEPTED', note: 'ok' })
          .expect(200);
        await quality.post(path('assure')).send({}).expect(200);
      }
      if (status === 'CANCELLED')
        await quality.post(path('cancel')).send({ reason: 'Duplicate' }).expect(200);
      return { action, plan, owner, quality, path };
    }

    it.each([
      ['NOT_STARTED', 'assure', 'INVALID_STATUS_TRANSITION', 409],
      ['IN_PROGRESS', 'assure', 'INVALID_STATUS_TRANSITION', 409],
      ['IN_PROGRESS', 'progress-assured', 'INVALID_STATUS_TRANSITION', 409],
      ['IN_PROGRESS', 'progress-cancelled', 'INVALID_STATUS_TRANSITION', 409],
      ['IN_PROGRESS', 'progress-not-started', 'INVALID_STATUS_TRANSITION', 409],
      ['IN_PROGRESS', 'complete-at-80', 'COMPLETION_NEEDS_FULL_PROGRESS', 422],
      ['COMPLETED', 'cancel', 'INVALID_STATUS_TRANSITION', 409],
      ['COMPLETED', 'progress', 'ACTION_CLOSED', 409],
      ['COMPLETED', 'due-date', 'ACTION_CLOSED', 409],
      ['ASSURED', 'cancel', 'INVALID_STATUS_TRANSITION', 409],
      ['ASSURED', 'assure', 'INVALID_STATUS_TRANSITION', 409],
      ['ASSURED', 'progress', 'ACTION_CLOSED', 409],
      ['CANCELLED', 'progress', 'ACTION_CLOSED', 409],
      ['CANCELLED', 'reopen', 'ACTION_CLOSED', 409],
      ['CANCELLED', 'cancel', 'INVALID_STATUS_TRANSITION', 409],
      ['CANCELLED', 'evidence', 'ACTION_CLOSED', 409],
    ] as const)('from %s, %s is refused with %s', async (status, attempt, code, httpStatus) => {
      const { action, owner, quality, path } = await actionIn(status);
      const before = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
      const historyBefore = await countHistory(action.id);
      const attempts = {
        assure: () => quality.post(path('assure')).send({}),
        'progress-assured': () =>
          owner.post(path('progress')).send({ note: 'x', status: 'ASSURED' }),
        'progress-cancelled': () =>
          owner.post(path('progress')).send({ note: 'x', status: 'CANCELLED' }),
        'progress-not-started': () =>
          owner.post(path('progress')).send({ note: 'x', status: 'NOT_STARTED', progress: 0 }),
        'complete-at-80': () =>
          owner.post(path('progress')).send({ note: 'x', status: 'COMPLETED', progress: 80 }),
        cancel: () => quality.post(path('cancel')).send({ reason: 'No longer needed' }),
        progress: () => owner.post(path('progress')).send({ note: 'x', progress: 50 }),
        reopen: () => owner.post(path('progress')).send({ note: 'x', status: 'IN_PROGRESS' }),
        'due-date': () =>
          quality.post(path('due-date')).send({ dueDate: '2031-01-01', reason: 'Later' }),
        evidence: () => owner.post(path('evidence')).send({ kind: 'note', title: 'x', note: 'x' }),
      };
      const response = await attempts[attempt]().expect(httpStatus);
      expect(response.body.code).toBe(code);
      const after = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
      expect(after.body).toEqual(before.body);
      expect(await countHistory(action.id)).toBe(historyBefore);
    });

    it('reopens an assured action whose improvement did not last', async () => {
      const { action, owner } = await actionIn('ASSURED');
      const reopened = await owner
        .post(`/api/v1/actions/${action.id}/progress`)
        .send({ note: 'Re-audit found gaps', status: 'IN_PROGRESS', progress: 70 })
        .expect(201);
      expect(reopened.body).toMatchObject({
        id: action.id,
        status: 'IN_PROGRESS',
        progress: 70,
        assuredBy: null,
      });
    });
  });

  it('moves the due date only with a reason, keeping the original and listing every change', async () => {
    const plan = await buildPlan(t.http);
    const quality = await t.as(plan.quality);
    const action = await buildAction(t.http, [plan.finding.id], {
      startDate: '2029-01-01',
      dueDate: '2030-01-31',
    });
    const path = `/api/v1/actions/${action.id}/due-date`;
    const noReason = await quality.post(path).send({ dueDate: '2030-03-31' }).expect(400);
    expect(noReason.body.errors).toContainEqual({
      field: 'reason',
      reason: 'reason must not be empty',
    });
    await quality.post(path).send({ dueDate: '2030-01-31', reason: 'Same' }).expect(422);
    const beforeStart = await quality
      .post(path)
      .send({ dueDate: '2028-12-31', reason: 'Typo' })
      .expect(400);
    expect(beforeStart.body.errors).toEqual([
      { field: 'dueDate', reason: 'must not be before startDate (2029-01-01)' },
    ]);

    await quality
      .post(path)
      .send({ dueDate: '2030-03-31', reason: 'Contractor delay' })
      .expect(200);
    const moved = await quality
      .post(path)
      .set('If-Match', '"2"')
      .send({ dueDate: '2030-06-30', reason: 'Funding moved to Q1' })
      .expect(200);
    expect(moved.body).toMatchObject({
      dueDate: '2030-06-30',
      originalDueDate: '2030-01-31',
      version: 3,
    });

    const changes = await t.http.get(`/api/v1/actions/${action.id}/due-date-changes`).expect(200);
    expect(
      changes.body.map(
        (c: {
          previousDueDate: string;
          newDueDate: string;
          reason: string;
          changedBy: { id: number };
        }) => [c.previousDueDate, c.newDueDate, c.reason, c.changedBy.id],
      ),
    ).toEqual([
      ['2030-01-31', '2030-03-31', 'Contractor delay', plan.quality.id],
      ['2030-03-31', '2030-06-30', 'Funding moved to Q1', plan.quality.id],
    ]);
    const stored = await t.dataSource.query(
      `SELECT due_date, original_due_date FROM action WHERE id = ${Number(action.id)}`,
    );
    expect(stored).toEqual([{ due_date: '2030-06-30', original_due_date: '2030-01-31' }]);
  });

  it('lets an owner request a new due date that the executive lead approves or rejects', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
      dueDate: '2030-01-31',
    });
    const owner = await t.as(plan.owner);
    const lead = await t.as(plan.lead);
    const otherLead = await t.as(await buildUser(t.http, { role: 'executive' }));
    const base = `/api/v1/actions/${action.id}/due-date-requests`;

    const first = await owner
      .post(base)
      .send({ dueDate: '2030-04-30', reason: 'Estates delay' })
      .expect(201);
    expect(first.body).toMatchObject({
      state: 'PENDING',
      newDueDate: '2030-04-30',
      requestedBy: { id: plan.owner.id },
    });
    // Asking does not move the date.
    expect((await t.http.get(`/api/v1/actions/${action.id}`).expect(200)).body.dueDate).toBe(
      '2030-01-31',
    );
    // Owners cannot move dates themselves, and only the action's own executive lead decides.
    expect(
      (
        await owner
          .post(`/api/v1/actions/${action.id}/due-date`)
          .send({ dueDate: '2030-04-30', reason: 'x' })
          .expect(403)
      ).body.code,
    ).toBe('ROLE_NOT_ALLOWED');
    const notTheirs = await otherLead
      .post(`${base}/${first.body.id}/decision`)
      .send({ decision: 'APPROVED' })
      .expect(403);
    expect(notTheirs.body.code).toBe('NOT_ACTION_LEAD');

    const approved = await lead
      .post(`${base}/${first.body.id}/decision`)
      .send({ decision: 'APPROVED', note: 'Agreed at CQC group' })
      .expect(200);
    expect(approved.body).toMatchObject({ dueDate: '2030-04-30', originalDueDate: '2030-01-31' });
    await lead.post(`${base}/${first.body.id}/decision`).send({ decision: 'REJECTED' }).expect(409);

    const second = await owner
      .post(base)
      .send({ dueDate: '2030-09-30', reason: 'More delay' })
      .expect(201);
    await lead
      .post(`${base}/${second.body.id}/decision`)
      .send({ decision: 'REJECTED', note: 'Find another way' })
      .expect(200);
    const requests = await t.http.get(base).expect(200);
    expect(requests.body.map((r: { state: string }) => r.state)).toEqual(['APPROVED', 'REJECTED']);
    const changes = await t.http.get(`/api/v1/actions/${action.id}/due-date-changes`).expect(200);
    expect(changes.body).toHaveLength(1);
    expect(changes.body[0]).toMatchObject({
      newDueDate: '2030-04-30',
      changedBy: { id: plan.lead.id },
    });
    expect((await t.http.get(`/api/v1/actions/${action.id}`).expect(200)).body.dueDate).toBe(
      '2030-04-30',
    );
  });

  it('refuses a stale version on every versioned write, changing nothing', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
    const owner = await t.as(plan.owner);
    await t.http
      .patch(`/api/v1/actions/${action.id}`)
      .send({ title: 'Renamed', version: 1 })
      .expect(200);
    const writes = [
      t.http.patch(`/api/v1/actions/${action.id}`).send({ title: 'Stale', version: 1 }),
      t.http
        .post(`/api/v1/actions/${action.id}/assign`)
        .set('If-Match', '1')
        .send({ ownerId: plan.lead.id }),
      owner
        .post(`/api/v1/actions/${action.id}/progress`)
        .send({ note: 'x', progress: 5, version: 1 }),
      t.http
        .post(`/api/v1/actions/${action.id}/due-date`)
        .send({ dueDate: '2031-01-01', reason: 'x', version: 1 }),
      t.http.post(`/api/v1/actions/${action.id}/cancel`).send({ reason: 'x', version: 1 }),
    ];
    for (const write of writes) {
      const response = await write;
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('VERSION_CONFLICT');
    }
    const after = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
    expect(after.body).toMatchObject({
      title: 'Renamed',
      version: 2,
      owner: { id: plan.owner.id },
      progress: 0,
      status: 'NOT_STARTED',
    });
  });

  it('refuses people who do not exist or are inactive, and findings of two organisations', async () => {
    const plan = await buildPlan(t.http);
    const other = await buildPlan(t.http);
    const gone = await buildUser(t.http, { active: false });
    const base = { findingIds: [plan.finding.id], title: 'x', dueDate: '2030-01-01' };
    const unknownOwner = await t.http
      .post('/api/v1/actions')
      .send({ ...base, ownerId: 99999 })
      .expect(422);
    expect(unknownOwner.body).toMatchObject({
      code: 'INVALID_REFERENCE',
      errors: [{ field: 'ownerId', reason: 'no user 99999' }],
    });
    const inactive = await t.http
      .post('/api/v1/actions')
      .send({ ...base, ownerId: gone.id })
      .expect(422);
    expect(inactive.body.code).toBe('USER_INACTIVE');
    const mixed = await t.http
      .post('/api/v1/actions')
      .send({ ...base, findingIds: [plan.finding.id, other.finding.id] })
      .expect(422);
    expect(mixed.body.code).toBe('FINDINGS_FROM_DIFFERENT_ORGANISATIONS');
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM action WHERE organisation_id IN (${Number(plan.organisation.id)}, ${Number(other.organisation.id)})`,
    );
    expect(Number(n)).toBe(0);
  });
});
