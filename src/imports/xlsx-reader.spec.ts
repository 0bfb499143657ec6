import ExcelJS from 'exceljs';
import { AppError } from '../common/app-error';
import { IMPORT_LIMITS } from './import-limits';
import { readXlsxRows, readXlsxWorkbook } from './plan-files';
import { cellAddress, isDateFormat, readSheet } from './xlsx-reader';

async function written(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const sheetXml = (body: string, tail = '') =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData>${tail}</worksheet>`,
  );
const context = { sharedStrings: [], dateStyles: [], date1904: false, onRow: () => undefined };

describe('the streaming XLSX reader', () => {
  it('reads every sheet in order, with its visibility, hidden columns and plain values', async () => {
    const due = new Date(Date.UTC(2027, 0, 15));
    const file = await written((workbook) => {
      const cover = workbook.addWorksheet('Cover');
      cover.addRow(['Northbrook NHS Trust']);
      const archive = workbook.addWorksheet('Archive', { state: 'hidden' });
      archive.addRow(['old', 1]);
      const plan = workbook.addWorksheet('Plan');
      plan.addRow(['Ref', 'Finding', 'Secret', 'Due', 'Rich', 'Sum', 'Done', 'Score', 'Error']);
      plan.addRow([
        'R1',
        'Staff & <patients> "safe" — ✓ 日本',
        'hidden value',
        due,
        { richText: [{ text: 'Rich ' }, { text: 'text', font: { bold: true } }] },
        { formula: 'SUM(H2:H3)', result: 3 },
        true,
        1.5,
        { error: '#N/A' },
      ]);
      plan.getColumn(3).hidden = true;
    });
    const workbook = await readXlsxWorkbook(file);
    expect(workbook.sheets.map((s) => [s.name, s.hidden, s.hiddenColumns])).toEqual([
      ['Cover', false, []],
      ['Archive', true, []],
      ['Plan', false, [2]],
    ]);
    expect(workbook.sheets[2].rows[1]).toEqual([
      'R1',
      'Staff & <patients> "safe" — ✓ 日本',
      'hidden value',
      due,
      'Rich text',
      3,
      true,
      1.5,
      '#N/A',
    ]);
    // The first sheet, for callers that read one.
    expect(await readXlsxRows(file)).toEqual([['Northbrook NHS Trust']]);
  });

  it('repeats a merged range’s value in every cell it covers, across and down', async () => {
    const file = await written((workbook) => {
      const sheet = workbook.addWorksheet('Plan');
      sheet.addRow(['CQC Improvement Plan', null, null]);
      sheet.mergeCells('A1:C1');
      sheet.addRow(['Finding', 'Action', 'Owner']);
      sheet.addRow(['The trust must check ligatures', 'Audit', 'Amy']);
      sheet.addRow([null, 'Train staff', 'Ben']);
      sheet.addRow([null, 'Report', 'Cy']);
      sheet.mergeCells('A3:A5');
    });
    const [sheet] = (await readXlsxWorkbook(file)).sheets;
    expect(sheet.rows).toEqual([
      ['CQC Improvement Plan', 'CQC Improvement Plan', 'CQC Improvement Plan'],
      ['Finding', 'Action', 'Owner'],
      ['The trust must check ligatures', 'Audit', 'Amy'],
      ['The trust must check ligatures', 'Train staff', 'Ben'],
      ['The trust must check ligatures', 'Report', 'Cy'],
    ]);
  });

  it('fills a merge claiming the whole sheet only within the rows and columns there are', () => {
    const xml = sheetXml(
      '<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row><row r="2"><c r="B2"><v>7</v></c></row>',
      '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    );
    expect(readSheet(xml, context).rows).toEqual([
      ['Title', 'Title'],
      ['Title', 'Title'],
    ]);
  });

  it('reads a sheet larger than one slice, tags and text cut at the slice ends included', () => {
    const text = 'x'.repeat(997);
    const rows = Array.from(
      { length: 3_000 },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>${text}&amp;${i}</t></is></c><c r="B${i + 1}"><v>${i}</v></c></row>`,
    ).join('');
    const xml = sheetXml(rows);
    expect(xml.length).toBeGreaterThan(3 * 1024 * 1024);
    const read = readSheet(xml, context).rows;
    expect(read).toHaveLength(3_000);
    read.forEach((row, i) => expect(row).toEqual([`${text}&${i}`, i]));
  });

  it('counts rows as it reads, so a sheet past the row limit is refused', () => {
    const xml = sheetXml(`<row r="${IMPORT_LIMITS.rows + 1}"><c r="A1"><v>1</v></c></row>`);
    const limited = {
      ...context,
      onRow: (row: number) => {
        if (row > IMPORT_LIMITS.rows) throw new AppError('IMPORT_LIMIT_EXCEEDED', 'rows');
      },
    };
    expect(() => readSheet(xml, limited)).toThrow(AppError);
  });

  it('gives a date cell outside Excel’s dates as its text, never an invalid date', () => {
    const dated = { ...context, dateStyles: [false, true] };
    const { rows } = readSheet(
      sheetXml(
        '<row r="1"><c r="A1" s="1"><v>1e308</v></c><c r="B1" s="1"><v>-5</v></c><c r="C1" s="1"><v>46477</v></c></row>',
      ),
      dated,
    );
    expect(rows[0]).toEqual(['1e308', '-5', new Date(Date.UTC(2027, 2, 31))]);
  });

  it('leaves out cells past column IV, so a far cell cannot make every row 16,384 wide', () => {
    const body = Array.from(
      { length: 3 },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>R${i}</t></is></c><c r="XFD${i + 1}"><v>1</v></c></row>`,
    ).join('');
    const { rows } = readSheet(sheetXml(body), context);
    expect(rows).toEqual([['R0'], ['R1'], ['R2']]);
  });

  it('refuses a sheet whose rows go backwards or repeat, naming the rows', () => {
    const cell = (r: number) => `<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`;
    for (const [order, message] of [
      [[1, 3, 2], 'row 2 comes after row 3'],
      [[1, 2, 2], 'row 2 comes after row 2'],
    ] as const) {
      expect(() => readSheet(sheetXml(order.map(cell).join('')), context)).toThrow(
        expect.objectContaining({
          errors: [
            expect.objectContaining({ field: 'file', reason: expect.stringContaining(message) }),
          ],
        }),
      );
    }
  });

  it('knows date formats from number formats', () => {
    expect(['dd/mm/yyyy', 'd-mmm-yy', '[$-809]dd mmmm yyyy', 'h:mm'].map(isDateFormat)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.00', '#,##0', 'General', '"Due"0', '0%'].map(isDateFormat)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(cellAddress('$AB$12')).toEqual({ row: 11, column: 27 });
  });
});
