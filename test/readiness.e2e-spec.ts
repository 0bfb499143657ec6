import { addDays, todayDate } from '../src/common/dates';
import { createTestApp, TestApp } from './test-app';

interface ServiceReadiness {
  coreServiceId: number | null;
  name: string;
  verdict: string;
  reasons: string[];
  findingsByType: Record<string, number>;
  uncoveredFindings: number;
  actionsByDeliveryStatus: Record<string, number>;
  mustActionsAssuredPercent: number | null;
  actionsDueAfterReinspection: number;
  daysToReinspection: number | null;
  forecast: {
    reference: string;
    projectedCompletion: string | null;
    projectedAfterReinspection: boolean;
  }[];
  projectedAfterReinspection: number;
}

/** Readiness over the demo data, whose dates are relative to today. */
describe('readiness for reinspection', () => {
  let t: TestApp;
  const today = todayDate();
  let organisationId: number;

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    const organisations = await t.http.get('/api/v1/organisations?q=leicestershire').expect(200);
    organisationId = organisations.body.items[0].id;
  });
  afterAll(() => t.close());

  const readiness = async (asOf = today) =>
    (
      await t.http
        .get(`/api/v1/readiness?organisationId=${organisationId}&asOf=${asOf}`)
        .expect(200)
    ).body as {
      actionsByDeliveryStatus: Record<string, number>;
      findingsByType: Record<string, number>;
      verdicts: Record<string, number>;
      coreServices: ServiceReadiness[];
    };
  const service = (all: ServiceReadiness[], prefix: string) =>
    all.find((s) => s.name.startsWith(prefix))!;

  it('gives each core service its figures, verdict and every reason', async () => {
    const { coreServices, actionsByDeliveryStatus, findingsByType, verdicts } = await readiness();
    const acute = service(coreServices, 'Acute wards');
    expect(acute).toMatchObject({
      daysToReinspection: 40,
      findingsByType: { MUST: 3, SHOULD: 0, WARNING_NOTICE: 0, RATING: 1 },
      uncoveredFindings: 0,
      actionsByDeliveryStatus: {
        ASSURED: 1,
        COMPLETED: 0,
        OFF_TRACK: 1,
        AT_RISK: 1,
        ON_TRACK: 1,
        CANCELLED: 0,
      },
      mustActionsAssuredPercent: 33,
      actionsDueAfterReinspection: 0,
      verdict: 'NOT_READY',
      reasons: ['1 MUST action is off track', '2 MUST actions are not yet completed'],
    });
    const community = service(coreServices, 'Community-based mental health services for adults');
    expect(community).toMatchObject({
      uncoveredFindings: 1,
      actionsDueAfterReinspection: 1,
      verdict: 'NOT_READY',
      reasons: [
        '1 MUST action is due after the reinspection date',
        '1 MUST action is not yet completed',
      ],
    });
    expect(service(coreServices, 'Trust-wide')).toMatchObject({
      coreServiceId: null,
      verdict: 'AT_RISK',
    });
    expect(verdicts).toEqual({ READY: 1, AT_RISK: 2, NOT_READY: 3 });
    expect(findingsByType).toEqual({ MUST: 7, SHOULD: 3, WARNING_NOTICE: 0, RATING: 2 });

    // The trust's counts agree with the action list filtered in SQL.
    for (const [status, count] of Object.entries(actionsByDeliveryStatus)) {
      const list = await t.http
        .get(`/api/v1/actions?organisationId=${organisationId}&deliveryStatus=${status}`)
        .expect(200);
      expect({ status, count: list.body.total }).toEqual({ status, count });
    }
  });

  it('forecasts completion from progress so far, and names the actions that will finish after reinspection', async () => {
    const { coreServices } = await readiness();
    const crisis = service(coreServices, 'Mental health crisis services');
    // LPT-04: 45% in 90 days (created 100 days ago, last update 10 days ago), so 110 more days.
    expect(crisis.forecast).toEqual([
      expect.objectContaining({
        reference: 'LPT-04',
        projectedCompletion: addDays(today, 100),
        projectedAfterReinspection: true,
      }),
    ]);
    expect(crisis.projectedAfterReinspection).toBe(1);
    const one = await t.http
      .get(`/api/v1/readiness/core-services/${crisis.coreServiceId}?asOf=${today}`)
      .expect(200);
    expect(one.body).toEqual(crisis);
  });

  it('gives the same figures for a past date after later changes', async () => {
    const past = addDays(today, -15);
    const before = await readiness(past);
    const { items } = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=100`).expect(200)
    ).body as {
      items: { id: number; reference: string; owner: { id: number } }[];
    };
    const lpt03 = items.find((a) => a.reference === 'LPT-03')!;
    const owner = await t.as(lpt03.owner);
    await owner
      .post(`/api/v1/actions/${lpt03.id}/progress`)
      .send({ note: 'Posts filled', status: 'COMPLETED' })
      .expect(201);
    const lpt05 = items.find((a) => a.reference === 'LPT-05')!;
    await t.http
      .post(`/api/v1/actions/${lpt05.id}/due-date`)
      .send({ dueDate: addDays(today, 30), reason: 'Brought forward' })
      .expect(200);
    const lpt11 = items.find((a) => a.reference === 'LPT-11')!;
    await t.http.post(`/api/v1/actions/${lpt11.id}/cancel`).send({ reason: 'Merged' }).expect(200);

    expect(await readiness(past)).toEqual(before);
    const now = await readiness();
    expect(
      service(now.coreServices, 'Community-based mental health services for adults')
        .actionsDueAfterReinspection,
    ).toBe(0);
  });

  it('refuses an unknown organisation and a bad date', async () => {
    await t.http.get('/api/v1/readiness?organisationId=99999').expect(404);
    const bad = await t.http
      .get(`/api/v1/readiness?organisationId=${organisationId}&asOf=2026-02-30`)
      .expect(400);
    expect(bad.body.errors[0].field).toBe('asOf');
  });
});
