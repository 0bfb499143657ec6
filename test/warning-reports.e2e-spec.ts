import ExcelJS from 'exceljs';
import { ukDate } from '../src/common/words';
import { addDays, todayDate } from '../src/common/dates';
import { pdfPages } from '../src/imports/pdf-text';
import { binary } from './downloads';
import { buildAction, buildCoreService, buildFinding, buildOrganisation } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * Warning notices come first wherever the trust is summarised (board report in each format,
 * home page, CQC return), with every failing's deadline and days left; the action plan due to
 * CQC is shown with MUST findings.
 */
describe('warning notices first in reports and pages', () => {
  let t: TestApp;
  const today = todayDate();
  const overdue = addDays(today, -3);
  const ahead = addDays(today, 12);
  const published = addDays(today, -20);
  let organisationId: number;
  let noticeId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const org = await buildOrganisation(t.http, { name: 'Warned Trust' });
    organisationId = org.id;
    const service = await buildCoreService(t.http, org.id, { name: 'Urgent care' });
    const inspection = (
      await t.http
        .post('/api/v1/inspections')
        .send({
          organisationId,
          kind: 'focused',
          visitStart: addDays(today, -60),
          publishedOn: published,
          reportReference: 'INS-77',
        })
        .expect(201)
    ).body;
    const must = await buildFinding(t.http, org.id, {
      coreServiceId: service.id,
      inspectionId: inspection.id,
    });
    await buildAction(t.http, [must.id]);
    const notice = await buildFinding(t.http, org.id, {
      coreServiceId: service.id,
      inspectionId: inspection.id,
      type: 'WARNING_NOTICE',
      reference: 'WN1',
      text: 'Section 29A warning notice',
      failings: [
        { text: 'Fire safety and ligatures', deadline: overdue },
        { text: 'Staffing on night shifts', deadline: ahead },
      ],
    });
    noticeId = notice.id;
    await buildAction(t.http, [notice.id], { title: 'Make the wards safe', reference: 'A-WN' });
  });
  afterAll(() => t.close());

  it('opens the HTML board report with the notices, each failing, deadline and days left', async () => {
    const html = (
      await t.http.get(`/api/v1/reports/board?organisationId=${organisationId}`).expect(200)
    ).text;
    const notices = html.indexOf('<h2>Warning notices</h2>');
    expect(notices).toBeGreaterThan(-1);
    // First in the detail, after the one-page executive summary: before every count.
    expect(notices).toBeGreaterThan(html.indexOf('<h2 id="summary">Executive summary</h2>'));
    expect(notices).toBeLessThan(html.indexOf('<h2>Actions by delivery status</h2>'));
    expect(html).toContain(
      'There is 1 warning notice, 1 with actions not yet completed; they come first after this summary.',
    );
    expect(html).toContain(
      `<td>WN1 Section 29A warning notice</td><td>Urgent care</td><td>Fire safety and ligatures</td><td>${ukDate(overdue)}</td><td>3 days overdue</td><td>0 of 1 completed</td>`,
    );
    expect(html).toContain(
      `<td>Staffing on night shifts</td><td>${ukDate(ahead)}</td><td>12 days left</td>`,
    );
    // The action plan for the report's MUST findings: publication + 28 days.
    expect(html).toContain(
      `<td>INS-77</td><td>${ukDate(published)}</td><td>${ukDate(addDays(published, 28))}</td><td>8 days left</td><td>1</td>`,
    );
  });

  it('puts them first in the PDF and the XLSX board report too', async () => {
    const pdf = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}&format=pdf`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    // Cover sheet, then the executive summary (which counts the notices) with the worst
    // exceptions, then the detail: warning notices first.
    const pages = await pdfPages(pdf.body as Buffer);
    expect(pages[1]).toContain('Executive summary');
    expect(pages[1]).toContain('There is 1 warning notice');
    // The detail follows the summary's worst exceptions on the same page.
    const summary = pages.slice(1).join('\n');
    const first = summary.slice(summary.indexOf('Exceptions: the worst'));
    expect(first.indexOf('Warning notices')).toBeGreaterThan(-1);
    expect(first.indexOf('Warning notices')).toBeLessThan(
      first.indexOf('Actions by delivery status'),
    );
    expect(first).toContain('3 days overdue');
    expect(first).toContain('Action plans due to CQC');

    const xlsx = await t.http
      .get(`/api/v1/reports/board?organisationId=${organisationId}&format=xlsx`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const rows = (workbook.getWorksheet('Summary')!.getSheetValues() as unknown[][])
      .filter(Boolean)
      .map((row) => row.slice(1));
    const title = rows.findIndex((row) => row[0] === 'Warning notices');
    expect(title).toBeGreaterThan(-1);
    expect(title).toBeLessThan(rows.findIndex((row) => row[0] === 'Actions by delivery status'));
    expect(rows[title + 2]).toEqual([
      'WN1 Section 29A warning notice',
      'Urgent care',
      'Fire safety and ligatures',
      new Date(`${overdue}T00:00:00.000Z`),
      '3 days overdue',
      '0 of 1',
    ]);
  });

  it('shows them on the home page before anything else, with days left', async () => {
    const response = await t.http.get(`/?organisationId=${organisationId}`).expect(200);
    const html = response.text;
    const notices = html.indexOf('id="warning-notices"');
    expect(notices).toBeGreaterThan(-1);
    expect(notices).toBeLessThan(html.indexOf('Actions by BRAG'));
    expect(html).toContain('Fire safety and ligatures: by');
    expect(html).toContain('<strong>3 days overdue</strong>');
    expect(html).toContain('<strong>12 days left</strong>');
    expect(html).toContain('Action plans due to CQC');
  });

  it('shows failings and the action-plan date on the findings page', async () => {
    const html = (await t.http.get(`/findings?organisationId=${organisationId}`).expect(200)).text;
    expect(html).toContain('Fire safety and ligatures: deadline');
    expect(html).toContain('(3 days overdue)');
    expect(html).toContain('Action plan due to CQC');
  });

  it('gives the CQC return a warning notice section first, in XLSX and PDF', async () => {
    const xlsx = await t.http
      .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Warning notices', 'CQC action plan']);
    const rows = (workbook.getWorksheet('Warning notices')!.getSheetValues() as unknown[][])
      .filter(Boolean)
      .map((row) => row.slice(1, 8));
    expect(rows.slice(3)).toEqual([
      [
        'WN1',
        'Urgent care',
        'Section 29A warning notice',
        'Fire safety and ligatures',
        new Date(`${overdue}T00:00:00.000Z`),
        '3 days overdue',
        'A-WN',
      ],
      [
        'WN1',
        'Urgent care',
        'Section 29A warning notice',
        'Staffing on night shifts',
        new Date(`${ahead}T00:00:00.000Z`),
        '12 days left',
        'A-WN',
      ],
    ]);
    const pdf = await t.http
      .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}&format=pdf`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = (await pdfPages(pdf.body as Buffer)).join('\n');
    expect(text.indexOf('Warning notices')).toBeGreaterThan(-1);
    expect(text.indexOf('Warning notices')).toBeLessThan(text.indexOf('Regulation 12'));
    expect(text).toContain('Fire safety and ligatures');
  });

  it('exports warning notices with every failing deadline, and MUST findings with the plan date', async () => {
    const csv = (
      await t.http
        .get(`/api/v1/reports/findings?organisationId=${organisationId}&format=csv`)
        .expect(200)
    ).text;
    expect(csv).toContain('Warning notice failings');
    expect(csv).toContain(
      `${ukDate(overdue)}: Fire safety and ligatures; ${ukDate(ahead)}: Staffing on night shifts`,
    );
    expect(csv).toContain(addDays(published, 28));
    const finding = (await t.http.get(`/api/v1/findings/${noticeId}`).expect(200)).body;
    expect(finding.deadline).toBe(overdue);
  });
});
