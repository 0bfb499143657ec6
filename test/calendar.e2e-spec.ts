import ical from 'node-ical';
import { addDays, todayDate } from '../src/common/dates';
import { createTestApp, TestApp } from './test-app';

/** node-ical gives a summary as a string, or as { val } when it has parameters. */
const summaryOf = (event: ical.VEvent): string =>
  typeof event.summary === 'string'
    ? event.summary
    : (event.summary as unknown as { val: string }).val;

/** Each user's private calendar feed, read back with a real iCalendar parser. */
describe('calendar feeds', () => {
  let t: TestApp;
  const today = todayDate();

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
  });
  afterAll(() => t.close());

  async function userByEmail(email: string): Promise<{ id: number }> {
    const { body } = await t.http.get(`/api/v1/users?q=${encodeURIComponent(email)}`).expect(200);
    return body.items[0];
  }

  it('lists the due dates of the actions a person owns or leads, and reinspection dates', async () => {
    const aisha = await t.as(await userByEmail('aisha.khan@example.nhs.uk'));
    expect((await aisha.get('/api/v1/calendar/feed').expect(200)).body).toEqual({
      active: false,
      createdAt: null,
    });
    const created = await aisha.post('/api/v1/calendar/feed').expect(201);
    expect(created.body.path).toMatch(/^\/api\/v1\/calendar\/feeds\/cqcc_[\w-]+\.ics$/);

    // A calendar app fetches it without signing in.
    const response = await t.anonymous.get(created.body.path).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const events = Object.values(ical.sync.parseICS(response.text)).filter(
      (e): e is ical.VEvent => e?.type === 'VEVENT',
    );
    const summaries = events.map((e) => summaryOf(e)).sort();
    // Aisha owns LPT-04 and LPT-05 (open); LPT-08 is completed and LPT-09 cancelled.
    expect(summaries.filter((s) => s.startsWith('Due:'))).toEqual([
      'Due: LPT-04 Audit and complete risk assessments for every crisis service patient',
      'Due: LPT-05 Introduce a caseload review and waiting-list risk review in every community team',
      'Due: NHFT-02 Replace fixtures in the place of safety with anti-ligature fittings',
    ]);
    const lpt04 = events.find((e) => summaryOf(e).includes('LPT-04'))!;
    expect(lpt04.start.toISOString().slice(0, 10)).toBe(addDays(today, 60));
    // Reinspections of her trusts only (Leicestershire and Northamptonshire): not Norfolk's
    // community health inpatient services, nor any other trust's.
    expect(summaries.filter((s) => s.startsWith('CQC reinspection'))).toHaveLength(6);
    expect(summaries).not.toContain('CQC reinspection: Community health inpatient services');
  });

  it('revokes a feed at once, and a new feed replaces the old', async () => {
    const tom = await t.as(await userByEmail('tom.evans@example.nhs.uk'));
    const first = (await tom.post('/api/v1/calendar/feed').expect(201)).body.path;
    const second = (await tom.post('/api/v1/calendar/feed').expect(201)).body.path;
    await t.anonymous.get(first).expect(404);
    await t.anonymous.get(second).expect(200);
    await tom.post('/api/v1/calendar/feed/revoke').expect(200);
    await t.anonymous.get(second).expect(404);
    await t.anonymous
      .get('/api/v1/calendar/feeds/cqcc_made-up-token-that-is-long-enough.ics')
      .expect(404);
  });
});
