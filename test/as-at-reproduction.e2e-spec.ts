import { addDays } from '../src/common/dates';
import { labelOf } from '../src/common/words';
import { londonDate, realClock, setClock } from './clock';
import { binary } from './downloads';
import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import {
  pdfText,
  pdfWithoutGenerationTime,
  RequestWindow,
  withoutGenerationTime,
  xlsxParts,
} from './report-content';
import { createTestApp, TestApp } from './test-app';

/**
 * The governed record (issue 16): a report as at a past day says what it said then, however
 * the data has been edited since. Every report is taken as at yesterday (London), the demo
 * data is edited through the API in every way a report can show, and every report is taken
 * again: only the moment of generation may differ. As at today the edits must show, so the
 * comparison cannot pass by showing nothing.
 */
type Kind = 'html' | 'pdf' | 'xlsx' | 'csv' | 'json';

interface Report {
  name: string;
  kind: Kind;
  path: (asOf: string) => string;
  /** Words an edit puts in this report as at today. */
  shows: string[];
  /** Words an edit takes out of it as at today. */
  hides?: string[];
}

interface Taken {
  status: number;
  /** What must be identical: the content with its generation time blanked. */
  content: unknown;
  /** Readable text, to look for the edits in. */
  text: string;
}

/** Ids the report paths need, filled in once the demo data is loaded. */
const ids = { organisation: 0, services: new Map<string, number>() };
const trust = () => `organisationId=${ids.organisation}`;
const pack = (service: string) => (asOf: string) =>
  `/api/v1/reports/evidence-pack?coreServiceId=${ids.services.get(service)}&asOf=${asOf}`;

const ACUTE = 'Acute wards for adults of working age and psychiatric intensive care units';
const CRISIS = 'Mental health crisis services and health-based places of safety';
const CMH = 'Community-based mental health services for adults of working age';
const CAMHS = 'Specialist community mental health services for children and young people';
const ADULTS = 'Community health services for adults';

const REPORTS: Report[] = [
  {
    name: 'board report (HTML)',
    kind: 'html',
    path: (d) => `/api/v1/reports/board?${trust()}&asOf=${d}`,
    shows: ['Retitled', 'Renamedlead', 'Renamedservice'],
  },
  {
    name: 'board report (PDF)',
    kind: 'pdf',
    path: (d) => `/api/v1/reports/board?${trust()}&asOf=${d}&format=pdf`,
    shows: ['Retitled', 'Renamedlead', 'Renamedservice'],
  },
  {
    name: 'board report (XLSX)',
    kind: 'xlsx',
    path: (d) => `/api/v1/reports/board?${trust()}&asOf=${d}&format=xlsx`,
    shows: ['Retitled', 'Renamedlead', 'Renamedservice'],
  },
  {
    name: 'CQC return (XLSX)',
    kind: 'xlsx',
    path: (d) => `/api/v1/reports/cqc-return?${trust()}&asOf=${d}`,
    shows: ['Retitled', 'Rewordedfinding', 'Renamedlead'],
  },
  {
    name: 'CQC return (PDF)',
    kind: 'pdf',
    path: (d) => `/api/v1/reports/cqc-return?${trust()}&asOf=${d}&format=pdf`,
    shows: ['Retitled', 'Rewordedfinding', 'Renamedlead'],
  },
  {
    name: 'evidence pack, acute wards',
    kind: 'pdf',
    path: pack(ACUTE),
    shows: ['Renamedservice', 'Renamedlead'],
    hides: ['suitably qualified staff'],
  },
  {
    name: 'evidence pack, crisis services',
    kind: 'pdf',
    path: pack(CRISIS),
    shows: ['Retitled', 'Rewordedfinding', 'Renamedowner'],
  },
  {
    name: 'evidence pack, community mental health',
    kind: 'pdf',
    path: pack(CMH),
    shows: [],
    hides: ['LPT-05'],
  },
  {
    name: 'evidence pack, CAMHS',
    kind: 'pdf',
    path: pack(CAMHS),
    // The cancelled action's state, in words as every report prints it.
    shows: ['Cancelled'],
  },
  {
    name: 'evidence pack, community health services for adults',
    kind: 'pdf',
    path: pack(ADULTS),
    shows: ['LPT-05'],
  },
  {
    name: 'actions export (CSV)',
    kind: 'csv',
    path: (d) => `/api/v1/reports/actions?${trust()}&asOf=${d}&format=csv`,
    shows: ['Retitled', 'LPT-04R', 'Remeasured', 'Renamedowner', 'Renamedservice'],
  },
  {
    name: 'actions export (XLSX)',
    kind: 'xlsx',
    path: (d) => `/api/v1/reports/actions?${trust()}&asOf=${d}&format=xlsx`,
    shows: ['Retitled', 'LPT-04R', 'Remeasured', 'Renamedowner', 'Renamedservice'],
  },
  {
    name: 'findings export (CSV)',
    kind: 'csv',
    path: (d) => `/api/v1/reports/findings?${trust()}&asOf=${d}&format=csv`,
    // The type in words, as its own cell (the header "Warning notice failings" is always there).
    shows: ['Rewordedfinding', ',Warning notice,'],
  },
  {
    name: 'findings export (XLSX)',
    kind: 'xlsx',
    path: (d) => `/api/v1/reports/findings?${trust()}&asOf=${d}&format=xlsx`,
    shows: ['Rewordedfinding', '>Warning notice<'],
  },
  {
    name: 'readiness (JSON)',
    kind: 'json',
    path: (d) => `/api/v1/readiness?${trust()}&asOf=${d}`,
    shows: ['Renamedservice'],
  },
  {
    name: 'actions list (JSON)',
    kind: 'json',
    path: (d) => `/api/v1/actions?${trust()}&asOf=${d}&limit=500`,
    shows: ['Retitled', 'Redescribed', 'Remeasured', 'LPT-04R', 'Renamedowner', 'Renamedlead'],
  },
];

