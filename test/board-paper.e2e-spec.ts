import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { todayDate } from '../src/common/dates';
import { generateSyntheticData, SYNTHETIC_ADMIN_EMAIL } from '../src/scale/synthetic-data';
import { TokensService } from '../src/auth/tokens.service';
import { User } from '../src/users/user.entity';
import { binary } from './downloads';
import {
  accessibilityViolations,
  expectText,
  hasChromium,
  launchChromium,
  signIn,
} from './browser';
import { describeWithTool } from './external-tools';
import { buildAction, buildCoreService, buildFinding, buildPlan, buildUser } from './factories';
import { Client, clientFor, createTestApp, TestApp } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';
import { buildProgram, describeFailure } from '../src/cli';

/**
 * The board paper (issue 18): cover sheet, executive summary in sentences, readiness for every
 * service, filters in words, the worst exceptions with the rest in an appendix, words and UK
 * dates only. The PDF is read by poppler (pdftotext, pdfinfo), an independent reader.
 */
jest.setTimeout(300_000);

const PDFTOTEXT = fs.existsSync('/usr/bin/pdftotext') ? '/usr/bin/pdftotext' : undefined;
const describeWithPoppler = describeWithTool('pdftotext (poppler-utils)', PDFTOTEXT !== undefined);
const CODE = /[A-Z]{2,}_[A-Z_]+/;
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-paper-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The page's words without markup, as a reader sees them (styles and SVG charts left out). */
const visibleText = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

function savePdf(body: Buffer, name: string): string {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, body);
  // To look at the papers: BOARD_PAPER_KEEP=/some/folder keeps a copy of each.
  if (process.env.BOARD_PAPER_KEEP)
    fs.copyFileSync(file, path.join(process.env.BOARD_PAPER_KEEP, `${name}.pdf`));
  return file;
}
const pdfToText = (file: string, ...args: string[]) =>
  execFileSync(PDFTOTEXT!, [...args, file, '-'], { encoding: 'utf8' });
const withoutCharts = (pages: string[]) => pages.filter((p) => !/^Charts$/m.test(p));
const pageCount = (file: string) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' }))![1]);

