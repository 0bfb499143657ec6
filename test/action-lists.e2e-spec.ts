import { addDays, todayDate } from '../src/common/dates';
import { DELIVERY_STATUSES } from '../src/delivery/delivery-status';
import { createTestApp, TestApp } from './test-app';

interface ActionItem {
  id: number;
  reference: string;
  status: string;
  progress: number;
  dueDate: string;
  deliveryStatus: string;
  deliveryReason: string;
  brag: string | null;
  owner: { id: number } | null;
  executiveLead: { id: number } | null;
  coreServiceIds: number[];
  findingIds: number[];
  organisationId: number;
  updatedAt: string;
}

/** List behaviour over the demo data set, which puts actions in every delivery status. */
describe('action lists over the demo data', () => {
  let t: TestApp;
  const today = todayDate();
  let all: ActionItem[];

  async function list(query = '', asOf = today): Promise<ActionItem[]> {
    const { body } = await t.http
      .get(`/api/v1/actions?limit=500&asOf=${asOf}${query ? `&${query}` : ''}`)
      .expect(200);
    expect(body.items).toHaveLength(body.total);
    return body.items;
  }
  const refs = (items: ActionItem[]) => items.map((a) => a.reference).sort();

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    all = await list();
  });
  afterAll(() => t.close());

  it('loads the demo set with an action in every delivery status and every reason', () => {
    expect(all).toHaveLength(18);
    expect(new Set(all.map((a) => a.deliveryStatus))).toEqual(new Set(DELIVERY_STATUSES));
    expect(new Set(all.map((a) => a.deliveryReason))).toEqual(
      new Set([
        'ASSURED',
        'COMPLETED',
        'CANCELLED',
        'PAST_DUE',
        'FLAGGED_OFF_TRACK',
        'DUE_AFTER_REINSPECTION',
        'DUE_SOON_WITH_LOW_PROGRESS',
        'NO_RECENT_UPDATE',
        'ON_TRACK',
      ]),
    );
    const byRef = Object.fromEntries(all.map((a) => [a.reference, a]));
    expect(byRef['LPT-01']).toMatchObject({ status: 'ASSURED', brag: 'BLUE' });
    expect(byRef['LPT-02']).toMatchObject({
      deliveryReason: 'PAST_DUE',
      dueDate: addDays(today, -10),
      brag: 'RED',
    });
    expect(byRef['LPT-09']).toMatchObject({ status: 'CANCELLED', brag: null });
  });

  it('filters by delivery status in SQL exactly as the rules classify each action, on several dates', async () => {
    for (const asOf of [today, addDays(today, -30), addDays(today, -75), addDays(today, -1)]) {
      const everything = await list('', asOf);
      for (const status of DELIVERY_STATUSES) {
        const filtered = await list(`deliveryStatus=${status}`, asOf);
        expect({ asOf, status, refs: refs(filtered) }).toEqual({
          asOf,
          status,
          refs: refs(everything.filter((a) => a.deliveryStatus === status)),
        });
      }
    }
  });

  it('filters by BRAG colour', async () => {
    for (const brag of ['BLUE', 'GREEN', 'AMBER', 'RED']) {
      expect(refs(await list(`brag=${brag}`))).toEqual(refs(all.filter((a) => a.brag === brag)));
    }
    expect(refs(await list('brag=BLUE'))).toEqual(['LPT-01', 'NCH-02']);
  });

  it('filters by organisation, core service, finding, owner, lead and status', async () => {
    const lpt = all.find((a) => a.reference === 'LPT-01')!;
    expect(refs(await list(`organisationId=${lpt.organisationId}`))).toEqual(
      refs(all.filter((a) => a.organisationId === lpt.organisationId)),
    );
    const service = lpt.coreServiceIds[0];
    expect(refs(await list(`coreServiceId=${service}`))).toEqual(
      refs(all.filter((a) => a.coreServiceIds.includes(service))),
    );
    expect(refs(await list(`findingId=${lpt.findingIds[0]}`))).toEqual(['LPT-01']);
    expect(refs(await list(`ownerId=${lpt.owner!.id}`))).toEqual(
      refs(all.filter((a) => a.owner?.id === lpt.owner!.id)),
    );
    expect(refs(await list(`executiveLeadId=${lpt.executiveLead!.id}`))).toEqual(
      refs(all.filter((a) => a.executiveLead?.id === lpt.executiveLead!.id)),
    );
    expect(refs(await list('status=NOT_STARTED'))).toEqual(['DCHS-01', 'LPT-11']);
    expect(refs(await list('status=COMPLETED'))).toEqual(['LPT-08']);
  });

  it('filters by due window, overdue and text', async () => {
    const from = addDays(today, 10);
    const to = addDays(today, 30);
    expect(refs(await list(`dueAfter=${from}&dueBefore=${to}`))).toEqual(
      refs(all.filter((a) => a.dueDate >= from && a.dueDate <= to)),
    );
    const overdue = all.filter(
      (a) => ['NOT_STARTED', 'IN_PROGRESS'].includes(a.status) && a.dueDate < today,
    );
    expect(refs(await list('overdue=true'))).toEqual(refs(overdue));
    expect(refs(await list('overdue=true'))).toEqual(['LPT-02', 'NHFT-02']);
    expect(await list('overdue=false')).toHaveLength(all.length - overdue.length);
    expect(refs(await list('q=LIGATURE'))).toEqual(['LPT-01', 'LPT-10', 'NHFT-02']);
    expect(refs(await list('q=100%25'))).toEqual([]);
  });

  it('sorts by due date, reference and updated time, both ways, and pages', async () => {
    const byDue = await list('sort=dueDate');
    expect(byDue.map((a) => a.dueDate)).toEqual([...byDue.map((a) => a.dueDate)].sort());
    const byRefDesc = await list('sort=reference&order=desc');
    expect(byRefDesc.map((a) => a.reference)).toEqual(refs(all).reverse());
    const byUpdated = await list('sort=updatedAt&order=desc');
    expect(byUpdated.map((a) => a.updatedAt)).toEqual(
      [...byUpdated.map((a) => a.updatedAt)].sort().reverse(),
    );

    const page = await t.http.get('/api/v1/actions?sort=reference&limit=5&offset=5').expect(200);
    expect(page.body).toMatchObject({ total: 18, limit: 5, offset: 5 });
    expect(page.body.items.map((a: ActionItem) => a.reference)).toEqual(refs(all).slice(5, 10));
  });

  it('refuses bad list parameters, naming them', async () => {
    const bad = await t.http
      .get('/api/v1/actions?deliveryStatus=LATE&limit=0&asOf=2026-13-01&sort=colour')
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'asOf',
      'deliveryStatus',
      'limit',
      'sort',
    ]);
  });

  it('derives state as at a past date from the history, and gives the same figures after later changes', async () => {
    const past = addDays(today, -30);
    const lpt01 = all.find((a) => a.reference === 'LPT-01')!;
    const then = await t.http.get(`/api/v1/actions/${lpt01.id}?asOf=${past}`).expect(200);
    // LPT-01 had reported 50% sixty days ago and was completed five days ago.
    expect(then.body).toMatchObject({
      status: 'IN_PROGRESS',
      progress: 50,
      deliveryStatus: 'ON_TRACK',
      asOf: past,
    });
    const lpt09 = all.find((a) => a.reference === 'LPT-09')!;
    const beforeCancel = await t.http
      .get(`/api/v1/actions/${lpt09.id}?asOf=${addDays(today, -25)}`)
      .expect(200);
    // Cancelled 20 days ago; 25 days ago it was open with nothing recorded for 35 days.
    expect(beforeCancel.body).toMatchObject({
      status: 'IN_PROGRESS',
      deliveryStatus: 'AT_RISK',
      deliveryReason: 'NO_RECENT_UPDATE',
    });
    const lpt02 = all.find((a) => a.reference === 'LPT-02')!;
    const beforeSlip = await t.http
      .get(`/api/v1/actions/${lpt02.id}?asOf=${addDays(today, -50)}`)
      .expect(200);
    expect(beforeSlip.body).toMatchObject({
      dueDate: addDays(today, -40),
      originalDueDate: addDays(today, -40),
    });

    const snapshot = await list('', past);
    const tracked = all.find((a) => a.reference === 'LPT-10')!;
    const owner = await t.as(tracked.owner!);
    await owner
      .post(`/api/v1/actions/${tracked.id}/progress`)
      .send({ note: 'Later', status: 'COMPLETED' })
      .expect(201);
    await t.http
      .post(`/api/v1/actions/${lpt02.id}/due-date`)
      .send({ dueDate: addDays(today, 90), reason: 'Replanned' })
      .expect(200);
    const lpt07 = all.find((a) => a.reference === 'LPT-07')!;
    await t.http.post(`/api/v1/actions/${lpt07.id}/cancel`).send({ reason: 'Merged' }).expect(200);

    const rerun = await list('', past);
    const figures = (items: ActionItem[]) =>
      items.map(({ id, status, progress, dueDate, deliveryStatus, brag }) => ({
        id,
        status,
        progress,
        dueDate,
        deliveryStatus,
        brag,
      }));
    expect(figures(rerun)).toEqual(figures(snapshot));
    expect(figures(await list())).not.toEqual(figures(all));
  });

  it('leaves out actions created after the as-at date', async () => {
    const early = await list('', addDays(today, -100));
    // Only the actions the demo creates 100 or more days ago existed then.
    expect(refs(early)).toEqual(['LPT-01', 'LPT-02', 'LPT-03', 'LPT-04', 'LPT-05']);
    const lpt11 = all.find((a) => a.reference === 'LPT-11')!;
    const missing = await t.http
      .get(`/api/v1/actions/${lpt11.id}?asOf=${addDays(today, -100)}`)
      .expect(404);
    expect(missing.body.code).toBe('ACTION_NOT_FOUND');
  });
});
