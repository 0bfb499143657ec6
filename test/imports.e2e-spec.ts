import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { buildOrganisation, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
const reportText = fixture('report-community-trust.txt').toString('utf8');

/** A PDF with one page per form-feed page of the text, written by a real PDF library. */
function pdfOf(text: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40 });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    text.split('\f').forEach((page, index) => {
      if (index > 0) doc.addPage();
      doc.fontSize(7);
      // Long lines wrap, as they would in a real report.
      const lines = page.split('\n').flatMap((line) => line.match(/.{1,140}(\s|$)/g) ?? ['']);
      lines.forEach((line, number) =>
        doc.text(line.trim(), 30, 30 + number * 11, { lineBreak: false }),
      );
    });
    doc.end();
  });
}

describe('imports', () => {
  let t: TestApp;
  let quality: Client;
  const count = async (table: string) =>
    Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
  });
  afterAll(() => t.close());

  describe('a CQC report', () => {
    it('previews what it understood without storing anything, then commits it, and a second import adds nothing', async () => {
      const before = await count('finding');
      const preview = await quality
        .post('/api/v1/imports/report?dryRun=true')
        .send({ text: reportText })
        .expect(200);
      expect(preview.body).toMatchObject({
        dryRun: true,
        importId: null,
        organisation: { name: 'Northbrook Community Health NHS Trust', id: null },
        inspection: { visitStart: '2017-10-03', visitEnd: '2017-10-12', publishedOn: '2018-02-01' },
        created: {
          organisation: true,
          coreServices: 3,
          inspection: true,
          ratings: 9,
          findings: 13,
        },
      });
      expect(preview.body.findings).toHaveLength(13);
      expect(preview.body.findings[3]).toEqual({
        id: null,
        status: 'new',
        type: 'MUST',
        coreService: 'Community health inpatient services',
        keyQuestion: null,
        qualityStatement: null,
        score: null,
        regulations: [{ instrument: 2014, number: '12', paragraph: '(1)(2)(g)' }],
        deadline: null,
        text: 'The trust must ensure that medicines are stored at the right temperature on every ward. Regulation 12(1)(2)(g)',
        reference: 'MD2',
        line: 34,
        page: 2,
      });
      expect(preview.body.warnings).toEqual([
        {
          line: 61,
          page: 4,
          message:
            'A warning notice item has no deadline ("by <date>"); left out: Governance of the action plan.',
        },
      ]);
      expect(await count('finding')).toBe(before);
      expect(await count('organisation')).toBe(0);

      const committed = await quality
        .post('/api/v1/imports/report')
        .send({ text: reportText })
        .expect(200);
      expect(committed.body).toMatchObject({
        dryRun: false,
        importId: expect.any(Number),
        created: { findings: 13, ratings: 9 },
      });
      const organisationId = committed.body.organisation.id;
      const stored = await t.http
        .get(`/api/v1/findings?organisationId=${organisationId}&limit=100&sort=createdAt`)
        .expect(200);
      expect(stored.body.total).toBe(13);
      expect(
        stored.body.items.find((f: { reference: string }) => f.reference === 'WN1'),
      ).toMatchObject({
        type: 'WARNING_NOTICE',
        deadline: '2022-07-31',
        failings: [
          {
            text: 'Fire safety and ligature risks on inpatient wards, by 31 July 2022.',
            deadline: '2022-07-31',
          },
        ],
        source: 'report_import',
        sourceLine: 59,
        sourcePage: 4,
      });
      const services = await t.http
        .get(`/api/v1/organisations/${organisationId}/core-services`)
        .expect(200);
      expect(
        services.body.items.find(
          (s: { name: string }) => s.name === 'Community health inpatient services',
        ).ratings.Safe,
      ).toEqual({
        rating: 'Inadequate',
        ratedOn: '2018-02-01',
      });
      const trust = await t.http.get(`/api/v1/organisations/${organisationId}`).expect(200);
      expect(trust.body.ratings.Overall).toEqual({
        rating: 'Requires improvement',
        ratedOn: '2018-02-01',
      });

      const again = await quality
        .post('/api/v1/imports/report')
        .send({ text: reportText })
        .expect(200);
      expect(again.body.created).toEqual({
        organisation: false,
        coreServices: 0,
        inspection: false,
        ratings: 0,
        findings: 0,
      });
      expect(again.body.findings.every((f: { status: string }) => f.status === 'exists')).toBe(
        true,
      );
      expect(await count('finding')).toBe(before + 13);
      const records = await t.dataSource.query(
        "SELECT raw FROM import_record WHERE kind = 'report'",
      );
      expect(records).toHaveLength(2);
      expect(records[0].raw).toBe(reportText);
    });

    it('reads the same report from a .txt file and from a PDF, keeping page numbers', async () => {
      const fromFile = await quality
        .post('/api/v1/imports/report?dryRun=true')
        .attach('file', Buffer.from(reportText), 'report.txt')
        .expect(200);
      expect(fromFile.body.findings).toHaveLength(13);
      const pdf = await pdfOf(reportText);
      const fromPdf = await quality
        .post('/api/v1/imports/report?dryRun=true')
        .attach('file', pdf, 'report.pdf')
        .expect(200);
      expect(fromPdf.body.organisation.name).toBe('Northbrook Community Health NHS Trust');
      expect(
        fromPdf.body.findings.map((f: { reference: string; page: number; type: string }) => [
          f.reference,
          f.type,
          f.page,
        ]),
      ).toEqual(
        fromFile.body.findings.map((f: { reference: string; page: number; type: string }) => [
          f.reference,
          f.type,
          f.page,
        ]),
      );
      expect(fromPdf.body.findings.map((f: { text: string }) => f.text)).toEqual(
        fromFile.body.findings.map((f: { text: string }) => f.text),
      );
    });

    it.each([
      ['an empty file', Buffer.from(''), 'report.txt', 'the file is empty'],
      [
        'a binary that is not a PDF',
        Buffer.from([0, 1, 2, 3, 0, 255]),
        'report.bin',
        'the file is neither text nor a PDF',
      ],
      [
        'a damaged PDF',
        Buffer.from('%PDF-1.7 this is not really a pdf'),
        'report.pdf',
        'the PDF could not be read (it may be damaged or encrypted)',
      ],
    ])('refuses %s, storing nothing', async (_label, content, name, reason) => {
      const before = await count('import_record');
      const { body } = await quality
        .post('/api/v1/imports/report')
        .attach('file', content, name)
        .expect(400);
      expect(body.errors).toEqual([{ field: 'file', reason }]);
      expect(await count('import_record')).toBe(before);
    });

    it('refuses a PDF with no text in it', async () => {
      const blank = await new Promise<Buffer>((resolve) => {
        const doc = new PDFDocument();
        const chunks: Buffer[] = [];
        doc.on('data', (c: Buffer) => chunks.push(c));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.rect(10, 10, 100, 100).fill('#000');
        doc.end();
      });
      const { body } = await quality
        .post('/api/v1/imports/report')
        .attach('file', blank, 'scan.pdf')
        .expect(400);
      expect(body.errors[0].reason).toMatch(/no text to read/);
    });

    it('refuses a file over the size limit, saying what the limit is', async () => {
      const { body } = await quality
        .post('/api/v1/imports/report')
        .attach('file', Buffer.alloc(21 * 1024 * 1024, 'a'), 'huge.txt')
        .expect(413);
      expect(body).toMatchObject({
        code: 'IMPORT_LIMIT_EXCEEDED',
        message:
          'Import limit uploadBytes exceeded: the file is larger than 20 MB, the most an import takes',
        errors: [
          { field: 'file', reason: 'the file is larger than 20 MB, the most an import takes' },
        ],
      });
    });

    it('is for quality leads', async () => {
      const owner = await t.as(await buildUser(t.http, { role: 'owner' }));
      await owner.post('/api/v1/imports/report?dryRun=true').send({ text: reportText }).expect(403);
    });
  });

  describe('CQC API data', () => {
    const record = JSON.parse(fixture('cqc-provider.json').toString('utf8')) as Record<
      string,
      unknown
    >;

    it('creates the trust, its core services, current and historic ratings, and RATING findings; keeps the raw JSON', async () => {
      const preview = await quality
        .post('/api/v1/imports/cqc-json?dryRun=true')
        .send(record)
        .expect(200);
      expect(preview.body).toMatchObject({
        dryRun: true,
        organisation: {
          name: 'Leicestershire Partnership NHS Trust',
          cqcProviderId: 'RT5',
          id: null,
        },
        created: { organisation: true, coreServices: 3, ratings: 16, findings: 7 },
        warnings: [{ message: expect.stringContaining('"Excellent" is not one CQC uses') }],
      });
      expect(await count('rating')).toBe(
        Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM rating'))[0].n),
      );

      const committed = await quality.post('/api/v1/imports/cqc-json').send(record).expect(200);
      const organisationId = committed.body.organisation.id;
      const findings = await t.http
        .get(`/api/v1/findings?organisationId=${organisationId}&type=RATING&limit=50`)
        .expect(200);
      expect(findings.body.total).toBe(7);
      const acute = (
        await t.http.get(`/api/v1/organisations/${organisationId}/core-services`).expect(200)
      ).body.items.find((s: { name: string }) => s.name.startsWith('Acute wards'));
      expect(acute.ratings.Safe).toEqual({ rating: 'Inadequate', ratedOn: '2018-02-01' });
      const [stored] = await t.dataSource.query(
        `SELECT raw FROM import_record WHERE id = ${Number(committed.body.importId)}`,
      );
      expect(JSON.parse(stored.raw)).toEqual(record);

      const file = await quality
        .post('/api/v1/imports/cqc-json')
        .attach('file', fixture('cqc-provider.json'), 'rt5.json')
        .expect(200);
      expect(file.body.created).toEqual({
        organisation: false,
        coreServices: 0,
        ratings: 0,
        findings: 0,
      });
    });

    it.each([
      ['malformed JSON', Buffer.from('{"providerId": '), 'the file is not valid JSON'],
      [
        'JSON that is not a CQC record',
        Buffer.from('{"hello": "world"}'),
        'This is not a CQC provider or location record: it needs providerId (or locationId) and name',
      ],
      ['an empty file', Buffer.from(''), 'the file is empty'],
    ])('refuses %s', async (_label, content, reason) => {
      const { body } = await quality
        .post('/api/v1/imports/cqc-json')
        .attach('file', content, 'record.json')
        .expect(400);
      expect(body.errors).toEqual([{ field: 'file', reason }]);
    });
  });

  describe('an existing spreadsheet plan', () => {
    async function planWorkbook(
      rows: (string | number | Date | null | { formula: string })[][],
      titleRows = 2,
    ): Promise<Buffer> {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('CQC action plan');
      for (let i = 0; i < titleRows; i++)
        sheet.addRow([i === 0 ? 'Trust CQC improvement plan' : null]);
      for (const row of rows) sheet.addRow(row);
      return Buffer.from(await workbook.xlsx.writeBuffer());
    }

    it('maps columns by heading, reads UK dates and merged cells, matches people, and previews every row', async () => {
      const organisation = await buildOrganisation(t.http);
      const owner = await buildUser(t.http, {
        name: 'Tom Evans',
        email: 'tom.evans.plan@example.nhs.uk',
        role: 'owner',
      });
      const lead = await buildUser(t.http, { name: 'Helen Carter', role: 'executive' });
      const rows = [
        [
          'Ref',
          'Service',
          'Domain',
          'Reg',
          'CQC said',
          'We will',
          'Responsible',
          'Exec lead',
          'Target date',
          'Update',
          'BRAG',
          'Evidence',
        ],
        [
          'MD1',
          'Community inpatient services',
          'Safe',
          '12(2)(g)',
          'The trust must store medicines at the right temperature.',
          'Fit fridge loggers',
          'tom.evans.plan@example.nhs.uk',
          'Helen Carter',
          '31/03/2027',
          '50% fitted',
          'Amber',
          null,
        ],
        [
          'MD2',
          null,
          'Safe',
          'Regulation 15',
          'The trust must check resuscitation equipment.',
          'Daily checks',
          'Tom Evans',
          'Helen Carter',
          new Date(Date.UTC(2027, 1, 28)),
          'Done',
          'Blue',
          'Audit of 8 weeks',
        ],
        [
          'SD1',
          'Community health services for children and young people',
          'Responsive',
          null,
          'The trust should meet waiting time targets.',
          'Redesign waiting list',
          'Tom Evans',
          null,
          46477,
          null,
          'Green',
          null,
        ],
        [
          'SD2',
          'Trust-wide',
          'Well-led',
          null,
          { formula: 'CONCAT("The trust should ","sustain")' },
          '=HYPERLINK("http://evil")',
          'Tom Evans',
          null,
          '30 Jun 2027',
          null,
          null,
          null,
        ],
      ];
      const file = await planWorkbook(rows);
      // The core service cell of MD1 spans MD2's row too.
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(file as unknown as ArrayBuffer);
      workbook.worksheets[0].mergeCells('B4:B5');
      const merged = Buffer.from(await workbook.xlsx.writeBuffer());

      const beforeActions = await count('action');
      const preview = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true`)
        .attach('file', merged, 'plan.xlsx')
        .expect(200);
      expect(preview.body).toMatchObject({
        dryRun: true,
        headerRow: 3,
        counts: { create: 4, update: 0, skip: 0, error: 0 },
        columns: {
          reference: 'Ref',
          coreService: 'Service',
          finding: 'CQC said',
          action: 'We will',
          owner: 'Responsible',
          executiveLead: 'Exec lead',
          dueDate: 'Target date',
          status: 'BRAG',
        },
      });
      // The dry run stored nothing.
      expect(await count('action')).toBe(beforeActions);

      const committed = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
        .attach('file', merged, 'plan.xlsx')
        .expect(200);
      expect(committed.body.importId).toEqual(expect.any(Number));
      expect(await count('action')).toBe(beforeActions + 4);
      const actions = (
        await t.http
          .get(`/api/v1/actions?organisationId=${organisation.id}&sort=reference&limit=10`)
          .expect(200)
      ).body.items;
      expect(
        actions.map(
          (a: {
            reference: string;
            dueDate: string;
            status: string;
            progress: number;
            owner: { id: number };
            executiveLead: { id: number } | null;
          }) => [
            a.reference,
            a.dueDate,
            a.status,
            a.progress,
            a.owner.id,
            a.executiveLead?.id ?? null,
          ],
        ),
      ).toEqual([
        ['MD1', '2027-03-31', 'IN_PROGRESS', 50, owner.id, lead.id],
        ['MD2', '2027-02-28', 'COMPLETED', 100, owner.id, lead.id],
        ['SD1', '2027-03-31', 'IN_PROGRESS', 0, owner.id, null],
        ['SD2', '2027-06-30', 'NOT_STARTED', 0, owner.id, null],
      ]);
      const findings = (
        await t.http
          .get(`/api/v1/findings?organisationId=${organisation.id}&sort=reference&limit=10`)
          .expect(200)
      ).body.items;
      expect(
        findings.map(
          (f: {
            reference: string;
            type: string;
            keyQuestion: string;
            coreServiceId: number | null;
            regulations: unknown[];
            source: string;
          }) => [
            f.reference,
            f.type,
            f.keyQuestion,
            f.coreServiceId !== null,
            f.regulations,
            f.source,
          ],
        ),
      ).toEqual([
        [
          'MD1',
          'MUST',
          'Safe',
          true,
          [{ instrument: 2014, number: '12', paragraph: '(2)(g)' }],
          'spreadsheet_import',
        ],
        [
          'MD2',
          'MUST',
          'Safe',
          true,
          [{ instrument: 2014, number: '15', paragraph: null }],
          'spreadsheet_import',
        ],
        ['SD1', 'SHOULD', 'Responsive', true, [], 'spreadsheet_import'],
        ['SD2', 'SHOULD', 'Well-led', false, [], 'spreadsheet_import'],
      ]);
      // Formulas arrive as their text, never evaluated.
      expect(findings[3].text).toBe('=CONCAT("The trust should ","sustain")');
      expect(actions[3].title).toBe('=HYPERLINK("http://evil")');
      const md2Service = findings[1].coreServiceId;
      expect(md2Service).toBe(findings[0].coreServiceId);
    });

    it('stops, skips or updates on a reference that already exists, and stores nothing when any row has a problem', async () => {
      const organisation = await buildOrganisation(t.http);
      await buildUser(t.http, { name: 'Rachel Green', email: 'rachel.green.plan@example.nhs.uk' });
      const header = ['Reference', 'Finding', 'Action', 'Owner', 'Due date'];
      const first = await planWorkbook(
        [header, ['A1', 'The trust must act.', 'Do the thing', 'Rachel Green', '01/02/2027']],
        0,
      );
      await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
        .attach('file', first, 'plan.xlsx')
        .expect(200);

      const second = await planWorkbook(
        [
          header,
          ['A1', 'The trust must act.', 'Do the thing better', 'Rachel Green', '01/03/2027'],
          ['A2', 'The trust must act.', 'Another thing', 'Rachel Green', '01/04/2027'],
        ],
        0,
      );
      const stop = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
        .attach('file', second, 'plan.xlsx')
        .expect(422);
      expect(stop.body).toMatchObject({
        code: 'IMPORT_HAS_PROBLEMS',
        errors: [
          {
            field: 'row 2',
            reason: 'Reference: an action with reference A1 already exists (conflict mode stop)',
          },
        ],
      });
      expect(
        (await t.http.get(`/api/v1/actions?organisationId=${organisation.id}`).expect(200)).body
          .total,
      ).toBe(1);

      const skip = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}&conflict=skip`)
        .attach('file', second, 'plan.xlsx')
        .expect(200);
      expect(skip.body.counts).toEqual({ create: 1, update: 0, skip: 1, error: 0 });
      const update = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}&conflict=update&dryRun=true`)
        .attach('file', second, 'plan.xlsx')
        .expect(200);
      expect(update.body.counts).toEqual({ create: 0, update: 2, skip: 0, error: 0 });
      await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}&conflict=update`)
        .attach('file', second, 'plan.xlsx')
        .expect(200);
      const a1 = (
        await t.http.get(`/api/v1/actions?organisationId=${organisation.id}&q=better`).expect(200)
      ).body.items[0];
      expect(a1).toMatchObject({
        reference: 'A1',
        dueDate: '2027-03-01',
        originalDueDate: '2027-02-01',
      });
      const changes = await t.http.get(`/api/v1/actions/${a1.id}/due-date-changes`).expect(200);
      expect(changes.body[0].reason).toBe('Changed in the imported plan (row 2)');

      const broken = await planWorkbook(
        [
          header,
          ['B1', 'The trust must act.', 'Good row', 'Rachel Green', '01/02/2027'],
          ['B2', 'The trust must act.', 'Bad date', 'Rachel Green', '31/02/2027'],
          ['B3', 'The trust must act.', 'Unknown person', 'Nobody Known', '01/02/2027'],
        ],
        0,
      );
      const before = await count('action');
      const refused = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
        .attach('file', broken, 'plan.xlsx')
        .expect(422);
      expect(refused.body.errors).toEqual([
        {
          field: 'row 3',
          reason:
            'Due date: "31/02/2027" is not a date (use 31/03/2024, 31 Mar 2024, March 2024 or Q4 2023/24)',
        },
        {
          field: 'row 4',
          reason:
            'Owner: "Nobody Known" is not a user (matched by email, then name); import with createUsers to add them',
        },
      ]);
      expect(await count('action')).toBe(before);
    });

    it('creates unknown people when asked, and reads CSV too', async () => {
      const organisation = await buildOrganisation(t.http);
      const csv =
        'Ref,Issue,Action,Lead,Director,Deadline\nC1,The trust must fix it.,Fix it,Sam Newperson,Dee Director,31 Dec 2027\n';
      const preview = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}&createUsers=true&dryRun=true`)
        .attach('file', Buffer.from(csv), 'plan.csv')
        .expect(200);
      expect(preview.body).toMatchObject({
        counts: { create: 1 },
        newUsers: ['Sam Newperson', 'Dee Director'],
      });
      await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}&createUsers=true`)
        .attach('file', Buffer.from(csv), 'plan.csv')
        .expect(200);
      const action = (
        await t.http.get(`/api/v1/actions?organisationId=${organisation.id}`).expect(200)
      ).body.items[0];
      expect(action).toMatchObject({
        reference: 'C1',
        dueDate: '2027-12-31',
        owner: { name: 'Sam Newperson' },
        executiveLead: { name: 'Dee Director' },
      });
    });

    it.each([
      [
        'a sheet without recognisable headers',
        Buffer.from('a,b,c\n1,2,3\n'),
        /No header row found in the first 30 rows/,
      ],
      ['an empty file', Buffer.from(''), /the file is empty/],
    ])('refuses %s', async (_label, content, reason) => {
      const organisation = await buildOrganisation(t.http);
      const { body } = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
        .attach('file', content, 'plan.csv')
        .expect(400);
      expect(body.errors[0]).toEqual({ field: 'file', reason: expect.stringMatching(reason) });
    });
  });
});
