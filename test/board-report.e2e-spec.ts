import ExcelJS from 'exceljs';
import { EVERY_TRUST } from '../src/auth/trust-access';
import { RequestContext } from '../src/common/request-context';
import { Client } from 'pg';
import { addDays, todayDate } from '../src/common/dates';
import { ReadSnapshot } from '../src/database/read-snapshot';
import { Transactions } from '../src/database/transactions';
import { pdfPages } from '../src/imports/pdf-text';
import { ReadinessService } from '../src/readiness/readiness.service';
import { monthEnds } from '../src/reports/board-report.service';
import { labelOf, ukDate } from '../src/common/words';
import { binary } from './downloads';
import { buildPlan, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

/** The board report over the demo data, checked against the readiness endpoint. */
describe('the board report (HTML)', () => {
  let t: TestApp;
  let organisationId: number;
  const today = todayDate();

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
  });
  afterAll(() => t.close());

  const cell = (html: string, label: string) =>
    new RegExp(`<tr><td>${label}</td><td class="n">(\\d+)</td></tr>`).exec(html)?.[1];

  it('states the trust, date and filters, and counts agree with the readiness endpoint', async () => {
    const response = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}`)
      .expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = response.text;
    expect(html).toContain('<h1>Leicestershire Partnership NHS Trust</h1>');
    expect(html).toContain(`board paper as at ${ukDate(today)}`);
    expect(html).toContain('Filters: none');
    const readiness = (
      await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)
    ).body;
    for (const status of [
      'OFF_TRACK',
      'AT_RISK',
      'ON_TRACK',
      'COMPLETED',
      'ASSURED',
      'CANCELLED',
    ]) {
      expect({ status, count: Number(cell(html, labelOf(status))) }).toEqual({
        status,
        count: readiness.actionsByDeliveryStatus[status],
      });
    }
    // Every service with findings, whatever its reinspection date, with its verdict in words.
    for (const service of readiness.coreServices.filter((s: { findingsByType: object }) =>
      Object.values(s.findingsByType).some((n) => n > 0),
    )) {
      expect(html).toContain(`<td>${labelOf(service.verdict)}</td>`);
      expect(html).toContain(`<td>${service.name}</td>`);
    }
  });

  it('lists exceptions with the latest update and slipped dates, recent assurances, and draws the charts', async () => {
    const html = (
      await t.http.get(`/api/v1/reports/board?organisationId=${organisationId}`).expect(200)
    ).text;
    expect(html).toContain('LPT-02 Recruit to establishment and fill every observation shift');
    expect(html).toContain(
      `From ${ukDate(addDays(today, -40))}: Recruitment campaign extended after a low response in the first round`,
    );
    expect(html).toContain('Agency cover gaps have stalled the re-audit');
    expect(html).toMatch(
      /LPT-01 Complete ligature risk assessments on every acute ward and brief all staff<\/td><td>\d{1,2} [A-Z][a-z]+ \d{4}<\/td><td>Priya Shah/,
    );
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toContain('Actions by BRAG and core service');
    expect(html).toContain('Open actions over time');
  });

  it('is the same for a past date after later changes, and takes filters', async () => {
    const past = addDays(today, -10);
    const before = (
      await t.http
        .get(`/api/v1/reports/board?organisationId=${organisationId}&asOf=${past}`)
        .expect(200)
    ).text;
    const actions = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&q=LPT-06`).expect(200)
    ).body.items;
    await (
      await t.as(actions[0].owner)
    )
      .post(`/api/v1/actions/${actions[0].id}/progress`)
      .send({ note: 'Backlog cleared', progress: 90 })
      .expect(201);
    const after = (
      await t.http
        .get(`/api/v1/reports/board?organisationId=${organisationId}&asOf=${past}`)
        .expect(200)
    ).text;
    expect(after).toEqual(before);
    const filtered = await t.http
      .get(
        `/api/v1/reports/board?organisationId=${organisationId}&executiveLeadId=${actions[0].executiveLead.id}`,
      )
      .expect(200);
    expect(filtered.text).toContain('Executive lead: Dr Helen Carter');
  });

  it("refuses another trust's core service or executive lead with a 400 naming the field", async () => {
    // Issue 16: these gave an empty report, as if the trust had nothing for them.
    const other = await buildPlan(t.http);
    const stranger = await buildUser(t.http, {
      role: 'executive',
      memberships: [{ organisationId: other.organisation.id, role: 'executive' }],
    });
    const cases: [string, string, string][] = [
      [
        `coreServiceId=${other.coreService.id}`,
        'coreServiceId',
        'not a core service of this trust',
      ],
      [`executiveLeadId=${stranger.id}`, 'executiveLeadId', 'not a person of this trust'],
    ];
    const reports = ['board', 'board?format=xlsx', 'cqc-return', 'cqc-return?format=pdf'];
    for (const [filter, field, reason] of cases)
      for (const report of reports) {
        const path = `/api/v1/reports/${report}${report.includes('?') ? '&' : '?'}organisationId=${organisationId}&${filter}`;
        const response = await t.http.get(path);
        expect({ path, status: response.status, errors: response.body.errors }).toEqual({
          path,
          status: 400,
          errors: [{ field, reason }],
        });
      }
  });

  it('writes the same report as a workbook whose figures agree', async () => {
    const response = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}&format=xlsx`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="board-report-${today}.xlsx"`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Cover sheet',
      'Summary',
      'Readiness',
      'Exceptions',
      'Recently assured',
    ]);
    const summary = workbook.getWorksheet('Summary')!;
    expect(summary.getCell('A1').value).toBe(
      `Leicestershire Partnership NHS Trust: CQC action plan: board paper as at ${ukDate(today)}`,
    );
    expect(summary.getCell('A2').value).toBe(`As at ${ukDate(today)}`);
    const values = summary.getSheetValues() as unknown[][];
    const countOf = (status: string) => values.find((row) => row?.[1] === status)?.[2];
    const readiness = (
      await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)
    ).body;
    for (const status of ['OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'COMPLETED', 'ASSURED']) {
      expect({ status, count: countOf(labelOf(status)) }).toEqual({
        status,
        count: readiness.actionsByDeliveryStatus[status],
      });
    }
    const exceptions = (
      workbook.getWorksheet('Exceptions')!.getSheetValues() as unknown[][]
    ).filter((r) => r?.[1] === 'LPT-02');
    expect(exceptions[0].slice(5, 7)).toEqual([
      new Date(`${addDays(today, -10)}T00:00:00.000Z`),
      'Red',
    ]);
    expect(exceptions[0][10]).toBe(
      'Recruitment campaign extended after a low response in the first round',
    );
  });

  it('writes an A4 board paper as PDF with page numbers, whose figures agree', async () => {
    const response = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}&format=pdf`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    // Read back with pdf.js, the same reader the report import uses.
    const pages = await pdfPages(response.body as Buffer);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, index) => expect(page).toContain(`Page ${index + 1} of ${pages.length}`));
    const text = pages.join('\n');
    expect(text).toContain('Leicestershire Partnership NHS Trust');
    expect(text).toContain(`CQC action plan: board paper as at ${ukDate(today)}`);
    const readiness = (
      await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)
    ).body;
    for (const status of [
      'OFF_TRACK',
      'AT_RISK',
      'ON_TRACK',
      'COMPLETED',
      'ASSURED',
      'CANCELLED',
    ]) {
      // pdf.js text keeps each line's indent from the page margin (the report import uses it).
      expect({
        status,
        line: new RegExp(`^\\s*${labelOf(status)}\\s*(\\d+)`, 'm').exec(text)?.[1],
      }).toEqual({
        status,
        line: String(readiness.actionsByDeliveryStatus[status]),
      });
    }
    expect(text).toContain('Actions by BRAG and core service');
    // Table cells wrap, so a long reason spreads over lines shared with its neighbours (at
    // 10 pt, over two lines here).
    expect(text).toMatch(/Recruitment\s+campaign/);
    expect(text).toContain('LPT-02 Recruit to');
  });

  it('reads a report from one snapshot: a write committed meanwhile is not half-seen', async () => {
    const transactions = t.app.get(Transactions);
    // Called directly, outside a request, so it declares the trusts it reads (all of them).
    const service = t.app.get(ReadinessService);
    const readiness = {
      forOrganisation: (id: number) =>
        RequestContext.runAs(undefined, () => service.forOrganisation(id), EVERY_TRUST),
    };
    const actions = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&q=LPT-10`).expect(200)
    ).body.items;
    const owner = await t.as(actions[0].owner);
    let write: Promise<unknown> | undefined;
    const [first, second] = await transactions.snapshot(async () => {
      const before = await readiness.forOrganisation(organisationId);
      // On PostgreSQL this write commits while the snapshot is open; on SQLite it waits for it.
      write = owner
        .post(`/api/v1/actions/${actions[0].id}/progress`)
        .send({ note: 'Done', status: 'COMPLETED' })
        .then((r) => r.status);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return [before, await readiness.forOrganisation(organisationId)];
    });
    expect(second).toEqual(first);
    expect(await write).toBe(201);
    const after = await readiness.forOrganisation(organisationId);
    expect(after.actionsByDeliveryStatus.COMPLETED).toBe(
      first.actionsByDeliveryStatus.COMPLETED + 1,
    );
  });

  it('runs the reads of a snapshot one at a time on its connection, and other reads together', async () => {
    const transactions = t.app.get(Transactions);
    let running = 0;
    let mostAtOnce = 0;
    const read = (value: string) => async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return value;
    };
    const inSnapshot = await transactions.snapshot(() =>
      ReadSnapshot.all([read('a'), read('b'), read('c')]),
    );
    expect({ inSnapshot, mostAtOnce }).toEqual({ inSnapshot: ['a', 'b', 'c'], mostAtOnce: 1 });
    mostAtOnce = 0;
    const outside = await ReadSnapshot.all([read('a'), read('b'), read('c')]);
    expect({ outside, mostAtOnce }).toEqual({ outside: ['a', 'b', 'c'], mostAtOnce: 3 });

    // node-postgres warns (and pg 9 will fail) when a query is sent on a client still busy
    // with another; every report runs in a snapshot, so none may do that. The check below is
    // pg's own condition for that warning (which Node prints only once per process).
    const overlapping: string[] = [];
    const client = Client.prototype as unknown as {
      query: (this: { _queryQueue: unknown[]; pipeline?: boolean }, ...args: unknown[]) => unknown;
    };
    const query = client.query;
    client.query = function (...args: unknown[]) {
      if (this._queryQueue.length > 0 && !this.pipeline)
        overlapping.push(String(args[0]).slice(0, 120));
      return query.apply(this, args);
    };
    try {
      const service = (
        await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)
      ).body.coreServices.find((s: { coreServiceId: number | null }) => s.coreServiceId);
      await t.http.get(`/api/v1/reports/board?organisationId=${organisationId}`).expect(200);
      await t.http
        .get(`/api/v1/reports/board?organisationId=${organisationId}&format=xlsx`)
        .expect(200);
      await t.http
        .get(`/api/v1/reports/actions?organisationId=${organisationId}&format=csv`)
        .expect(200);
      await t.http
        .get(`/api/v1/reports/evidence-pack?coreServiceId=${service.coreServiceId}`)
        .expect(200);
    } finally {
      client.query = query;
    }
    expect(overlapping).toEqual([]);
  });

  it('plots the last six month ends and the as-at date', () => {
    expect(monthEnds('2026-11-22', 6)).toEqual([
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-22',
    ]);
  });
});