describeWithPoppler('the board paper', () => {
  let t: TestApp;
  let plan: Awaited<ReturnType<typeof buildPlan>>;
  let undated: { id: number; name: string };
  let otherLead: { id: number; name: string };
  const base = () => `/api/v1/reports/board?organisationId=${plan.organisation.id}`;
  const cover =
    '&meeting=Trust%20Board%20(public)&meetingDate=2027-01-14&agendaItem=7.2' +
    '&author=Anna%20Byrne%2C%20Head%20of%20Quality&executiveSponsor=Dr%20Jane%20Smith%2C%20Chief%20Nurse' +
    '&purpose=decision&assuranceLevel=partial&strategicRisks=BAF%20risk%203' +
    '&recommendation=The%20board%20is%20asked%20to%20approve%20the%20revised%20dates&version=1.2';

  beforeAll(async () => {
    t = await createTestApp();
    plan = await buildPlan(t.http, { reinspectionDate: '2030-06-30' });
    undated = await buildCoreService(t.http, plan.organisation.id, { name: 'Community dental' });
    const undatedFinding = await buildFinding(t.http, plan.organisation.id, {
      coreServiceId: undated.id,
    });
    const trustWide = await buildFinding(t.http, plan.organisation.id, { type: 'SHOULD' });
    const offTrack = await buildAction(t.http, [plan.finding.id, undatedFinding.id], {
      title: 'Brief every ward on the new ligature policy',
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    await t.http
      .post(`/api/v1/actions/${offTrack.id}/progress`)
      .send({ note: 'Trainer off sick', offTrack: true })
      .expect(201);
    await buildAction(t.http, [trustWide.id], {
      title: 'Publish the quality strategy',
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    otherLead = await buildUser(t.http, {
      role: 'executive',
      name: 'Dr Nobody Yet',
      memberships: [{ organisationId: plan.organisation.id, role: 'executive' }],
    });
  });
  afterAll(() => t.close());

  it('prints the cover sheet and the summary in sentences on the HTML page', async () => {
    const html = (await t.http.get(base() + cover).expect(200)).text;
    const text = visibleText(html);
    for (const expected of [
      'Trust Board (public)',
      'Date of meeting 14 January 2027',
      'Agenda item 7.2',
      'Author Anna Byrne, Head of Quality',
      'Executive sponsor Dr Jane Smith, Chief Nurse',
      'Purpose For decision',
      'Assurance level Partial assurance',
      'Links to strategic risks BAF risk 3',
      'Recommendation The board is asked to approve the revised dates',
      'Protective marking OFFICIAL-SENSITIVE',
      'Version 1.2',
      '1 of 2 actions is off track.',
      'No action is at risk.',
      '2 core services are not ready for reinspection: Community dental and Custom service 2.',
      'The executive gives partial assurance.',
      'Recommendation: The board is asked to approve the revised dates.',
    ])
      expect({
        expected,
        found: text.includes(expected) || text.slice(text.indexOf('Executive summary'), 900),
      }).toEqual({ expected, found: true });
    expect(text).toMatch(/Generated \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}/);
    expect(text).not.toMatch(CODE);
    expect(text).not.toMatch(ISO_DATE);
    expect(text).not.toContain('undefined');
  });

  it('says "Not given" for cover facts not given', async () => {
    const text = visibleText((await t.http.get(base()).expect(200)).text);
    expect(text).toContain('Meeting Not given');
    expect(text).toContain('Purpose Not given');
    expect(text).toContain('Assurance level Not given');
    expect(text).toContain('No assurance level is given.');
    expect(text).toContain('Protective marking OFFICIAL-SENSITIVE');
    expect(text).not.toContain('undefined');
  });

  it('prints the cover sheet in the PDF, with the marking on every page and only words and UK dates', async () => {
    const body = (
      await t.http
        .get(`${base()}&format=pdf${cover}&marking=OFFICIAL`)
        .buffer(true)
        .parse(binary)
        .expect(200)
    ).body as Buffer;
    const file = savePdf(body, 'cover');
    const text = pdfToText(file);
    for (const expected of [
      'Trust Board (public)',
      '14 January 2027',
      '7.2',
      'Anna Byrne, Head of Quality',
      'For decision',
      'Partial assurance',
      'BAF risk 3',
      'Executive summary',
      '1 of 2 actions is off track.',
      'The executive gives partial assurance.',
      'Appendix: full lists',
    ])
      expect({ expected, found: text.includes(expected) }).toEqual({ expected, found: true });
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBe(pageCount(file));
    for (const page of pages) expect(page).toMatch(/^\s*OFFICIAL\b/m);
    // The charts page is the "pdf" helper's (charts.ts); every other page is checked here.
    const words = withoutCharts(pages).join('\n');
    expect(words).not.toMatch(CODE);
    expect(words).not.toMatch(ISO_DATE);
    expect(text).not.toContain('undefined');
  });

  it('writes the cover sheet and summary into the workbook, in words', async () => {
    const body = (
      await t.http.get(`${base()}&format=xlsx${cover}`).buffer(true).parse(binary).expect(200)
    ).body as Buffer;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    expect(workbook.worksheets[0].name).toBe('Cover sheet');
    const strings: string[] = [];
    for (const sheet of workbook.worksheets) {
      expect(sheet.headerFooter.oddHeader).toContain('OFFICIAL-SENSITIVE');
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (typeof cell.value === 'string') strings.push(cell.value);
          if (cell.value instanceof Date) expect(cell.numFmt).toBe('d mmmm yyyy');
        }),
      );
    }
    for (const expected of [
      'For decision',
      'Partial assurance',
      '14 January 2027',
      '1 of 2 actions is off track.',
      'Off track',
      'Not ready',
    ])
      expect({ expected, found: strings.includes(expected) }).toEqual({ expected, found: true });
    const text = strings.join('\n');
    expect(text).not.toMatch(CODE);
    expect(text).not.toMatch(ISO_DATE);
  });

  it('shows readiness for a service with no reinspection date and for trust-wide findings', async () => {
    const text = visibleText((await t.http.get(base()).expect(200)).text);
    const readiness = text.slice(text.indexOf('Readiness for reinspection'));
    expect(readiness).toContain('Community dental No date set');
    expect(readiness).toMatch(/Trust-wide No date set/);
    expect(readiness).toContain('30 June 2030');
  });

  it('applies the executive-lead filter to readiness, named in words even with no actions', async () => {
    const all = visibleText((await t.http.get(base()).expect(200)).text);
    expect(all).toContain('1 MUST action is off track');
    const filtered = visibleText(
      (await t.http.get(`${base()}&executiveLeadId=${otherLead.id}`).expect(200)).text,
    );
    expect(filtered).toContain('Executive lead: Dr Nobody Yet');
    expect(filtered).not.toMatch(/user \d/);
    expect(filtered).toContain('With no actions in this report, the readiness below rests on none');
    expect(filtered).not.toContain('No core service is judged not ready');
    const readiness = filtered.slice(filtered.indexOf('Readiness for reinspection'));
    expect(readiness).not.toContain('MUST action is off track');
    expect(readiness).toContain('Community dental');
  });

  it('notes breakdown totals above the number of actions', async () => {
    const text = visibleText((await t.http.get(base()).expect(200)).text);
    expect(text).toContain(
      'These rows add up to 3, more than the 2 actions: an action linked to several core services is counted once in each.',
    );
  });

  it("refuses bad cover values and other trusts' ids with a 400 naming the field", async () => {
    const other = await buildPlan(t.http);
    const stranger = await buildUser(t.http, {
      role: 'executive',
      memberships: [{ organisationId: other.organisation.id, role: 'executive' }],
    });
    const cases: [string, string][] = [
      ['purpose=maybe', 'purpose'],
      ['assuranceLevel=high', 'assuranceLevel'],
      ['meetingDate=2027-02-30', 'meetingDate'],
      [`version=${'x'.repeat(51)}`, 'version'],
      [`coreServiceId=${other.coreService.id}`, 'coreServiceId'],
      [`executiveLeadId=${stranger.id}`, 'executiveLeadId'],
    ];
    for (const [query, field] of cases) {
      const response = await t.http.get(`${base()}&${query}`);
      expect({
        query,
        status: response.status,
        fields: response.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({
        query,
        status: 400,
        fields: [field],
      });
    }
  });
});

describeWithPoppler('the board paper at 2,000 actions', () => {
  let t: TestApp;
  let organisationId: number;
  let admin: Client;

  beforeAll(async () => {
    t = await createTestApp();
    await generateSyntheticData(t.dataSource, {
      trusts: 1,
      actions: 2000,
      seed: 18,
      today: todayDate(),
    });
    const [row] = await t.dataSource.query<{ id: number }[]>(
      'SELECT id FROM organisation ORDER BY id DESC LIMIT 1',
    );
    organisationId = Number(row.id);
    const [user] = await t.dataSource.query<{ id: number }[]>(
      `SELECT id FROM app_user WHERE email = '${SYNTHETIC_ADMIN_EMAIL}'`,
    );
    const entity = await t.dataSource.getRepository(User).findOneByOrFail({ id: Number(user.id) });
    admin = clientFor(
      t.app.getHttpServer(),
      (await t.app.get(TokensService).create(entity, { name: 'board-paper', scope: 'admin' }))
        .token,
    );
  });
  afterAll(() => t.close());

  it('caps the exceptions at the worst 10, lists them all in the appendix, and keeps the main part under 10 pages', async () => {
    const body = (
      await admin
        .get(`/api/v1/reports/board?organisationId=${organisationId}&format=pdf`)
        .buffer(true)
        .parse(binary)
        .expect(200)
    ).body as Buffer;
    const file = savePdf(body, 'large');
    const pages = pdfToText(file).split('\f');
    const appendix = pages.findIndex((p) => p.includes('Appendix: full lists'));
    expect(appendix).toBeGreaterThan(0);
    // Pages before the appendix: the main part.
    expect(appendix).toBeLessThan(10);
    const text = withoutCharts(pages).join('\n');
    const shown = /Showing the worst 10 of (\d+); the full list is in the appendix\./.exec(
      text.replace(/\s+/g, ' '),
    );
    expect(shown).not.toBeNull();
    expect(Number(shown![1])).toBeGreaterThan(10);
    expect(text).not.toMatch(CODE);
    expect(text).not.toMatch(ISO_DATE);
  });
});

describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)(
  'the board paper form on the reports page',
  () => {
    let testApp: TestApp;
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      testApp = await createTestApp({ demoData: true });
      await testApp.app.listen(0, '127.0.0.1');
      const { port } = testApp.app.getHttpServer().address() as AddressInfo;
      base = `http://127.0.0.1:${port}`;
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await testApp?.close();
    });

    it('takes the cover sheet, checks it in words, and passes it to the paper', async () => {
      const page = await (
        await browser.newContext({ viewport: { width: 1100, height: 900 } })
      ).newPage();
      await signIn(page, base, 'priya.shah@example.nhs.uk');
      await page.goto(`${base}/reports?organisationId=1`);
      await page.locator('summary', { hasText: 'Board paper cover sheet' }).click();
      expect(await accessibilityViolations(page)).toEqual([]);

      await page.check('input[name="report"][value="board"]');
      await page.selectOption('#format', 'html');
      await page.fill('#meeting', 'Trust Board (public)');
      await page.fill('#meetingDate-day', '31');
      await page.fill('#meetingDate-month', '2');
      await page.fill('#meetingDate-year', '2027');
      await page.getByRole('button', { name: 'Download report' }).click();
      await expectText(page.locator('.nhsuk-error-summary'), 'There is a problem');
      await expectText(page.locator('#meetingDate-error'), 'Date of meeting must be a real date');
      expect(await page.locator('main').textContent()).not.toMatch(/meetingDate|undefined/);
      expect(await accessibilityViolations(page)).toEqual([]);

      await page.fill('#meetingDate-day', '14');
      await page.fill('#meetingDate-month', '1');
      await page.check('input[name="purpose"][value="decision"]');
      await page.selectOption('#assuranceLevel', 'reasonable');
      await page.fill('#recommendation', 'The board is asked to approve the plan');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/reports/board')),
        page.getByRole('button', { name: 'Download report' }).click(),
      ]);
      expect(response.status()).toBe(200);
      const html = await response.text();
      for (const expected of [
        'Trust Board (public)',
        '14 January 2027',
        'For decision',
        'Reasonable assurance',
        'Recommendation: The board is asked to approve the plan.',
      ])
        expect({ expected, found: html.includes(expected) }).toEqual({ expected, found: true });
    });
  },
);