describe('every report as at yesterday is reproduced exactly after every kind of edit', () => {
  let t: TestApp;
  const today = londonDate();
  const yesterday = addDays(today, -1);
  const before = new Map<string, Taken>();
  const again = new Map<string, Taken>();
  const after = new Map<string, Taken>();
  const now = new Map<string, Taken>();

  // A PDF prints "Generated ... at HH:MM" inside compressed, font-subset text that cannot be
  // blanked afterwards, so every PDF is taken at this one minute (only Date is faked; the edits
  // between takes are written at the real time).
  const pdfInstant = new Date().toISOString();

  async function take(report: Report, asOf: string): Promise<Taken> {
    if (report.kind === 'pdf') setClock(pdfInstant);
    const window: RequestWindow = { from: Date.now(), to: 0 };
    const request = t.http.get(report.path(asOf));
    let response: Awaited<typeof request>;
    try {
      response = await (report.kind === 'pdf' || report.kind === 'xlsx'
        ? request.buffer(true).parse(binary)
        : request);
    } finally {
      if (report.kind === 'pdf') realClock();
    }
    window.to = Date.now();
    if (response.status !== 200) {
      const body: unknown = response.body;
      const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(response.text);
      return { status: response.status, content: null, text };
    }
    switch (report.kind) {
      case 'pdf': {
        const text = await pdfText(response.body as Buffer);
        return {
          status: 200,
          content: { text, file: pdfWithoutGenerationTime(response.body as Buffer) },
          text,
        };
      }
      case 'xlsx': {
        const parts = xlsxParts(response.body as Buffer, window);
        return { status: 200, content: parts, text: Object.values(parts).join('\n') };
      }
      case 'json':
        return {
          status: 200,
          content: response.body as unknown,
          text: JSON.stringify(response.body),
        };
      case 'html':
      case 'csv': {
        const text = withoutGenerationTime(response.text, window).replace(/<tr/g, '\n<tr');
        return { status: 200, content: text, text };
      }
    }
  }

  async function takeAll(asOf: string, into: Map<string, Taken>): Promise<void> {
    for (const report of REPORTS) into.set(report.name, await take(report, asOf));
  }

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    ids.organisation = (
      await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)
    ).body.items[0].id;
    const services = (await t.http.get(`/api/v1/core-services?${trust()}&limit=500`).expect(200))
      .body.items as { id: number; name: string }[];
    for (const service of services) ids.services.set(service.name, service.id);

    await takeAll(yesterday, before);
    await takeAll(yesterday, again);
    await editEverything(t, today);
    await takeAll(yesterday, after);
    await takeAll(today, now);
  }, 300_000);
  afterAll(() => t.close());

  // The control: with nothing edited in between, the comparison finds nothing, so whatever
  // it finds after the edits is the edits leaking into the past.
  it.each(REPORTS.map((r) => [r.name]))('%s taken twice compares equal', (name) => {
    const was = before.get(name)!;
    expect({ name, status: was.status, body: was.status === 200 ? '' : was.text }).toEqual({
      name,
      status: 200,
      body: '',
    });
    expect(again.get(name)!.content).toEqual(was.content);
  });

  it.each(REPORTS.map((r) => [r.name]))('%s as at yesterday is unchanged', (name) => {
    const was = before.get(name)!;
    const is = after.get(name)!;
    expect({ name, status: was.status, body: was.status === 200 ? '' : was.text }).toEqual({
      name,
      status: 200,
      body: '',
    });
    expect(is.status).toBe(200);
    expect(is.content).toEqual(was.content);
  });

  it.each(REPORTS.map((r) => [r.name, r]))('%s as at today shows the edits', (_name, report) => {
    const taken = now.get(report.name)!;
    expect(taken.status).toBe(200);
    for (const word of report.shows)
      expect({ word, shown: taken.text.includes(word) }).toEqual({ word, shown: true });
    for (const word of report.hides ?? []) {
      expect({ word, shown: taken.text.includes(word) }).toEqual({ word, shown: false });
    }
    // Yesterday's copy, taken before the edits, showed none of them.
    const was = before.get(report.name)!;
    for (const word of report.shows)
      expect({ word, before: was.text.includes(word) }).toEqual({ word, before: false });
  });

  it('refuses asOf in the future with a 400 that says so', async () => {
    const tomorrow = addDays(today, 1);
    const action = (await t.http.get(`/api/v1/actions?${trust()}&limit=1`).expect(200)).body
      .items[0];
    const paths = [
      `/api/v1/actions?${trust()}&asOf=${tomorrow}`,
      `/api/v1/actions/${action.id}?asOf=${tomorrow}`,
      `/api/v1/readiness?${trust()}&asOf=${tomorrow}`,
      `/api/v1/readiness/core-services/${ids.services.get(ACUTE)}?asOf=${tomorrow}`,
      `/api/v1/reports/board?${trust()}&asOf=${tomorrow}`,
      `/api/v1/reports/cqc-return?${trust()}&asOf=${tomorrow}`,
      `/api/v1/reports/evidence-pack?coreServiceId=${ids.services.get(ACUTE)}&asOf=${tomorrow}`,
      `/api/v1/reports/actions?${trust()}&asOf=${tomorrow}`,
      `/api/v1/findings?${trust()}&asOf=${tomorrow}`,
      `/api/v1/reports/findings?${trust()}&asOf=${tomorrow}`,
    ];
    const answers = [];
    for (const path of paths) {
      const response = await t.http.get(path).buffer(true).parse(binary);
      const body = (response.body as Buffer).toString('utf8');
      answers.push({
        path,
        status: response.status,
        saysFuture: /asOf.*future|future.*asOf/i.test(body),
      });
    }
    expect(answers).toEqual(paths.map((path) => ({ path, status: 400, saysFuture: true })));
  });

  it('answers empty, not an error, as at a day before the trust existed', async () => {
    const list = await t.http.get(`/api/v1/actions?${trust()}&asOf=2000-01-01`).expect(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });

    const readiness = (await t.http.get(`/api/v1/readiness?${trust()}&asOf=2000-01-01`).expect(200))
      .body;
    expect(readiness.coreServices).toEqual([]);
    expect(Object.values(readiness.actionsByDeliveryStatus).every((n) => n === 0)).toBe(true);
    expect(Object.values(readiness.findingsByType).every((n) => n === 0)).toBe(true);

    const board = (await t.http.get(`/api/v1/reports/board?${trust()}&asOf=2000-01-01`).expect(200))
      .text;
    for (const status of ['OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'COMPLETED', 'ASSURED']) {
      expect({
        status,
        row: new RegExp(`<tr><td>${labelOf(status)}</td><td class="n">0</td></tr>`).test(board),
      }).toEqual({ status, row: true });
    }
    expect(board).not.toContain('LPT-');
  });
});

