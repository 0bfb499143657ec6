import { todayDate, addDays } from '../src/common/dates';
import { buildAction, buildPlan, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

describe('actions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const today = todayDate();

  it('goes from creation to assurance, keeping every step in the history', async () => {
    const plan = await buildPlan(t.http, { reinspectionDate: addDays(today, 90) });
    const created = await t.http
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

    const assigned = await t.http
      .post(`/api/v1/actions/${id}/assign`)
      .send({ ownerId: plan.owner.id, executiveLeadId: plan.lead.id, version: 1 })
      .expect(200);
    expect(assigned.body).toMatchObject({
      owner: { id: plan.owner.id },
      executiveLead: { id: plan.lead.id },
      version: 2,
    });

    const started = await t.http
      .post(`/api/v1/actions/${id}/progress`)
      .send({ authorId: plan.owner.id, note: 'Briefings booked', progress: 30 })
      .expect(201);
    expect(started.body).toMatchObject({ status: 'IN_PROGRESS', progress: 30, version: 3 });

    const flagged = await t.http
      .post(`/api/v1/actions/${id}/progress`)
      .send({ authorId: plan.owner.id, note: 'Trainer off sick', offTrack: true })
      .expect(201);
    expect(flagged.body).toMatchObject({
      deliveryStatus: 'OFF_TRACK',
      deliveryReason: 'FLAGGED_OFF_TRACK',
      brag: 'RED',
      progress: 30,
    });

    const completed = await t.http
      .post(`/api/v1/actions/${id}/progress`)
      .send({ authorId: plan.owner.id, note: 'All wards briefed', status: 'COMPLETED' })
      .expect(201);
    expect(completed.body).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      deliveryStatus: 'COMPLETED',
      brag: 'GREEN',
    });

    // Assurance needs accepted evidence, reviewed by someone other than its author and the owner.
    const noEvidence = await t.http
      .post(`/api/v1/actions/${id}/assure`)
      .send({ assurerId: plan.quality.id })
      .expect(422);
    expect(noEvidence.body.code).toBe('ASSURANCE_NEEDS_ACCEPTED_EVIDENCE');
    const evidence = await t.http
      .post(`/api/v1/actions/${id}/evidence`)
      .send({
        submittedById: plan.owner.id,
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
    const selfReview = await t.http
      .post(`/api/v1/actions/${id}/evidence/${evidence.body.id}/review`)
      .send({ reviewerId: plan.owner.id, decision: 'ACCEPTED', note: 'Looks fine' })
      .expect(422);
    expect(selfReview.body.code).toBe('REVIEWER_IS_AUTHOR');
    const reviewed = await t.http
      .post(`/api/v1/actions/${id}/evidence/${evidence.body.id}/review`)
      .send({ reviewerId: plan.quality.id, decision: 'ACCEPTED', note: 'Checked on a ward visit' })
      .expect(200);
    expect(reviewed.body).toMatchObject({
      reviewState: 'ACCEPTED',
      reviewedBy: { id: plan.quality.id },
      reviewNote: 'Checked on a ward visit',
    });
    await t.http
      .post(`/api/v1/actions/${id}/evidence/${evidence.body.id}/review`)
      .send({ reviewerId: plan.lead.id, decision: 'REJECTED', note: 'Again' })
      .expect(409);

    const byOwner = await t.http
      .post(`/api/v1/actions/${id}/assure`)
      .send({ assurerId: plan.owner.id })
      .expect(422);
    expect(byOwner.body.code).toBe('ASSURER_IS_OWNER');
    const assured = await t.http
      .post(`/api/v1/actions/${id}/assure`)
      .send({ assurerId: plan.quality.id, note: 'Assured at committee' })
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
        (u: { statusFrom: string; statusTo: string; progress: number; offTrack: boolean }) => [
          u.statusFrom,
          u.statusTo,
          u.progress,
          u.offTrack,
        ],
      ),
    ).toEqual([
      ['NOT_STARTED', 'IN_PROGRESS', 30, false],
      [null, null, 30, true],
      ['IN_PROGRESS', 'COMPLETED', 100, false],
      ['COMPLETED', 'ASSURED', 100, false],
    ]);
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM progress_update WHERE action_id = ${Number(id)}`,
    );
    expect(Number(n)).toBe(4);
    const evidenceList = await t.http.get(`/api/v1/actions/${id}/evidence`).expect(200);
    expect(evidenceList.body).toHaveLength(1);
  });

  describe('illegal transitions', () => {
    async function actionIn(
      status: 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'ASSURED' | 'CANCELLED',
    ) {
      const plan = await buildPlan(t.http);
      const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
      const post = (path: string, body: object) =>
        t.http.post(`/api/v1/actions/${action.id}/${path}`).send(body);
      if (status === 'IN_PROGRESS')
        await post('progress', { authorId: plan.owner.id, note: 'go', progress: 10 }).expect(201);
      if (status === 'COMPLETED' || status === 'ASSURED') {
        await post('progress', {
          authorId: plan.owner.id,
          note: 'done',
          status: 'COMPLETED',
        }).expect(201);
      }
      if (status === 'ASSURED') {
        const ev = await post('evidence', {
          submittedById: plan.owner.id,
          kind: 'note',
          title: 'Audit',
          note: 'ok',
        }).expect(201);
        await post(`evidence/${ev.body.id}/review`, {
          reviewerId: plan.quality.id,
          decision: 'ACCEPTED',
          note: 'ok',
        }).expect(200);
        await post('assure', { assurerId: plan.quality.id }).expect(200);
      }
      if (status === 'CANCELLED')
        await post('cancel', { cancelledById: plan.quality.id, reason: 'Duplicate' }).expect(200);
      return { action, plan, post };
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
      const { action, plan, post } = await actionIn(status);
      const before = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
      const [{ n: historyBefore }] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM progress_update WHERE action_id = ${Number(action.id)}`,
      );
      const by = plan.owner.id;
      const attempts = {
        assure: () => post('assure', { assurerId: plan.quality.id }),
        'progress-assured': () => post('progress', { authorId: by, note: 'x', status: 'ASSURED' }),
        'progress-cancelled': () =>
          post('progress', { authorId: by, note: 'x', status: 'CANCELLED' }),
        'progress-not-started': () =>
          post('progress', { authorId: by, note: 'x', status: 'NOT_STARTED', progress: 0 }),
        'complete-at-80': () =>
          post('progress', { authorId: by, note: 'x', status: 'COMPLETED', progress: 80 }),
        cancel: () =>
          post('cancel', { cancelledById: plan.quality.id, reason: 'No longer needed' }),
        progress: () => post('progress', { authorId: by, note: 'x', progress: 50 }),
        reopen: () => post('progress', { authorId: by, note: 'x', status: 'IN_PROGRESS' }),
        'due-date': () =>
          post('due-date', { dueDate: '2031-01-01', reason: 'Later', changedById: plan.lead.id }),
        evidence: () =>
          post('evidence', { submittedById: by, kind: 'note', title: 'x', note: 'x' }),
      };
      const response = await attempts[attempt]().expect(httpStatus);
      expect(response.body.code).toBe(code);
      const after = await t.http.get(`/api/v1/actions/${action.id}`).expect(200);
      expect(after.body).toEqual(before.body);
      const [{ n: historyAfter }] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM progress_update WHERE action_id = ${Number(action.id)}`,
      );
      expect(Number(historyAfter)).toBe(Number(historyBefore));
    });

    it('reopens a completed action, and an assured one whose improvement did not last', async () => {
      const { action, plan, post } = await actionIn('ASSURED');
      const reopened = await post('progress', {
        authorId: plan.owner.id,
        note: 'Re-audit found gaps',
        status: 'IN_PROGRESS',
        progress: 70,
      }).expect(201);
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
    const action = await buildAction(t.http, [plan.finding.id], {
      startDate: '2029-01-01',
      dueDate: '2030-01-31',
    });
    const noReason = await t.http
      .post(`/api/v1/actions/${action.id}/due-date`)
      .send({ dueDate: '2030-03-31', changedById: plan.lead.id })
      .expect(400);
    expect(noReason.body.errors).toContainEqual({
      field: 'reason',
      reason: 'reason must not be empty',
    });
    await t.http
      .post(`/api/v1/actions/${action.id}/due-date`)
      .send({ dueDate: '2030-01-31', reason: 'Same', changedById: plan.lead.id })
      .expect(422);
    const beforeStart = await t.http
      .post(`/api/v1/actions/${action.id}/due-date`)
      .send({ dueDate: '2028-12-31', reason: 'Typo', changedById: plan.lead.id })
      .expect(400);
    expect(beforeStart.body.errors).toEqual([
      { field: 'dueDate', reason: 'must not be before startDate (2029-01-01)' },
    ]);

    await t.http
      .post(`/api/v1/actions/${action.id}/due-date`)
      .send({ dueDate: '2030-03-31', reason: 'Contractor delay', changedById: plan.lead.id })
      .expect(200);
    const moved = await t.http
      .post(`/api/v1/actions/${action.id}/due-date`)
      .set('If-Match', '"2"')
      .send({ dueDate: '2030-06-30', reason: 'Funding moved to Q1', changedById: plan.lead.id })
      .expect(200);
    expect(moved.body).toMatchObject({
      dueDate: '2030-06-30',
      originalDueDate: '2030-01-31',
      version: 3,
    });

    const changes = await t.http.get(`/api/v1/actions/${action.id}/due-date-changes`).expect(200);
    expect(
      changes.body.map((c: { previousDueDate: string; newDueDate: string; reason: string }) => [
        c.previousDueDate,
        c.newDueDate,
        c.reason,
      ]),
    ).toEqual([
      ['2030-01-31', '2030-03-31', 'Contractor delay'],
      ['2030-03-31', '2030-06-30', 'Funding moved to Q1'],
    ]);
    const stored = await t.dataSource.query(
      `SELECT due_date, original_due_date FROM action WHERE id = ${Number(action.id)}`,
    );
    expect(stored).toEqual([{ due_date: '2030-06-30', original_due_date: '2030-01-31' }]);
  });

  it('refuses a stale version on every versioned write, changing nothing', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id]);
    await t.http
      .patch(`/api/v1/actions/${action.id}`)
      .send({ title: 'Renamed', version: 1 })
      .expect(200);
    const writes = [
      t.http.patch(`/api/v1/actions/${action.id}`).send({ title: 'Stale', version: 1 }),
      t.http
        .post(`/api/v1/actions/${action.id}/assign`)
        .set('If-Match', '1')
        .send({ ownerId: plan.owner.id }),
      t.http
        .post(`/api/v1/actions/${action.id}/progress`)
        .send({ authorId: plan.owner.id, note: 'x', progress: 5, version: 1 }),
      t.http
        .post(`/api/v1/actions/${action.id}/due-date`)
        .send({ dueDate: '2031-01-01', reason: 'x', changedById: plan.lead.id, version: 1 }),
      t.http
        .post(`/api/v1/actions/${action.id}/cancel`)
        .send({ cancelledById: plan.lead.id, reason: 'x', version: 1 }),
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
      owner: null,
      progress: 0,
      status: 'NOT_STARTED',
    });
  });

  it('refuses people who do not exist or are inactive, and findings of two organisations', async () => {
    const plan = await buildPlan(t.http);
    const other = await buildPlan(t.http);
    const gone = await buildUser(t.http, { active: false });
    const unknownOwner = await t.http
      .post('/api/v1/actions')
      .send({ findingIds: [plan.finding.id], title: 'x', dueDate: '2030-01-01', ownerId: 99999 })
      .expect(422);
    expect(unknownOwner.body).toMatchObject({
      code: 'INVALID_REFERENCE',
      errors: [{ field: 'ownerId', reason: 'no user 99999' }],
    });
    const inactive = await t.http
      .post('/api/v1/actions')
      .send({ findingIds: [plan.finding.id], title: 'x', dueDate: '2030-01-01', ownerId: gone.id })
      .expect(422);
    expect(inactive.body.code).toBe('USER_INACTIVE');
    const mixed = await t.http
      .post('/api/v1/actions')
      .send({ findingIds: [plan.finding.id, other.finding.id], title: 'x', dueDate: '2030-01-01' })
      .expect(422);
    expect(mixed.body.code).toBe('FINDINGS_FROM_DIFFERENT_ORGANISATIONS');
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM action WHERE organisation_id IN (${Number(plan.organisation.id)}, ${Number(other.organisation.id)})`,
    );
    expect(Number(n)).toBe(0);
  });
});
