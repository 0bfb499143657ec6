import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { addDays, todayDate } from '../src/common/dates';
import { ActionRevision } from '../src/history/revision.entities';
import { binary } from './downloads';
import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import { buildProgram, describeFailure } from '../src/cli';
import { createTestApp, TestApp } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';

const PDFTOTEXT = fs.existsSync('/usr/bin/pdftotext') ? '/usr/bin/pdftotext' : undefined;
const itWithPoppler = PDFTOTEXT ? it : it.skip;

/**
 * The CQC return as the CQC's action plan asks (issue 18): a section per regulation (2014 and
 * 2010 apart, paragraphs together), each breach once with its actions under it, the columns
 * the CQC asks for (monitoring, success measure, interim mitigation), warning notices with
 * their deadlines, and a sign-off block; in PDF (read by pdftotext) and XLSX. Also the new
 * interim mitigation field through the API and the pages.
 */
describe('The CQC return', () => {
  let t: TestApp;
  let organisationId: number;
  let wardsId: number;
  let leadId: number;
  const today = todayDate();
  const ahead = addDays(today, 12);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqc-return-'));
  const TEXT = {
    md1: 'Ligature risk assessments on Ward 3 were out of date.',
    md2: 'Governance meetings did not pick up the missed ligature checks.',
    md3: 'Infection control audits were not completed on the surgical wards.',
    md4: 'Patients waited too long for a bed on the assessment unit.',
    md5: 'Night staffing on the older people’s wards fell below the planned levels.',
  };
  const INTERIM = 'Hourly observations of every patient on Ward 3 until the assessments are done';
  const SUSTAINED = 'Monthly audit shows 100% of wards with a current assessment';

  beforeAll(async () => {
    t = await createTestApp();
    const org = await buildOrganisation(t.http, { name: 'Return Test NHS Trust' });
    organisationId = org.id;
    const wards = await buildCoreService(t.http, org.id, { name: 'Acute wards for adults' });
    wardsId = wards.id;
    const owner = await buildUser(t.http, { role: 'owner', name: 'Tom Evans' });
    const lead = await buildUser(t.http, { role: 'executive', name: 'Dr Helen Carter' });
    const people = { ownerId: owner.id, executiveLeadId: lead.id };
    leadId = lead.id;
    const md1 = await buildFinding(t.http, org.id, {
      reference: 'MD1',
      coreServiceId: wards.id,
      text: TEXT.md1,
      regulations: [
        { instrument: 2014, number: '12', paragraph: '(1)(2)(a)' },
        { instrument: 2014, number: '12', paragraph: '(2)(d)' },
      ],
    });
    const md2 = await buildFinding(t.http, org.id, {
      reference: 'MD2',
      text: TEXT.md2,
      regulations: [
        { instrument: 2014, number: '17', paragraph: '(2)(a)' },
        { instrument: 2014, number: '12', paragraph: '(1)' },
      ],
    });
    const md3 = await buildFinding(t.http, org.id, {
      reference: 'MD3',
      coreServiceId: wards.id,
      text: TEXT.md3,
      regulations: [{ instrument: 2010, number: '12' }],
    });
    const md4 = await buildFinding(t.http, org.id, {
      reference: 'MD4',
      text: TEXT.md4,
      regulations: [],
    });
    await buildFinding(t.http, org.id, {
      reference: 'MD5',
      text: TEXT.md5,
      regulations: [{ instrument: 2014, number: '18', paragraph: '(1)' }],
    });
    await buildAction(t.http, [md1.id], {
      ...people,
      reference: 'LPT-01',
      title: 'Complete ligature risk assessments on Ward 3',
      dueDate: '2030-09-30',
      successMeasure: SUSTAINED,
      interimMitigation: INTERIM,
    });
    await buildAction(t.http, [md1.id], {
      ...people,
      reference: 'LPT-02',
      title: 'Brief all ward staff on the ligature plan',
      dueDate: '2030-09-30',
    });
    await buildAction(t.http, [md2.id], {
      ...people,
      reference: 'LPT-03',
      title: 'Add ligature checks to the quality committee dashboard',
      dueDate: '2030-11-28',
    });
    await buildAction(t.http, [md3.id], { ...people, reference: 'LPT-04', dueDate: '2030-12-01' });
    await buildAction(t.http, [md4.id], { ...people, reference: 'LPT-05', dueDate: '2030-12-01' });
    const notice = await buildFinding(t.http, org.id, {
      coreServiceId: wards.id,
      type: 'WARNING_NOTICE',
      reference: 'WN1',
      text: 'Section 29A warning notice',
      regulations: [],
      failings: [{ text: 'Fire safety and ligatures', deadline: ahead }],
    });
    await buildAction(t.http, [notice.id], {
      ...people,
      reference: 'A-WN',
      title: 'Make the wards safe',
      dueDate: '2030-09-30',
    });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const download = async (query: string) =>
    (
      await t.http
        .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}${query}`)
        .buffer(true)
        .parse(binary)
        .expect(200)
    ).body as Buffer;

  async function pdfText(query: string): Promise<string> {
    const file =
      process.env.CQC_RETURN_PDF ??
      path.join(dir, `return-${Math.random().toString(36).slice(2)}.pdf`);
    fs.writeFileSync(file, await download(`&format=pdf${query}`));
    // -raw: text in the order it is drawn, so a wrapped cell reads as one run of lines.
    return execFileSync(PDFTOTEXT!, ['-raw', file, '-'], { encoding: 'utf8' });
  }

  const count = (text: string, part: string) => text.split(part).length - 1;

  itWithPoppler(
    'prints each breach once under its regulation, 2010 apart, in order, with the columns CQC asks for',
    async () => {
      const text = await pdfText(
        '&signOffName=Dr%20Jane%20Smith&signOffRole=Chief%20Nurse&signOffDate=2026-12-01',
      );
      // Each finding's words exactly once, however many actions or regulations it has.
      for (const words of Object.values(TEXT))
        expect({ words, n: count(text, words) }).toEqual({ words, n: 1 });
      const order = [
        'Warning notices',
        'Regulated Activities) Regulations 2014',
        'Regulation 12: Safe care and treatment',
        TEXT.md1,
        TEXT.md2,
        'Regulation 17: Good governance',
        'Regulation 18: Staffing',
        TEXT.md5,
        'Regulated Activities) Regulations 2010',
        'Regulation 12 of the 2010 regulations: Cleanliness and infection control',
        TEXT.md3,
        'Not tied to a regulation',
        TEXT.md4,
        'Sign-off',
      ];
      const at = order.map((part) => ({ part, at: text.indexOf(part) }));
      for (const entry of at) expect(entry.at).toBeGreaterThan(-1);
      expect(at.map((e) => e.part)).toEqual([...at].sort((a, b) => a.at - b.at).map((e) => e.part));
      // One section per regulation number: the paragraphs are listed with the breach.
      expect(text).toContain(
        'MD1 · Acute wards for adults · Regulation 12(1)(2)(a), Regulation 12(2)(d)',
      );
      expect(text).not.toMatch(/Regulation 12\(1\)\(2\)\(a\):/);
      expect(text.match(/^\s*Regulation 12: Safe care and treatment\s*$/gm)).toHaveLength(1);
      // MD2 also breaches 17: said there, its words not repeated.
      expect(text).toMatch(
        /MD2 · Trust-wide · Regulation 17\(2\)\(a\): also a breach of this\s+regulation/,
      );
      expect(text).toContain('No action yet');
      for (const words of [
        INTERIM,
        SUSTAINED,
        'Tom Evans (owner)',
        'Dr Helen Carter (executive lead)',
        'On track',
      ])
        // A wrapped cell reads as one run once line breaks are spaces.
        expect(text.replace(/\s+/g, ' ')).toContain(words);
      expect(text.replace(/\s+/g, ' ')).toContain('No progress report yet');
      // Dates as people write them, never split across lines; no codes, no ISO dates.
      expect(count(text, '30 September 2030')).toBe(3);
      expect(count(text, '28 November 2030')).toBe(1);
      expect(count(text, '1 December 2030')).toBe(2);
      expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
      expect(text).not.toMatch(
        /OFF_TRACK|ON_TRACK|AT_RISK|NOT_STARTED|IN_PROGRESS|NO ACTION|\bASSURED\b/,
      );
      // Warning notices with their deadlines.
      expect(text).toMatch(/Fire safety and ligatures\s+\d{1,2} \w+ \d{4}\s+12 days left/);
      // The sign-off block as given.
      expect(text).toContain('Name: Dr Jane Smith');
      expect(text).toContain('Role: Chief Nurse');
      expect(text).toContain('Date: 1 December 2026');
      const blank = await pdfText('');
      expect(blank).toMatch(/Name: _{10,}/);
      expect(blank).toMatch(/Date: _{10,}/);
      expect(blank).toMatch(/Signature: _{10,}/);
    },
  );

  it('gives the workbook the same structure: a group per regulation, each breach once', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await download('&signOffName=Dr%20Jane%20Smith')) as unknown as ArrayBuffer,
    );
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Warning notices', 'CQC action plan']);
    const sheet = workbook.getWorksheet('CQC action plan')!;
    expect(sheet.pageSetup.orientation).toBe('landscape');
    const rows = (sheet.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    const header = rows[3] as string[];
    expect(header).toEqual(
      expect.arrayContaining([
        'What will be done',
        'Responsible',
        'Executive lead',
        'By when',
        'How it will be monitored',
        'How we will know it is sustained',
        'Interim mitigation until done',
        'Status',
      ]),
    );
    const firstCells = rows.map((r) => (typeof r[0] === 'string' ? r[0] : ''));
    const at = (cell: string) => firstCells.indexOf(cell);
    expect(at('Regulation 12: Safe care and treatment')).toBeGreaterThan(3);
    expect(at('Regulation 12: Safe care and treatment')).toBeLessThan(
      at('Regulation 17: Good governance'),
    );
    expect(at('Regulation 18: Staffing')).toBeLessThan(
      at('Regulation 12 of the 2010 regulations: Cleanliness and infection control'),
    );
    expect(
      at('Regulation 12 of the 2010 regulations: Cleanliness and infection control'),
    ).toBeLessThan(at('Not tied to a regulation'));
    const breachCells = rows.map((r) => (typeof r[3] === 'string' ? r[3] : ''));
    for (const words of Object.values(TEXT))
      expect({ words, n: breachCells.filter((c) => c.startsWith(words)).length }).toEqual({
        words,
        n: 1,
      });
    const md1 = rows.findIndex((r) => r[0] === 'MD1');
    expect(rows[md1].slice(0, 3)).toEqual([
      'MD1',
      'Acute wards for adults',
      'Regulation 12(1)(2)(a), Regulation 12(2)(d)',
    ]);
    // Its second action on the next row, the breach not repeated.
    expect(rows[md1 + 1].slice(0, 6)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'LPT-02',
      'Brief all ward staff on the ligature plan',
    ]);
    const ligature = rows[md1];
    expect(ligature[8]).toEqual(new Date('2030-09-30T00:00:00.000Z'));
    expect(sheet.getRow(md1 + 2).getCell(9).numFmt).toBe('d mmmm yyyy');
    expect(ligature.slice(10, 13)).toEqual([SUSTAINED, INTERIM, 'On track']);
    expect(
      rows
        .map((r) => r[12])
        .filter(Boolean)
        .every((s) => !/_|[A-Z]{4,}/.test(String(s))),
    ).toBe(true);
    expect(firstCells).toContain('Sign-off');
    expect(firstCells).toContain('Name: Dr Jane Smith');
    expect(firstCells.some((c) => /^Role: _{10,}$/.test(c))).toBe(true);
    const notices = (workbook.getWorksheet('Warning notices')!.getSheetValues() as unknown[][])
      .filter(Boolean)
      .map((r) => r.slice(1));
    expect(notices[0][0]).toBe('Return Test NHS Trust: warning notices (Section 29A / 29)');
    expect(notices[3].slice(0, 8)).toEqual([
      'WN1',
      'Acute wards for adults',
      'Section 29A warning notice',
      'Fire safety and ligatures',
      new Date(`${ahead}T00:00:00.000Z`),
      '12 days left',
      'A-WN',
      'Make the wards safe',
    ]);
  });

  itWithPoppler('names its filters in words and keeps to them', async () => {
    const text = (await pdfText(`&coreServiceId=${wardsId}&executiveLeadId=${leadId}`)).replace(
      /\s+/g,
      ' ',
    );
    expect(text).toContain(
      'Filters: Core service: Acute wards for adults; Executive lead: Dr Helen Carter.',
    );
    // Only the service's findings: MD1 and MD3 (and the notice), not the trust-wide ones.
    expect(text).toContain(TEXT.md1);
    expect(text).toContain(TEXT.md3);
    for (const other of [TEXT.md2, TEXT.md4, TEXT.md5]) expect(text).not.toContain(other);
  });

  it('refuses a sign-off date that is not a date', async () => {
    const response = await t.http
      .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}&signOffDate=1%2F12%2F2026`)
      .expect(400);
    expect(JSON.stringify(response.body.errors)).toContain('signOffDate');
  });

  it('keeps an action’s interim mitigation through the API, with its history, and refuses one too long', async () => {
    const finding = await buildFinding(t.http, organisationId, { reference: 'MD9' });
    const created = await buildAction(t.http, [finding.id], { interimMitigation: 'Daily huddle' });
    expect(created.interimMitigation).toBe('Daily huddle');
    const changed = (
      await t.http
        .patch(`/api/v1/actions/${created.id}`)
        .send({ interimMitigation: 'Twice-daily huddle' })
        .expect(200)
    ).body;
    expect(changed.interimMitigation).toBe('Twice-daily huddle');
    expect(
      (await t.http.get(`/api/v1/actions/${created.id}`).expect(200)).body.interimMitigation,
    ).toBe('Twice-daily huddle');
    const revisions = await t.dataSource
      .getRepository(ActionRevision)
      .find({ where: { actionId: created.id }, order: { id: 'ASC' } });
    expect(revisions.map((r) => r.interimMitigation)).toEqual([
      'Daily huddle',
      'Twice-daily huddle',
    ]);
    const audit = (
      await t.http.get(`/api/v1/audit?entity=action&entityId=${created.id}`).expect(200)
    ).body;
    expect(JSON.stringify(audit)).toContain('Twice-daily huddle');
    const cleared = (
      await t.http
        .patch(`/api/v1/actions/${created.id}`)
        .send({ interimMitigation: null })
        .expect(200)
    ).body;
    expect(cleared.interimMitigation).toBeNull();
    for (const send of [
      () =>
        t.http.post('/api/v1/actions').send({
          findingIds: [finding.id],
          title: 'Too long',
          dueDate: '2030-01-31',
          interimMitigation: 'x'.repeat(5001),
        }),
      () =>
        t.http.patch(`/api/v1/actions/${created.id}`).send({ interimMitigation: 'x'.repeat(5001) }),
    ]) {
      const refused = await send().expect(400);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'interimMitigation',
      ]);
    }
  });

  it('asks for, shows and edits the interim mitigation on the action pages', async () => {
    const finding = await buildFinding(t.http, organisationId, { reference: 'MD10' });
    const quality = await buildUser(t.http, { role: 'quality_lead' });
    const password = 'Kestrel-harbour-lantern-42';
    await t.http.patch(`/api/v1/users/${quality.id}`).send({ password }).expect(200);
    const agent = request.agent(t.app.getHttpServer() as Parameters<typeof request.agent>[0]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email: quality.email, password, returnTo: '/' })
      .expect(303);
    const form = await agent.get(`/actions/new?findingId=${finding.id}`).expect(200);
    expect(form.text).toContain('name="interimMitigation"');
    const csrf = /_csrf(?:" value="|=)([^"&]+)/.exec(form.text)![1];
    const fields = {
      _csrf: csrf,
      findingId: String(finding.id),
      title: 'Check the fire doors weekly',
      'dueDate[day]': '31',
      'dueDate[month]': '3',
      'dueDate[year]': '2030',
    };
    const tooLong = await agent
      .post('/actions')
      .type('form')
      .send({ ...fields, interimMitigation: 'x'.repeat(5001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Interim mitigation must be 5,000 characters or fewer');
    const made = await agent
      .post('/actions')
      .type('form')
      .send({ ...fields, interimMitigation: 'Fire marshal walks the ward each shift' })
      .expect(303);
    const id = /\/actions\/(\d+)/.exec(made.headers.location)![1];
    const page = await agent.get(`/actions/${id}`).expect(200);
    expect(page.text).toContain('Interim mitigation');
    expect(page.text).toContain('Fire marshal walks the ward each shift');
    const edit = await agent.get(`/actions/${id}/details`).expect(200);
    expect(edit.text).toContain('Fire marshal walks the ward each shift');
    const editCsrf = /_csrf(?:" value="|=)([^"&]+)/.exec(edit.text)![1];
    await agent
      .post(`/actions/${id}/details`)
      .type('form')
      .send({
        _csrf: editCsrf,
        title: 'Check the fire doors weekly',
        interimMitigation: 'Fire marshal and a second check at night',
        version: '1',
      })
      .expect(303);
    expect((await t.http.get(`/api/v1/actions/${id}`).expect(200)).body.interimMitigation).toBe(
      'Fire marshal and a second check at night',
    );
  });
});

/** The same return from the command line, with its sign-off options. */
describe('The CQC return from the command line', () => {
  let db: TestDatabase;
  const saved = { ...process.env };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqc-return-cli-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.SQLITE_PATH =
      db.sqlitePath === ':memory:' ? path.join(dir, 'unused.sqlite') : db.sqlitePath;
    if (db.databaseUrl) process.env.DATABASE_URL = db.databaseUrl;
    else delete process.env.DATABASE_URL;
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    process.env = saved;
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    buildProgram()
      .exitOverride()
      .parseAsync(['node', 'cli', ...args]);

  it('writes the sign-off given, and refuses a sign-off date that is not a date', async () => {
    await run('seed');
    const out = path.join(dir, 'cqc.xlsx');
    await run(
      'report',
      'cqc-return',
      '--organisation-id',
      '1',
      '--out',
      out,
      '--sign-off-name',
      'Dr Jane Smith',
      '--sign-off-role',
      'Chief Nurse',
      '--sign-off-date',
      '2026-12-01',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const first = (workbook.getWorksheet('CQC action plan')!.getSheetValues() as unknown[][])
      .filter(Boolean)
      .map((r) => r[1]);
    expect(first).toEqual(
      expect.arrayContaining([
        'Sign-off',
        'Name: Dr Jane Smith',
        'Role: Chief Nurse',
        'Date: 1 December 2026',
      ]),
    );
    const bad = await run(
      'report',
      'cqc-return',
      '--organisation-id',
      '1',
      '--out',
      out,
      '--sign-off-date',
      '1/12/2026',
    ).catch((e: unknown) => e);
    expect(describeFailure(bad)).toBe('--sign-off-date must be a real date written YYYY-MM-DD');
  });
});
