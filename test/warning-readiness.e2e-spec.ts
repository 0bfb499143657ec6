import { addDays, todayDate } from '../src/common/dates';
import { longDate } from '../src/findings/finding-dates';
import { buildAction, buildFinding, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

interface ServiceReadiness {
  coreServiceId: number | null;
  verdict: string;
  reasons: string[];
}

/** A warning notice blocks readiness while uncovered, or once a deadline passes undone. */
describe('readiness with warning notices', () => {
  let t: TestApp;
  const today = todayDate();
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function verdictOf(organisationId: number, coreServiceId: number | null) {
    const { body } = await t.http
      .get(`/api/v1/readiness?organisationId=${organisationId}&asOf=${today}`)
      .expect(200);
    return (body.coreServices as ServiceReadiness[]).find(
      (s) => s.coreServiceId === coreServiceId,
    )!;
  }

  /** A plan (one core service, one MUST finding) with a warning notice on that service. */
  async function planWithNotice(failings: { text: string; deadline: string }[]) {
    const plan = await buildPlan(t.http);
    const notice = await buildFinding(t.http, plan.organisation.id, {
      coreServiceId: plan.coreService.id,
      type: 'WARNING_NOTICE',
      reference: 'WN1',
      text: 'Section 29A warning notice',
      failings,
    });
    return { plan, notice };
  }

  it('is NOT_READY while a warning notice has no action, naming its deadline', async () => {
    const deadline = addDays(today, 30);
    const { plan } = await planWithNotice([{ text: 'Staffing', deadline }]);
    const service = await verdictOf(plan.organisation.id, plan.coreService.id);
    expect(service.verdict).toBe('NOT_READY');
    expect(service.reasons[0]).toBe(
      `Warning notice WN1 (deadline ${longDate(deadline)}) has no action`,
    );
  });

  it('is NOT_READY once a failing deadline has passed with its action open, until it is completed', async () => {
    const passed = addDays(today, -3);
    const ahead = addDays(today, 10);
    const { plan, notice } = await planWithNotice([
      { text: 'Fire safety', deadline: passed },
      { text: 'Governance', deadline: ahead },
    ]);
    const action = await buildAction(t.http, [notice.id, plan.finding.id], {
      ownerId: plan.owner.id,
    });
    const open = await verdictOf(plan.organisation.id, plan.coreService.id);
    expect(open.verdict).toBe('NOT_READY');
    expect(open.reasons.slice(0, 2)).toEqual([
      `Warning notice deadline ${longDate(passed)} passed with actions not completed`,
      `Warning notice deadline ${longDate(ahead)}: 10 days left, actions not completed`,
    ]);

    const owner = await t.as(plan.owner);
    await owner
      .post(`/api/v1/actions/${action.id}/progress`)
      .send({ note: 'Done', status: 'COMPLETED' })
      .expect(201);
    const done = await verdictOf(plan.organisation.id, plan.coreService.id);
    expect(done.reasons.join('\n')).not.toMatch(/Warning notice/);
    expect(done.verdict).not.toBe('NOT_READY');
  });

  it('counts a cancelled action as no action, and judges a trust-wide notice trust-wide', async () => {
    const plan = await buildPlan(t.http);
    const deadline = addDays(today, -1);
    const notice = await buildFinding(t.http, plan.organisation.id, {
      type: 'WARNING_NOTICE',
      reference: 'WN9',
      failings: [{ text: 'Governance', deadline }],
    });
    const action = await buildAction(t.http, [notice.id]);
    const late = await verdictOf(plan.organisation.id, null);
    expect(late.verdict).toBe('NOT_READY');
    expect(late.reasons).toContain(
      `Warning notice deadline ${longDate(deadline)} passed with actions not completed`,
    );
    await t.http
      .post(`/api/v1/actions/${action.id}/cancel`)
      .send({ reason: 'Superseded' })
      .expect(200);
    const cancelled = await verdictOf(plan.organisation.id, null);
    expect(cancelled.reasons[0]).toBe(
      `Warning notice WN9 (deadline ${longDate(deadline)}) has no action`,
    );
  });
});
