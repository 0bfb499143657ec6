import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { addDays, todayDate } from '../src/common/dates';
import { createTestApp, TestApp } from './test-app';

function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

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
      .get(`/api/v1/reports/actions?organisationId=${organisationId}&format=csv`)
      .expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="actions-${today}.csv"`,
    );
    const rows: Record<string, string>[] = parse(response.text, { columns: true });
    expect(rows).toHaveLength(list.total);
    const row = rows.find((r) => Number(r.ID) === first.id)!;
    expect(row.Action).toBe('\'=HYPERLINK("http://example.invalid","Click")');
    const fresh = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body.items;
    for (const action of fresh) {
      const exported = rows.find((r) => Number(r.ID) === action.id)!;
      expect([exported['Delivery status'], exported.BRAG, exported['Due date']]).toEqual([
        action.deliveryStatus,
        action.brag ?? '',
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
    const rows: Record<string, string>[] = parse(response.text, { columns: true });
    expect(rows.map((r) => Number(r.ID)).sort()).toEqual(
      filtered.items.map((a: { id: number }) => a.id).sort(),
    );
    expect(new Set(rows.map((r) => r['Delivery status']))).toEqual(new Set(['AT_RISK']));
  });

  it('writes XLSX for people: frozen header, filters, widths, real dates, coloured BRAG cells, and an About sheet', async () => {
    const response = await t.http
      .get(`/api/v1/reports/actions?organisationId=${organisationId}`)
      .set('Accept', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    const sheet = workbook.getWorksheet('Actions')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.getColumn(3).width).toBe(50);
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
      expect(row.getCell(bragColumn).value).toBe('RED');
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
      'As at': today,
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
    const rows: Record<string, string>[] = parse(response.text, { columns: true });
    expect(rows).toHaveLength(list.total);
    expect(new Set(rows.map((r) => r.Type))).toEqual(new Set(['MUST']));
    expect(rows.find((r) => r.Reference === 'MD7')!['Core service']).toBe('Trust-wide');
  });

  it('refuses an unknown format or filter', async () => {
    const bad = await t.http.get('/api/v1/reports/actions?format=pdf&colour=red').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'format',
    ]);
  });
});