/** The command line's board paper, run in-process against a database of its own. */
describe('report board on the command line', () => {
  let db: TestDatabase;
  const saved = { ...process.env };
  const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-cli-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.SQLITE_PATH =
      db.sqlitePath === ':memory:' ? path.join(cliDir, 'unused.sqlite') : db.sqlitePath;
    if (db.databaseUrl) process.env.DATABASE_URL = db.databaseUrl;
    else delete process.env.DATABASE_URL;
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    process.env = saved;
    await db.drop();
    fs.rmSync(cliDir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    buildProgram()
      .exitOverride()
      .parseAsync(['node', 'cli', ...args]);

  it('takes the cover sheet and refuses a purpose not in the list', async () => {
    await run('seed');
    const out = path.join(cliDir, 'board.html');
    await run(
      'report',
      'board',
      '--organisation-id',
      '1',
      '--out',
      out,
      '--meeting',
      'Trust Board (public)',
      '--meeting-date',
      '2027-01-14',
      '--purpose',
      'discussion',
      '--assurance-level',
      'limited',
      '--paper-version',
      '0.3 draft',
    );
    const text = visibleText(fs.readFileSync(out, 'utf8'));
    for (const expected of [
      'Meeting Trust Board (public)',
      'Date of meeting 14 January 2027',
      'Purpose For discussion',
      'Assurance level Limited assurance',
      'Version 0.3 draft',
      'Author Not given',
      'The executive gives limited assurance.',
    ])
      expect({ expected, found: text.includes(expected) }).toEqual({ expected, found: true });
    const bad = await run(
      'report',
      'board',
      '--organisation-id',
      '1',
      '--out',
      out,
      '--purpose',
      'vote',
    ).catch((e: unknown) => e);
    expect(describeFailure(bad)).toBe('--purpose must be one of information, discussion, decision');
  });
});
