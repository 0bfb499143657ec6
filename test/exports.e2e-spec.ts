import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { addDays, todayDate } from '../src/common/dates';
import { pdfPages } from '../src/imports/pdf-text';
import { labelOf, ukDate } from '../src/common/words';
import { binary } from './downloads';
import { createTestApp, TestApp } from './test-app';

/** Flat exports over the demo data, opened with real readers. */
describe('flat exports of actions and findings', () => {
  let t: TestApp;
  let organisationId: number;
  const today = todayDate();

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
  });
  afterAll(() => t.close());

  it('writes every matching action as CSV, agreeing with the list, with formulas neutralised', async () => {
    const list = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body;
    const first = list.items[0];
    await t.http
      .patch(`/api/v1/actions/${first.id}`)
      .send({ title: '=HYPERLINK("http://example.invalid","Click")' })
      .expect(200);

    const response = await t.http
      .get(`/api/v1/reports/actions?organisationId=${organisationId}&format=csv&asOf=${today}`)
      .expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="actions-${today}.csv"`,
    );
    const rows: Record<string, string>[] = parse(response.text, { columns: true, bom: true });
    expect(rows).toHaveLength(list.total);
    const row = rows.find((r) => Number(r.ID) === first.id)!;
    expect(row.Action).toBe('\'=HYPERLINK("http://example.invalid","Click")');
    const fresh = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body.items;
    for (const action of fresh) {
      const exported = rows.find((r) => Number(r.ID) === action.id)!;
      expect([exported['Delivery status'], exported.BRAG, exported['Due date']]).toEqual([
        labelOf(action.deliveryStatus),
        labelOf(action.brag),
        action.dueDate,
      ]);
    }
  });

  it('applies the list filters and the as-at date', async () => {
    const past = addDays(today, -30);
    const filtered = (
      await t.http
        .get(`/api/v1/actions?organisationId=${organisationId}&deliveryStatus=AT_RISK&asOf=${past}`)
        .expect(200)
    ).body;
    const response = await t.http
      .get(
        `/api/v1/reports/actions?organisationId=${organisationId}&deliveryStatus=AT_RISK&asOf=${past}`,
      )
      .expect(200);
    const rows: Record<string, string>[] = parse(response.text, { columns: true, bom: true });
    expect(rows.map((r) => Number(r.ID)).sort()).toEqual(
      filtered.items.map((a: { id: number }) => a.id).sort(),
    );
    expect(new Set(rows.map((r) => r['Delivery status']))).toEqual(new Set(['At risk']));
  });

  it('writes XLSX for people: frozen header, filters, widths, real dates, coloured BRAG cells, and an About sheet', async () => {
    const response = await t.http
      .get(`/api/v1/reports/actions?organisationId=${organisationId}&asOf=${today}`)
      .set('Accept', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    const sheet = workbook.getWorksheet('Actions')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.getColumn(3).width).toBe(40);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['ID', 'Reference', 'Action']);
    const bragColumn = header.indexOf('BRAG') + 1;
    const dueColumn = header.indexOf('Due date') + 1;
    const list = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body;
    expect(sheet.actualRowCount).toBe(list.total + 1);
    const red = list.items.find((a: { brag: string }) => a.brag === 'RED');
    let checked = false;
    sheet.eachRow((row, number) => {
      if (number === 1 || row.getCell(1).value !== red.id) return;
      expect(row.getCell(dueColumn).value).toEqual(new Date(`${red.dueDate}T00:00:00.000Z`));
      expect(row.getCell(bragColumn).value).toBe('Red');
      expect(row.getCell(bragColumn).fill).toMatchObject({
        type: 'pattern',
        fgColor: { argb: 'FFD5281B' },
      });
      checked = true;
    });
    expect(checked).toBe(true);
    const about = workbook.getWorksheet('About')!;
    const facts = Object.fromEntries(
      about
        .getSheetValues()
        .slice(1)
        .map((r) => (r as unknown[]).slice(1, 3)),
    );
    expect(facts).toMatchObject({
      Export: 'Actions',
      Rows: list.total,
      'As at': ukDate(today),
      'Filter: organisationId': String(organisationId),
    });
  });

  it('exports findings with the finding filters', async () => {
    const list = (
      await t.http.get(`/api/v1/findings?organisationId=${organisationId}&type=MUST`).expect(200)
    ).body;
    const response = await t.http
      .get(`/api/v1/reports/findings?organisationId=${organisationId}&type=MUST`)
      .expect(200);
    const rows: Record<string, string>[] = parse(response.text, { columns: true, bom: true });
    expect(rows).toHaveLength(list.total);
    expect(new Set(rows.map((r) => r.Type))).toEqual(new Set(['Must']));
    expect(rows.find((r) => r.Reference === 'MD7')!['Core service']).toBe('Trust-wide');
  });

  it('writes the CQC action-plan return: a group per regulation, each breach once with its actions, people, dates and status in words', async () => {
    const response = await t.http
      .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}&asOf=${today}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="cqc-action-plan-${today}.xlsx"`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    const sheet = workbook.getWorksheet('CQC action plan')!;
    expect(sheet.getCell('A1').value).toBe(
      'Leicestershire Partnership NHS Trust: CQC action plan (requirement notices)',
    );
    expect(sheet.getCell('A2').value).toBe(`As at ${ukDate(today)}`);
    expect(sheet.getCell('A3').value).toBe('Filters: none');
    const rows = (sheet.getSheetValues().slice(6) as unknown[][]).map((r) => (r ?? []).slice(1));
    // A heading row per regulation NUMBER (12(1)(2)(d) and 12(2)(a) are one section); each
    // breach once. MD5 cites 12 and 17(2)(a): set out under 12, cross-referenced under 17.
    expect(
      rows
        .map((r) => r[0])
        .filter(
          (c) =>
            typeof c === 'string' && c !== 'Sign-off' && !/^(Name|Role|Date|Signature):/.test(c),
        ),
    ).toEqual([
      'Health and Social Care Act 2008 (Regulated Activities) Regulations 2014',
      'Regulation 9: Person-centred care',
      'MD3',
      'Regulation 12: Safe care and treatment',
      'MD1',
      'MD4',
      'MD5',
      'MD6',
      'Regulation 17: Good governance',
      'MD7',
      'MD5',
      'Regulation 18: Staffing',
      'MD2',
    ]);
    const ligature = rows.find((r) => r[0] === 'MD1')!;
    expect(ligature.slice(0, 3)).toEqual([
      'MD1',
      'Acute wards for adults of working age and psychiatric intensive care units',
      'Regulation 12(1)(2)(d)',
    ]);
    expect(ligature.slice(4, 8)).toEqual([
      'LPT-01',
      'Complete ligature risk assessments on every acute ward and brief all staff',
      'Tom Evans',
      'Dr Helen Carter',
    ]);
    expect(ligature[8]).toEqual(new Date(`${addDays(today, 20)}T00:00:00.000Z`));
    expect(ligature[10]).toContain('Monthly audit');
    expect(ligature[12]).toBe('Assured');
    expect(ligature[13]).toEqual(new Date(`${addDays(today, -5)}T00:00:00.000Z`));
    const governance = rows.find((r) => r[0] === 'MD7')!;
    expect(governance[1]).toBe('Trust-wide');
  });

  it('writes the CQC return as it stood at a past date', async () => {
    const past = addDays(today, -30);
    const response = await t.http
      .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}&asOf=${past}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    const rows = (
      workbook.getWorksheet('CQC action plan')!.getSheetValues().slice(6) as unknown[][]
    ).map((r) => (r ?? []).slice(1));
    const ligature = rows.find((r) => r[0] === 'MD1')!;
    expect([ligature[12], ligature[13]]).toEqual(['On track', undefined]);
    await t.http.get('/api/v1/reports/cqc-return?organisationId=99999').expect(404);
  });

  it('writes the CQC return as a PDF, a section per regulation', async () => {
    const response = await t.http
      .get(`/api/v1/reports/cqc-return?organisationId=${organisationId}&asOf=${today}`)
      .set('Accept', 'application/pdf')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPages(response.body as Buffer);
    pages.forEach((page, index) => expect(page).toContain(`Page ${index + 1} of ${pages.length}`));
    const text = pages.join('\n');
    expect(text).toContain(`CQC action plan (requirement notices) as at ${ukDate(today)}`);
    const headings = [
      'Regulation 9: Person-centred care',
      'Regulation 12: Safe care and treatment',
      'Regulation 17: Good governance',
      'Regulation 18: Staffing',
    ];
    for (const heading of headings) expect(text).toContain(heading);
    const at = headings.map((h) => text.indexOf(h));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(text).not.toContain('Regulation 12(1)(2)(d):');
  });

  it('writes the evidence pack for a core service: findings, actions, history and evidence as they stood', async () => {
    const services = (
      await t.http.get(`/api/v1/organisations/${organisationId}/core-services`).expect(200)
    ).body.items;
    const acute = services.find((s: { name: string }) => s.name.startsWith('Acute wards'));
    const read = async (asOf: string) => {
      const response = await t.http
        .get(`/api/v1/reports/evidence-pack?coreServiceId=${acute.id}&asOf=${asOf}`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const pages = await pdfPages(response.body as Buffer);
      pages.forEach((page, index) =>
        expect(page).toContain(`Page ${index + 1} of ${pages.length}`),
      );
      // Long lines wrap; compare words, not line breaks.
      return pages.join('\n').replace(/\s+/g, ' ');
    };
    const now = await read(today);
    expect(now).toContain(`Evidence pack: ${acute.name}, as at ${ukDate(today)}`);
    for (const text of [
      'MD1: Must, Safe, Regulation 12(1)(2)(d)',
      'LPT-01 Complete ligature risk assessments',
      'Ligature audit, all acute wards',
      'Accepted by Priya Shah',
      'In progress to Completed',
      'Due date',
    ]) {
      expect({ text, found: now.includes(text) }).toEqual({ text, found: true });
    }
    // Three days ago the evidence had not yet been reviewed, and LPT-01 was not yet assured.
    const before = await read(addDays(today, -3));
    expect(before).toContain('Awaiting review');
    expect(before).not.toContain('Accepted by Priya Shah');
    expect(before).not.toContain('Completed to Assured');
    await t.http.get('/api/v1/reports/evidence-pack?coreServiceId=99999').expect(404);
  });

  it('refuses an unknown format or filter', async () => {
    const bad = await t.http.get('/api/v1/reports/actions?format=pdf&colour=red').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'format',
    ]);
  });
});