/**
 * Every kind of edit issue 16 lists, through the API, on records yesterday's reports show:
 * an action's own fields, its people, its cancellation and its findings; a finding's words,
 * type, key question, regulations, deadline and core service; a core service's name and
 * reinspection date; people's names.
 */
async function editEverything(t: TestApp, today: string): Promise<void> {
  const http = t.http;
  const actionRef = async (reference: string) =>
    (await http.get(`/api/v1/actions?${trust()}&q=${reference}`).expect(200)).body.items.find(
      (a: { reference: string }) => a.reference === reference,
    ) as { id: number };
  const findingRef = async (reference: string) =>
    (
      await http.get(`/api/v1/findings?${trust()}&q=${reference}&limit=500`).expect(200)
    ).body.items.find((f: { reference: string }) => f.reference === reference) as { id: number };
  const person = async (name: string) =>
    (await http.get(`/api/v1/users?q=${encodeURIComponent(name)}`).expect(200)).body.items[0] as {
      id: number;
    };
  const ok = async (request: Promise<{ status: number; body: unknown }>, what: string) => {
    const response = await request;
    if (response.status !== 200) {
      throw new Error(`${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
  };

  // LPT-04 (off track, crisis services): its own fields, then its people.
  const lpt04 = await actionRef('LPT-04');
  await ok(
    http.patch(`/api/v1/actions/${lpt04.id}`).send({
      title: 'Audit every crisis risk assessment Retitled',
      description: 'Redescribed: every team audited, not one',
      successMeasure: 'Remeasured: 95% of records complete in every team',
      reference: 'LPT-04R',
      startDate: addDays(today, -3),
    }),
    'editing LPT-04',
  );
  await ok(
    http.post(`/api/v1/actions/${lpt04.id}/assign`).send({
      ownerId: (await person('Tom Evans')).id,
      executiveLeadId: (await person('Mark Jones')).id,
    }),
    'reassigning LPT-04',
  );
  // LPT-06 (at risk, CAMHS) cancelled.
  await ok(
    http
      .post(`/api/v1/actions/${(await actionRef('LPT-06')).id}/cancel`)
      .send({ reason: 'Folded into LPT-04' }),
    'cancelling LPT-06',
  );
  // LPT-05 unlinked from MD5 (community mental health) and linked to SD3 (adults).
  await ok(
    http
      .patch(`/api/v1/actions/${(await actionRef('LPT-05')).id}`)
      .send({ findingIds: [(await findingRef('SD3')).id] }),
    'relinking LPT-05',
  );
  // MD2: its words, key question, regulations and core service.
  await ok(
    http.patch(`/api/v1/findings/${(await findingRef('MD2')).id}`).send({
      text: 'Rewordedfinding: every crisis team must hold a staffing plan. (Regulation 17)',
      keyQuestion: 'Well-led',
      regulations: [{ instrument: 2014, number: '17' }],
      coreServiceId: ids.services.get(CRISIS),
    }),
    'editing MD2',
  );
  // MD3 becomes a warning notice with its own deadline.
  await ok(
    http
      .patch(`/api/v1/findings/${(await findingRef('MD3')).id}`)
      .send({ type: 'WARNING_NOTICE', deadline: addDays(today, 20) }),
    'retyping MD3',
  );
  // The acute wards renamed, and their reinspection brought forward.
  await ok(
    http
      .patch(`/api/v1/core-services/${ids.services.get(ACUTE)}`)
      .send({ name: 'Acute wards Renamedservice', reinspectionDate: addDays(today, 10) }),
    'editing the acute wards',
  );
  // People renamed: an executive lead and an owner.
  await ok(
    http
      .patch(`/api/v1/users/${(await person('Helen Carter')).id}`)
      .send({ name: 'Dr Helen Renamedlead' }),
    'renaming Dr Helen Carter',
  );
  await ok(
    http
      .patch(`/api/v1/users/${(await person('Aisha Khan')).id}`)
      .send({ name: 'Aisha Renamedowner' }),
    'renaming Aisha Khan',
  );
  // The trust renamed: report titles as at yesterday keep the old name.
  await ok(
    http
      .patch(`/api/v1/organisations/${ids.organisation}`)
      .send({ name: 'Leicestershire Renamedtrust NHS Trust' }),
    'renaming the trust',
  );
  // The inspection re-dated (its publication sets when action plans are due), and one MUST
  // finding taken off it.
  const [inspection] = (await http.get(`/api/v1/inspections?${trust()}`).expect(200)).body
    .items as { id: number; visitStart: string }[];
  await ok(
    http.patch(`/api/v1/inspections/${inspection.id}`).send({
      kind: 'focused',
      visitStart: addDays(inspection.visitStart, 7),
      publishedOn: addDays(inspection.visitStart, 120),
    }),
    'editing the inspection',
  );
  await ok(
    http.patch(`/api/v1/findings/${(await findingRef('MD1')).id}`).send({ inspectionId: null }),
    'taking MD1 off its inspection',
  );
}

/**
 * The as-at day is the Europe/London calendar day. Records are written through the API with
 * the clock set to instants either side of London midnight, in summer (BST, UTC+1) and winter
 * (GMT), and the lists as at those days must include exactly what existed by the day's end.
 */
describe('the as-at day is the London calendar day, in summer and in winter', () => {
  let t: TestApp;
  let organisationId: number;
  const created = new Map<string, number>();

  // Each action is created at an instant chosen on a boundary of a London day.
  const AT = {
    winterLastHour: '2025-12-31T23:30:00.000Z', // 23:30 GMT, 31 December
    winterFirstHour: '2026-01-01T00:30:00.000Z', // 00:30 GMT, 1 January
    summerFirstHour: '2026-06-30T23:30:00.000Z', // 00:30 BST, 1 July
    summerLastMoment: '2026-07-01T22:59:59.999Z', // 23:59:59.999 BST, 1 July
    summerNextDay: '2026-07-01T23:00:00.000Z', // 00:00 BST, 2 July
  };

  beforeAll(async () => {
    t = await createTestApp();
    try {
      setClock('2025-06-01T12:00:00.000Z');
      const organisation = await buildOrganisation(t.http);
      organisationId = organisation.id;
      const finding = await buildFinding(t.http, organisationId);
      for (const [name, at] of Object.entries(AT)) {
        setClock(at);
        created.set(name, (await buildAction(t.http, [finding.id], { reference: name })).id);
      }
      // History either side of London midnight on the winter action.
      setClock(AT.summerFirstHour);
      await t.http
        .post(`/api/v1/actions/${created.get('winterLastHour')}/progress`)
        .send({ note: 'Started in the first hour of 1 July', progress: 40 })
        .expect(201);
      setClock(AT.summerNextDay);
      await t.http
        .post(`/api/v1/actions/${created.get('winterLastHour')}/due-date`)
        .send({ dueDate: '2030-06-30', reason: 'Moved at midnight, 2 July' })
        .expect(200);
    } finally {
      realClock();
    }
  }, 120_000);
  afterAll(async () => {
    realClock();
    await t.close();
  });

  const listed = async (asOf: string) =>
    (
      (
        await t.http
          .get(
            `/api/v1/actions?organisationId=${organisationId}&asOf=${asOf}&sort=reference&limit=50`,
          )
          .expect(200)
      ).body.items as { reference: string }[]
    ).map((a) => a.reference);

  it.each([
    ['2025-12-30', []],
    ['2025-12-31', ['winterLastHour']],
    ['2026-01-01', ['winterFirstHour', 'winterLastHour']],
    ['2026-06-30', ['winterFirstHour', 'winterLastHour']],
    ['2026-07-01', ['summerFirstHour', 'summerLastMoment', 'winterFirstHour', 'winterLastHour']],
    [
      '2026-07-02',
      ['summerFirstHour', 'summerLastMoment', 'summerNextDay', 'winterFirstHour', 'winterLastHour'],
    ],
  ])('as at %s lists the actions created by the end of that London day', async (asOf, expected) => {
    expect(await listed(asOf)).toEqual(expected);
  });

  it('counts progress and due-date changes on the London day they were made', async () => {
    const at = async (asOf: string) =>
      (
        await t.http
          .get(`/api/v1/actions/${created.get('winterLastHour')}?asOf=${asOf}`)
          .expect(200)
      ).body as { status: string; progress: number; dueDate: string };
    expect(await at('2026-06-30')).toMatchObject({
      status: 'NOT_STARTED',
      progress: 0,
      dueDate: '2030-01-31',
    });
    expect(await at('2026-07-01')).toMatchObject({
      status: 'IN_PROGRESS',
      progress: 40,
      dueDate: '2030-01-31',
    });
    expect(await at('2026-07-02')).toMatchObject({ dueDate: '2030-06-30' });
  });

  it('takes today to be the London day: 23:30 UTC on 1 July is already 2 July', async () => {
    try {
      setClock('2026-07-01T23:30:00.000Z');
      const id = created.get('summerFirstHour');
      expect((await t.http.get(`/api/v1/actions/${id}`).expect(200)).body.asOf).toBe('2026-07-02');
      // So 2 July is today there, not the future.
      await t.http
        .get(`/api/v1/actions?organisationId=${organisationId}&asOf=2026-07-02`)
        .expect(200);
      expect(
        (await t.http.get(`/api/v1/reports/board?organisationId=${organisationId}`).expect(200))
          .text,
      ).toContain('as at 2 July 2026');
      setClock('2026-01-01T00:30:00.000Z');
      expect(
        (await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)).body
          .asOf,
      ).toBe('2026-01-01');
    } finally {
      realClock();
    }
  });
});

/**
 * The write side of the same promise: an edit made on a past day (the clock set to then, in
 * BST) shows as at that day and not as at the day before. Editing only today would pass even
 * if no write kept any history, since as at today reads the live rows.
 */
describe('an edit made on a past day shows as at that day, not the day before', () => {
  let t: TestApp;
  const BEFORE = '2026-04-09';
  const ON = '2026-04-10';
  const r = {} as Record<
    | 'organisation'
    | 'service'
    | 'finding'
    | 'other'
    | 'action'
    | 'owner'
    | 'lead'
    | 'owner2'
    | 'lead2',
    { id: number; name?: string }
  >;

  beforeAll(async () => {
    t = await createTestApp();
    const http = t.http;
    try {
      setClock('2026-03-01T12:00:00.000Z');
      r.organisation = await buildOrganisation(http);
      r.service = await buildCoreService(http, r.organisation.id, {
        name: 'Original service',
        reinspectionDate: '2027-01-01',
      });
      r.finding = await buildFinding(http, r.organisation.id, {
        coreServiceId: r.service.id,
        text: 'Original finding text',
      });
      r.other = await buildFinding(http, r.organisation.id, { text: 'Other finding text' });
      r.owner = await buildUser(http, { name: 'Olive Original', role: 'owner' });
      r.lead = await buildUser(http, { name: 'Leo Original', role: 'executive' });
      r.owner2 = await buildUser(http, { name: 'Owen Second', role: 'owner' });
      r.lead2 = await buildUser(http, { name: 'Lena Second', role: 'executive' });
      r.action = await buildAction(http, [r.finding.id], {
        title: 'Original title',
        reference: 'ORIG-1',
        ownerId: r.owner.id,
        executiveLeadId: r.lead.id,
      });
      // 10 April, 00:30 BST (23:30 UTC on the 9th): every kind of edit.
      setClock('2026-04-09T23:30:00.000Z');
      const edits = [
        http.patch(`/api/v1/actions/${r.action.id}`).send({
          title: 'Edited title',
          description: 'Edited description',
          successMeasure: 'Edited measure',
          reference: 'EDIT-1',
          startDate: '2026-04-01',
        }),
        http
          .post(`/api/v1/actions/${r.action.id}/assign`)
          .send({ ownerId: r.owner2.id, executiveLeadId: r.lead2.id }),
        http.patch(`/api/v1/actions/${r.action.id}`).send({ findingIds: [r.other.id] }),
        http.patch(`/api/v1/findings/${r.finding.id}`).send({
          text: 'Edited finding text',
          type: 'WARNING_NOTICE',
          deadline: '2026-06-01',
          keyQuestion: 'Well-led',
          regulations: [{ instrument: 2014, number: '17' }],
        }),
        http
          .patch(`/api/v1/core-services/${r.service.id}`)
          .send({ name: 'Edited service', reinspectionDate: '2026-09-01' }),
        http.patch(`/api/v1/users/${r.owner2.id}`).send({ name: 'Owen Edited' }),
        http.patch(`/api/v1/users/${r.lead.id}`).send({ name: 'Leo Edited' }),
        http.post(`/api/v1/actions/${r.action.id}/cancel`).send({ reason: 'Edited away' }),
      ];
      for (const edit of edits) {
        const response = await edit;
        if (response.status !== 200) {
          throw new Error(`an edit answered ${response.status}: ${JSON.stringify(response.body)}`);
        }
      }
    } finally {
      realClock();
    }
  }, 120_000);
  afterAll(async () => {
    realClock();
    await t.close();
  });

  const actionAsAt = async (asOf: string) =>
    (
      await t.http
        .get(`/api/v1/actions?organisationId=${r.organisation.id}&asOf=${asOf}`)
        .expect(200)
    ).body.items[0] ?? missing(asOf);
  const findingAsAt = async (asOf: string) =>
    (
      (
        await t.http
          .get(`/api/v1/findings?organisationId=${r.organisation.id}&asOf=${asOf}`)
          .expect(200)
      ).body.items as { id: number }[]
    ).find((f) => f.id === r.finding.id) ?? missing(asOf);
  const serviceAsAt = async (asOf: string) =>
    (
      (
        await t.http
          .get(`/api/v1/readiness?organisationId=${r.organisation.id}&asOf=${asOf}`)
          .expect(200)
      ).body.coreServices as { coreServiceId: number }[]
    ).find((s) => s.coreServiceId === r.service.id) ?? missing(asOf);
  // Stands in for a record the answer left out, so the failure says so.
  const missing = (asOf: string) => ({ missing: `not in the answer as at ${asOf}` });

  // Leo is renamed on the 10th, when he no longer leads the action: the 9th keeps his old name.
  it('the action: its fields, people and their names, links and cancellation', async () => {
    expect(await actionAsAt(BEFORE)).toMatchObject({
      title: 'Original title',
      description: null,
      successMeasure: null,
      reference: 'ORIG-1',
      startDate: null,
      owner: { id: r.owner.id, name: 'Olive Original' },
      executiveLead: { id: r.lead.id, name: 'Leo Original' },
      findingIds: [r.finding.id],
      reinspectionDate: '2027-01-01',
      status: 'NOT_STARTED',
    });
    expect(await actionAsAt(ON)).toMatchObject({
      title: 'Edited title',
      description: 'Edited description',
      successMeasure: 'Edited measure',
      reference: 'EDIT-1',
      startDate: '2026-04-01',
      owner: { id: r.owner2.id, name: 'Owen Edited' },
      executiveLead: { id: r.lead2.id, name: 'Lena Second' },
      findingIds: [r.other.id],
      reinspectionDate: null,
      status: 'CANCELLED',
    });
  });

  it('the finding: text, type, deadline, key question and regulations', async () => {
    expect(await findingAsAt(BEFORE)).toMatchObject({
      text: 'Original finding text',
      type: 'MUST',
      deadline: null,
      keyQuestion: 'Safe',
      regulations: [expect.objectContaining({ number: '12' })],
    });
    expect(await findingAsAt(ON)).toMatchObject({
      text: 'Edited finding text',
      type: 'WARNING_NOTICE',
      deadline: '2026-06-01',
      keyQuestion: 'Well-led',
      regulations: [expect.objectContaining({ number: '17' })],
    });
  });

  it('the core service: name and reinspection date', async () => {
    expect(await serviceAsAt(BEFORE)).toMatchObject({
      name: 'Original service',
      reinspectionDate: '2027-01-01',
    });
    expect(await serviceAsAt(ON)).toMatchObject({
      name: 'Edited service',
      reinspectionDate: '2026-09-01',
    });
  });
});
