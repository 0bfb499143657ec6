import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { addDays, todayDate } from '../src/common/dates';
import { labelOf, ukDate } from '../src/common/words';
import { pdfPages } from '../src/imports/pdf-text';
import { DEMO_PASSWORD } from './browser';
import { binary } from './downloads';
import { buildPlan, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const MOVEMENT = 'Movement since the last issued board report';

/** The movement section of a board report page: its intro and each table's rows as text. */
function movementOf(html: string): { intro: string; tables: Record<string, string[][]> } {
  const start = html.indexOf(`<h2>${MOVEMENT}</h2>`);
  if (start < 0) throw new Error('no movement section');
  const end = html.indexOf('<h2>', start + 10);
  const section = html.slice(start, end);
  const intro = /<p>(.*?)<\/p>/.exec(section)?.[1] ?? '';
  const tables: Record<string, string[][]> = {};
  for (const match of section.matchAll(/<h3>(.*?)<\/h3>\s*<table>.*?<tbody>(.*?)<\/tbody>/gs)) {
    tables[match[1]] = [...match[2].matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
      [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => cell[1]),
    );
  }
  return { intro, tables };
}

/**
 * Issued reports through the real app on the demo data: issued, listed, downloaded byte for
 * byte, kept from other trusts and from viewers, audited; and the board report's movement
 * since the last issued one, checked against the lists of actions for the two dates.
 */
describe('issued reports', () => {
  let t: TestApp;
  let organisationId: number;
  const today = todayDate();
  const past = addDays(today, -10);

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
  });
  afterAll(() => t.close());

  const board = (query: string) =>
    t.http.get(`/api/v1/reports/board?organisationId=${organisationId}${query}`).expect(200);

  it('says no earlier board report has been issued before any is', async () => {
    const html = (await board('')).text;
    expect(movementOf(html).intro).toBe('No earlier board report has been issued.');
  });

  it('issues a board report as a PDF, lists it, and downloads it byte for byte', async () => {
    const issued = await t.http
      .post('/api/v1/reports/issued')
      // Stored trimmed: the spaces a form or a paste leaves around the name are not kept.
      .send({
        kind: 'board',
        organisationId,
        asOf: past,
        meeting: ' Trust Board 14 January 2027  ',
      })
      .expect(201);
    expect(issued.body).toMatchObject({
      kind: 'board',
      format: 'pdf',
      asOf: past,
      organisationId,
      meeting: 'Trust Board 14 January 2027',
      fileName: `board-report-${past}.pdf`,
      contentType: 'application/pdf',
      issuedBy: { name: 'Test Admin' },
    });
    expect(issued.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const list = await t.http
      .get(`/api/v1/reports/issued?organisationId=${organisationId}`)
      .expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toEqual(issued.body);

    const file = await t.http
      .get(issued.body.href)
      .buffer(true)
      .parse(binary)
      .expect(200)
      .expect('Content-Type', 'application/pdf')
      .expect('Content-Disposition', `attachment; filename="board-report-${past}.pdf"`);
    const bytes = file.body as Buffer;
    const [stored] = await t.dataSource.query<{ sha256: string; size: number; content: Buffer }[]>(
      'SELECT sha256, size, content FROM issued_report WHERE id = $1',
      [issued.body.id],
    );
    // The hash at issue time, the stored hash, the stored bytes and the download all agree.
    expect(sha256(bytes)).toBe(issued.body.sha256);
    expect(stored.sha256).toBe(issued.body.sha256);
    expect(sha256(Buffer.from(stored.content))).toBe(issued.body.sha256);
    expect(bytes.length).toBe(issued.body.size);
    expect(Number(stored.size)).toBe(issued.body.size);
    expect(file.headers['x-content-sha256']).toBe(issued.body.sha256);
    const text = (await pdfPages(bytes)).join('\n');
    expect(text).toContain(`board paper as at ${ukDate(past)}`);

    // The next day's reading of the same issued file is the same bytes.
    const again = await t.http.get(issued.body.href).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(again.body as Buffer, bytes)).toBe(0);
  });

  it('records the issue in the audit trail', async () => {
    const [row] = (
      await t.http.get(`/api/v1/reports/issued?organisationId=${organisationId}`).expect(200)
    ).body.items;
    const events = (
      await t.http.get(`/api/v1/audit?entity=issued_report&entityId=${row.id}`).expect(200)
    ).body.items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', entity: 'issued_report' });
    expect(events[0].summary).toContain('Trust Board 14 January 2027');
    expect(JSON.stringify(events[0].changes)).toContain(row.sha256);
  });

  it('issues a CQC return (XLSX by default) that opens as a workbook', async () => {
    const issued = await t.http
      .post('/api/v1/reports/issued')
      .send({ kind: 'cqc-return', organisationId, meeting: 'Sent to CQC' })
      .expect(201);
    expect(issued.body).toMatchObject({ format: 'xlsx', asOf: today, kind: 'cqc-return' });
    const file = await t.http.get(issued.body.href).buffer(true).parse(binary).expect(200);
    expect(sha256(file.body as Buffer)).toBe(issued.body.sha256);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toContain('CQC action plan');
  });

  it('shows movement since the last issued board report, agreeing with the lists for both dates', async () => {
    const ids = async (asOf: string, deliveryStatus: string): Promise<number[]> =>
      (
        await t.http
          .get(
            `/api/v1/actions?organisationId=${organisationId}&asOf=${asOf}&deliveryStatus=${deliveryStatus}&limit=500`,
          )
          .expect(200)
      ).body.items.map((a: { id: number }) => a.id);
    // Today: one action on track both then and now goes off track; another's date moves.
    const offThen = await ids(past, 'OFF_TRACK');
    const onTrack = (
      await t.http
        .get(`/api/v1/actions?organisationId=${organisationId}&deliveryStatus=ON_TRACK&limit=500`)
        .expect(200)
    ).body.items.filter((a: { id: number }) => !offThen.includes(a.id));
    const [flagged, moved] = onTrack;
    await t.http
      .post(`/api/v1/actions/${flagged.id}/progress`)
      .send({ note: 'Supplier pulled out', progress: flagged.progress, offTrack: true })
      .expect(201);
    const newDue = addDays(moved.dueDate, 21);
    await t.http
      .post(`/api/v1/actions/${moved.id}/due-date`)
      .send({ dueDate: newDue, reason: 'Waiting for the estates survey' })
      .expect(200);

    // A report as at yesterday is as it was yesterday: the paper issued today is not in it.
    expect(movementOf((await board(`&asOf=${addDays(today, -1)}`)).text).intro).toBe(
      'No earlier board report has been issued.',
    );
    const html = (await board('')).text;
    const movement = movementOf(html);
    expect(movement.intro).toBe(
      `Compared with the board report as at ${ukDate(past)}, issued for Trust Board 14 January 2027 on ${ukDate(today)}.`,
    );
    const readiness = async (asOf: string) =>
      (
        await t.http
          .get(`/api/v1/readiness?organisationId=${organisationId}&asOf=${asOf}`)
          .expect(200)
      ).body.actionsByDeliveryStatus as Record<string, number>;
    const [then, now] = [await readiness(past), await readiness(today)];
    const byStatus = movement.tables['Actions by delivery status'];
    const statuses = ['OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'COMPLETED', 'ASSURED', 'CANCELLED'];
    // The one status order, in words.
    expect(byStatus.map((r) => r[0])).toEqual(statuses.map((s) => labelOf(s)));
    for (const [index, [, thenCount, nowCount, change]] of byStatus.entries()) {
      const status = statuses[index];
      expect({ status, thenCount, nowCount }).toEqual({
        status,
        thenCount: String(then[status]),
        nowCount: String(now[status]),
      });
      const delta = now[status] - then[status];
      expect(change).toBe(delta > 0 ? `+${delta}` : String(delta));
    }
    const brag = movement.tables['Actions by BRAG (cancelled left out)'];
    expect(Number(brag.find((r) => r[0] === 'Red')![1])).toBe(then.OFF_TRACK);
    expect(Number(brag.find((r) => r[0] === 'Red')![2])).toBe(now.OFF_TRACK);

    // Newly off track and newly assured: exactly the difference of the two dates' lists.
    const name = (a: { reference: string | null; title: string }) =>
      a.reference ? `${a.reference} ${a.title}` : a.title;
    const titles = async (list: number[]) => {
      const names: string[] = [];
      for (const id of list)
        names.push(name((await t.http.get(`/api/v1/actions/${id}`).expect(200)).body));
      return names.sort();
    };
    const offNow = await ids(today, 'OFF_TRACK');
    const newlyOff = offNow.filter((id) => !offThen.includes(id));
    expect(newlyOff).toContain(flagged.id);
    expect(movement.tables['Newly off track'].map((r) => r[0]).sort()).toEqual(
      await titles(newlyOff),
    );
    const assuredThen = await ids(past, 'ASSURED');
    const newlyAssured = (await ids(today, 'ASSURED')).filter((id) => !assuredThen.includes(id));
    const assuredRows = movement.tables['Newly assured'].map((r) => r[0]);
    expect(newlyAssured.length ? assuredRows.sort() : assuredRows).toEqual(
      newlyAssured.length ? await titles(newlyAssured) : ['None'],
    );

    // Due dates moved after the end of the earlier day: today's move, and the demo's moves
    // in the last ten days, never the one made 40 days ago.
    const moves = movement.tables['Due dates moved'];
    expect(moves).toContainEqual([
      name(moved),
      ukDate(moved.dueDate),
      ukDate(newDue),
      ukDate(today),
      'Waiting for the estates survey',
    ]);
    const daysAfterPast: string[] = [];
    for (let d = addDays(past, 1); d <= today; d = addDays(d, 1)) daysAfterPast.push(ukDate(d));
    expect(moves.every((r) => daysAfterPast.includes(r[3]))).toBe(true);
    expect(html).toContain('Recruitment campaign extended after a low response');
    expect(moves.some((r) => r[4].startsWith('Recruitment campaign extended'))).toBe(false);
  });

  it('puts the movement section in the PDF and the workbook too', async () => {
    const pdf = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}&format=pdf`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = (await pdfPages(pdf.body as Buffer)).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain(MOVEMENT);
    expect(text).toContain(`Compared with the board report as at ${ukDate(past)}`);
    expect(text).toContain('Waiting for the estates survey');
    const xlsx = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}&format=xlsx`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const cells: string[] = [];
    workbook
      .getWorksheet('Summary')!
      .eachRow((row) => row.eachCell((cell) => cells.push(cell.text)));
    expect(cells).toContain(MOVEMENT);
    expect(cells).toContain('Waiting for the estates survey');
  });

  it('compares with a chosen earlier date, and refuses one that is not earlier', async () => {
    const other = (await t.http.get('/api/v1/organisations?limit=50').expect(200)).body.items.find(
      (o: { id: number }) => o.id !== organisationId,
    );
    const html = (
      await t.http
        .get(`/api/v1/reports/board?organisationId=${other.id}&sinceAsOf=${addDays(today, -5)}`)
        .expect(200)
    ).text;
    expect(movementOf(html).intro).toBe(
      `No issued board report chosen: compared with the figures as at ${ukDate(addDays(today, -5))}, the date asked for.`,
    );
    const refused = await t.http
      .get(`/api/v1/reports/board?organisationId=${other.id}&sinceAsOf=${today}`)
      .expect(400);
    expect(refused.body.errors[0].field).toBe('sinceAsOf');
  });

  it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
    const count = async () =>
      Number(
        (await t.dataSource.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM issued_report'))[0].n,
      );
    const before = await count();
    const ok = { kind: 'board', organisationId, meeting: 'Board' };
    const cases: [object, string][] = [
      [{ ...ok, asOf: addDays(today, 1) }, 'asOf'],
      [{ ...ok, asOf: '2026-02-30' }, 'asOf'],
      [{ ...ok, kind: 'minutes' }, 'kind'],
      [{ kind: 'board', organisationId }, 'meeting'],
      [{ ...ok, meeting: '' }, 'meeting'],
      [{ ...ok, meeting: '   ' }, 'meeting'],
      [{ ...ok, meeting: 'x'.repeat(201) }, 'meeting'],
      [{ ...ok, kind: 'cqc-return', format: 'html' }, 'format'],
      [{ ...ok, kind: 'cqc-return', sinceAsOf: past }, 'sinceAsOf'],
      [{ ...ok, organisationId: null }, 'organisationId'],
    ];
    for (const [body, field] of cases) {
      const response = await t.http.post('/api/v1/reports/issued').send(body);
      expect({ field, status: response.status }).toEqual({ field, status: 400 });
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    const blank = await t.http.post('/api/v1/reports/issued').send({ ...ok, meeting: '   ' });
    expect(blank.body.errors).toEqual([
      { field: 'meeting', reason: 'Enter the meeting the report is issued to' },
    ]);
    expect(await count()).toBe(before);
  });

  it("refuses another trust's core service or executive lead, storing nothing", async () => {
    // Issue 16: the trust's quality lead issued an empty report filtered by another trust's ids.
    const count = async () =>
      Number(
        (await t.dataSource.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM issued_report'))[0].n,
      );
    const before = await count();
    const other = await buildPlan(t.http);
    const stranger = await buildUser(t.http, {
      role: 'executive',
      memberships: [{ organisationId: other.organisation.id, role: 'executive' }],
    });
    const quality = await t.as(
      await buildUser(t.http, {
        role: 'quality_lead',
        memberships: [{ organisationId, role: 'quality_lead' }],
      }),
    );
    const cases: [object, string, string][] = [
      [
        { coreServiceId: other.coreService.id },
        'coreServiceId',
        'not a core service of this trust',
      ],
      [{ executiveLeadId: stranger.id }, 'executiveLeadId', 'not a person of this trust'],
    ];
    for (const [filter, field, reason] of cases)
      for (const kind of ['board', 'cqc-return']) {
        const response = await quality
          .post('/api/v1/reports/issued')
          .send({ kind, organisationId, meeting: 'Board', ...filter });
        expect({ kind, status: response.status, errors: response.body.errors }).toEqual({
          kind,
          status: 400,
          errors: [{ field, reason }],
        });
      }
    expect(await count()).toBe(before);
  });

  it("refuses a viewer (403), and answers another trust's reports 404 to its people", async () => {
    const issued = (
      await t.http.get(`/api/v1/reports/issued?organisationId=${organisationId}`).expect(200)
    ).body.items[0];
    const viewer = await t.as(
      await buildUser(t.http, {
        role: 'viewer',
        memberships: [{ organisationId, role: 'viewer' }],
      }),
    );
    const refused = await viewer
      .post('/api/v1/reports/issued')
      .send({ kind: 'board', organisationId, meeting: 'Board' })
      .expect(403);
    expect(refused.body.code).toBe('ROLE_NOT_ALLOWED');
    // A viewer reads the trust's issued reports and downloads them.
    await viewer.get(`/api/v1/reports/issued?organisationId=${organisationId}`).expect(200);
    await viewer.get(issued.href).expect(200);

    const plan = await buildPlan(t.http);
    const stranger = await t.as(
      await buildUser(t.http, {
        role: 'quality_lead',
        memberships: [{ organisationId: plan.organisation.id, role: 'quality_lead' }],
      }),
    );
    expect(
      (
        await stranger
          .post('/api/v1/reports/issued')
          .send({ kind: 'board', organisationId, meeting: 'Board' })
          .expect(404)
      ).body.code,
    ).toBe('ORGANISATION_NOT_FOUND');
    await stranger.get(`/api/v1/reports/issued?organisationId=${organisationId}`).expect(404);
    expect((await stranger.get(issued.href).expect(404)).body.code).toBe('ISSUED_REPORT_NOT_FOUND');
    // Their own trust's list is theirs, and holds nothing of the other trust.
    const own = await stranger
      .get(`/api/v1/reports/issued?organisationId=${plan.organisation.id}`)
      .expect(200);
    expect(own.body.items).toEqual([]);
    await t.http.get('/api/v1/reports/issued/999999/file').expect(404);
  });

  /** A person signed in on the pages, as a browser would be (session cookie, form token). */
  async function signedIn(email: string) {
    const agent = request.agent(t.app.getHttpServer() as Parameters<typeof request.agent>[0]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email, password: DEMO_PASSWORD, returnTo: '/' })
      .expect(303);
    return agent;
  }
  // A form's hidden field, or the sign-out link's (on a page with no form).
  const csrfOf = (html: string) => /_csrf(?:" value="|=)([^"&]+)/.exec(html)![1];

  it('issues a report from the reports page and lists it on the issued reports page', async () => {
    const agent = await signedIn('priya.shah@example.nhs.uk');
    const page = await agent.get(`/reports?organisationId=${organisationId}`).expect(200);
    expect(page.text).toContain('Issue this report');
    expect(page.text).toContain(`/reports/issued?organisationId=${organisationId}`);

    // A missing meeting: the form again, with the problem named, and nothing stored.
    const before = (
      await t.http.get(`/api/v1/reports/issued?organisationId=${organisationId}`).expect(200)
    ).body.total;
    const refused = await agent
      .post('/reports/issue')
      .type('form')
      .send({ _csrf: csrfOf(page.text), organisationId, kind: 'board', issueFormat: 'xlsx' })
      .expect(400);
    expect(refused.text).toContain('There is a problem');
    expect(refused.text).toContain('Enter the meeting the report is issued to');
    const future = await agent
      .post('/reports/issue')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        organisationId,
        kind: 'board',
        meeting: 'Board',
        'issueAsOf[day]': '1',
        'issueAsOf[month]': '1',
        'issueAsOf[year]': String(Number(today.slice(0, 4)) + 1),
      })
      .expect(400);
    expect(future.text).toContain('is in the future');

    const posted = await agent
      .post('/reports/issue')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        organisationId,
        kind: 'board',
        issueFormat: 'xlsx',
        meeting: 'Quality Committee <9 December>',
      })
      .expect(303);
    expect(posted.headers.location).toBe(
      `/reports/issued?organisationId=${organisationId}&done=issued`,
    );
    const list = (
      await t.http.get(`/api/v1/reports/issued?organisationId=${organisationId}`).expect(200)
    ).body;
    expect(list.total).toBe(before + 1);
    const [newest] = list.items;
    expect(newest).toMatchObject({
      kind: 'board',
      format: 'xlsx',
      meeting: 'Quality Committee <9 December>',
      issuedBy: { name: 'Priya Shah' },
    });

    const issuedPage = await agent.get(posted.headers.location).expect(200);
    expect(issuedPage.text).toContain('The report has been issued');
    expect(issuedPage.text).toContain('Quality Committee &lt;9 December&gt;');
    expect(issuedPage.text).toContain(`href="${newest.href}"`);
    expect(issuedPage.text).toContain(newest.sha256);
    const file = await agent.get(newest.href).buffer(true).parse(binary).expect(200);
    expect(sha256(file.body as Buffer)).toBe(newest.sha256);
  });

  it('offers a viewer no issue form, and refuses their post', async () => {
    const agent = await signedIn('jane.wilson@example.nhs.uk');
    const page = await agent.get(`/reports?organisationId=${organisationId}`).expect(200);
    expect(page.text).not.toContain('Issue this report');
    await agent.get(`/reports/issued?organisationId=${organisationId}`).expect(200);
    await agent
      .post('/reports/issue')
      .type('form')
      .send({ _csrf: csrfOf(page.text), organisationId, kind: 'board', meeting: 'Board' })
      .expect(403);
  });

  it("says on the reports page, not in the API's JSON, that another trust's service or lead is not this trust's", async () => {
    const other = await buildPlan(t.http);
    const stranger = await buildUser(t.http, {
      role: 'executive',
      memberships: [{ organisationId: other.organisation.id, role: 'executive' }],
    });
    const agent = await signedIn('priya.shah@example.nhs.uk');
    for (const [field, id, reason] of [
      ['coreServiceId', other.coreService.id, 'Select a core service of this trust'],
      ['executiveLeadId', stranger.id, 'Select an executive lead of this trust'],
    ] as const) {
      const page = await agent
        .get(
          `/reports?organisationId=${organisationId}&download=1&report=board&format=html&${field}=${id}`,
        )
        .expect(400);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('There is a problem');
      expect(page.text).toContain(`href="#${field}"`);
      expect(page.text).toContain(reason);
    }
  });
  it('says a board report was issued as at the same date, rather than that none was', async () => {
    await t.http
      .post('/api/v1/reports/issued')
      .send({ kind: 'board', organisationId, asOf: today, meeting: 'Quality Committee' })
      .expect(201);
    const intro = movementOf((await board('')).text).intro;
    expect(intro).not.toBe('No earlier board report has been issued.');
    // The earlier-dated paper issued above is still the one compared with; with only
    // same-date papers, the intro says so.
    expect(intro).toMatch(/^Compared with the board report as at /);
    const other = await buildPlan(t.http);
    const url = `/api/v1/reports/board?organisationId=${other.organisation.id}`;
    await t.http
      .post('/api/v1/reports/issued')
      .send({
        kind: 'board',
        organisationId: other.organisation.id,
        asOf: today,
        meeting: 'Trust Board',
      })
      .expect(201);
    expect(movementOf((await t.http.get(url).expect(200)).text).intro).toBe(
      'The last board report issued, for Trust Board, was as at this same date, so there is no earlier report to compare with. Choose an earlier date to compare with.',
    );
  });
});
