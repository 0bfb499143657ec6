import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { todayDate } from '../src/common/dates';
import { labelOf } from '../src/common/words';
import { binary } from './downloads';
import { describeWithTool } from './external-tools';
import { createTestApp, TestApp } from './test-app';

/**
 * Issue 18's XLSX and CSV points, read back by independent readers: csv-parse, ExcelJS, the
 * XLSX's own XML (for what ExcelJS does not read: quotePrefix), and LibreOffice converting to
 * CSV and PDF, the PDF then read with poppler's pdfinfo and pdftotext -bbox.
 */
const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((candidate) =>
  fs.existsSync(candidate),
);
const POPPLER = fs.existsSync('/usr/bin/pdftotext') && fs.existsSync('/usr/bin/pdfinfo');
const describeWithTools = describeWithTool(
  'LibreOffice (soffice) and poppler-utils',
  SOFFICE !== undefined && POPPLER,
);

const NON_ASCII = 'Łukasz Żółć ≥95% “quoted”';
const FORMULA = '=SUM(A1)';

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

describeWithTools('flat exports and workbooks read by independent readers', () => {
  let t: TestApp;
  let organisationId: number;
  const today = todayDate();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exports-readers-'));
  let named: { id: number; reference: string };
  let formula: { id: number; reference: string };

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
    const items = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body.items as { id: number; reference: string }[];
    named = items.find((a) => a.reference === 'LPT-02')!;
    formula = items.find((a) => a.reference === 'LPT-03')!;
    await t.http.patch(`/api/v1/actions/${named.id}`).send({ title: NON_ASCII }).expect(200);
    await t.http.patch(`/api/v1/actions/${formula.id}`).send({ title: FORMULA }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    // EXPORTS_READERS_KEEP=1 keeps the files (workbooks, their PDFs) to look at.
    if (!process.env.EXPORTS_READERS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`Files kept in ${dir}`);
  });

  async function download(url: string): Promise<Buffer> {
    return (await t.http.get(url).buffer(true).parse(binary).expect(200)).body as Buffer;
  }

  function soffice(file: string, to: string): void {
    execFileSync(
      SOFFICE!,
      [
        `-env:UserInstallation=file://${dir}/profile-${process.pid}`,
        '--headless',
        '--convert-to',
        to,
        '--outdir',
        dir,
        file,
      ],
      { timeout: 120_000, stdio: 'ignore' },
    );
  }

  /** The workbook printed by LibreOffice: its pages' words with their boxes. */
  function printed(name: string, xlsx: Buffer): { pages: Word[][]; pageCount: number } {
    const file = path.join(dir, `${name}.xlsx`);
    fs.writeFileSync(file, xlsx);
    soffice(file, 'pdf');
    const pdf = path.join(dir, `${name}.pdf`);
    const info = execFileSync('pdfinfo', [pdf]).toString();
    const pageCount = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    const html = execFileSync('pdftotext', ['-bbox', pdf, '-']).toString();
    const pages = html
      .split('<page ')
      .slice(1)
      .map((page) =>
        [
          ...page.matchAll(
            /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
          ),
        ].map((m) => ({
          xMin: Number(m[1]),
          yMin: Number(m[2]),
          xMax: Number(m[3]),
          yMax: Number(m[4]),
          text: m[5],
        })),
      );
    expect(pages).toHaveLength(pageCount);
    return { pages, pageCount };
  }

  /**
   * Words whose boxes overlap by more than a sliver: wrapped text running into the next row or
   * cell. Lines of one wrapped cell are set closer than pdftotext's word boxes are tall (about
   * 10% of a line), so up to a quarter of a line's height is not counted.
   */
  function overlaps(words: Word[]): string[] {
    const found: string[] = [];
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j < words.length; j++) {
        const a = words[i];
        const b = words[j];
        const x = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
        const y = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
        const height = Math.min(a.yMax - a.yMin, b.yMax - b.yMin);
        if (x > 0.5 && y > height / 4) found.push(`"${a.text}" over "${b.text}"`);
      }
    }
    return found;
  }

  /** Every page that shows a header's first cell shows its last too: printed one page wide. */
  function expectOnePageWide(pages: Word[][], first: string, last: string): void {
    const withHeader = pages.filter((words) => words.some((w) => w.text === first));
    expect(withHeader.length).toBeGreaterThan(0);
    for (const words of withHeader) {
      const text = words.map((w) => w.text).join(' ');
      expect({ last, found: text.includes(last) }).toEqual({ last, found: true });
    }
    pages.forEach((words) => expect(overlaps(words)).toEqual([]));
  }

  async function workbookOf(xlsx: Buffer): Promise<ExcelJS.Workbook> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    return workbook;
  }

  /** Page setup on every sheet: landscape A4, one page wide, a header row repeated. */
  function expectPrintSetup(workbook: ExcelJS.Workbook): void {
    expect(workbook.worksheets.length).toBeGreaterThan(0);
    for (const sheet of workbook.worksheets) {
      expect({ sheet: sheet.name, ...sheet.pageSetup }).toMatchObject({
        sheet: sheet.name,
        orientation: 'landscape',
        paperSize: 9,
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: expect.stringMatching(/^\d+:\d+$/),
      });
      expect(sheet.headerFooter.oddFooter).toContain('Page &P of &N');
    }
  }

  it('writes CSV with a byte-order mark, words, ISO dates, an as-at column, finding references and the latest update', async () => {
    const response = await t.http
      .get(`/api/v1/reports/actions?organisationId=${organisationId}&format=csv&asOf=${today}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="actions-${today}.csv"`,
    );
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(bytes, { columns: true, bom: true });
    const list = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body;
    expect(rows).toHaveLength(list.total);
    expect(new Set(rows.map((r) => r['As at']))).toEqual(new Set([today]));
    expect(rows.find((r) => Number(r.ID) === named.id)!.Action).toBe(NON_ASCII);
    // CSV has no styles: the apostrophe is how CSV marks text.
    expect(rows.find((r) => Number(r.ID) === formula.id)!.Action).toBe(`'${FORMULA}`);
    for (const action of list.items) {
      const row = rows.find((r) => Number(r.ID) === action.id)!;
      expect([row['Delivery status'], row.BRAG, row['Due date']]).toEqual([
        labelOf(action.deliveryStatus),
        labelOf(action.brag),
        action.dueDate,
      ]);
      expect(row['Due date']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(rows.map((r) => r['Delivery status'])).not.toContain('OFF_TRACK');
    const ligature = rows.find((r) => r.Reference === 'LPT-01')!;
    expect(ligature).toMatchObject({
      Findings: 'MD1',
      Regulations: 'Regulation 12(1)(2)(d)',
      'Key questions': 'Safe',
    });
    expect(ligature).not.toHaveProperty('Finding IDs');
    const history = (await t.http.get(`/api/v1/actions/${ligature.ID}/progress`).expect(200))
      .body as { note: string; createdAt: string }[];
    const latest = [...history].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    expect(ligature['Latest update']).toBe(latest.note);
    expect(ligature['Latest update date']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const evidence = (await t.http.get(`/api/v1/actions/${ligature.ID}/evidence`).expect(200))
      .body as { reviewState: string }[];
    expect([
      ligature['Evidence submitted'],
      ligature['Evidence accepted'],
      ligature['Evidence returned'],
    ]).toEqual([
      String(evidence.length),
      String(evidence.filter((e) => e.reviewState === 'ACCEPTED').length),
      String(evidence.filter((e) => e.reviewState === 'REJECTED').length),
    ]);
    expect(Number(ligature['Evidence accepted'])).toBeGreaterThan(0);
  });

  it('writes the findings CSV with references, regulations, key questions and action counts, and no database ids', async () => {
    const bytes = await download(
      `/api/v1/reports/findings?organisationId=${organisationId}&format=csv`,
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(bytes, { columns: true, bom: true });
    expect(Object.keys(rows[0])).not.toContain('ID');
    expect(Object.keys(rows[0])).not.toContain('Action IDs');
    const list = (
      await t.http.get(`/api/v1/findings?organisationId=${organisationId}&limit=500`).expect(200)
    ).body.items as { reference: string; actionIds: number[] }[];
    const md1 = rows.find((r) => r.Reference === 'MD1')!;
    expect(md1).toMatchObject({
      Type: 'Must',
      Regulations: 'Regulation 12(1)(2)(d)',
      'Key question': 'Safe',
      Actions: String(list.find((f) => f.reference === 'MD1')!.actionIds.length),
    });
    expect(rows.every((r) => r['As at'] === today)).toBe(true);
  });

  it('writes XLSX formulas as typed with the quote-prefix style, and sets up every sheet to print', async () => {
    const xlsx = await download(
      `/api/v1/reports/actions?organisationId=${organisationId}&format=xlsx`,
    );
    const workbook = await workbookOf(xlsx);
    expectPrintSetup(workbook);
    const sheet = workbook.getWorksheet('Actions')!;
    expect(sheet.pageSetup.printTitlesRow).toBe('1:1');
    let cellAddress = '';
    sheet.eachRow((row) => {
      if (row.getCell(1).value === formula.id) {
        expect(row.getCell(3).value).toBe(FORMULA);
        cellAddress = row.getCell(3).address;
      }
      if (row.getCell(1).value === named.id) expect(row.getCell(3).value).toBe(NON_ASCII);
    });
    expect(cellAddress).not.toBe('');
    // ExcelJS does not read quotePrefix back: read the cell's format from the XML itself.
    const zip = await JSZip.loadAsync(xlsx);
    const styles = await zip.file('xl/styles.xml')!.async('string');
    const sheetXml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const styleIndex = Number(
      new RegExp(`<c r="${cellAddress}"[^>]* s="(\\d+)"`).exec(sheetXml)![1],
    );
    const cellXfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1];
    const formats = cellXfs.match(/<xf [^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g)!;
    expect(formats[styleIndex]).toContain('quotePrefix="1"');
    expect(sheetXml).not.toContain(`'${FORMULA}`);
    // A row of wrapped text is tall enough for its lines.
    sheet.eachRow((row, number) => {
      if (number > 1) expect(row.height).toBeGreaterThanOrEqual(15);
    });

    // LibreOffice reads the same value, as text, not a formula's result.
    const file = path.join(dir, 'actions-formula.xlsx');
    fs.writeFileSync(file, xlsx);
    // 76: UTF-8 (LibreOffice writes CSV in the system's code page otherwise).
    soffice(file, 'csv:Text - txt - csv (StarCalc):44,34,76');
    const rows: string[][] = parse(fs.readFileSync(path.join(dir, 'actions-formula.csv')), {
      relax_column_count: true,
      bom: true,
    });
    const row = rows.find((r) => Number(r[0]) === formula.id)!;
    expect(row[2]).toBe(FORMULA);
    expect(rows.find((r) => Number(r[0]) === named.id)![2]).toBe(NON_ASCII);
    const header = rows[0];
    expect(header).toContain('Findings');
    expect(header).not.toContain('Finding IDs');
    const ligature = rows.find((r) => r[1] === 'LPT-01')!;
    expect(ligature[header.indexOf('Findings')]).toBe('MD1');
    expect(ligature[header.indexOf('Delivery status')]).toBe('Assured');
  });

  it('prints the actions export one page wide with no overlapping wrapped cells', async () => {
    const xlsx = await download(
      `/api/v1/reports/actions?organisationId=${organisationId}&format=xlsx`,
    );
    const { pages } = printed('actions-print', xlsx);
    expectOnePageWide(pages, 'Reference', 'Assured');
  });

  it('prints the findings export one page wide with no overlapping wrapped cells', async () => {
    const xlsx = await download(
      `/api/v1/reports/findings?organisationId=${organisationId}&format=xlsx`,
    );
    expectPrintSetup(await workbookOf(xlsx));
    const { pages } = printed('findings-print', xlsx);
    expectOnePageWide(pages, 'Reference', 'CQC');
  });

  it('sets up the board report and CQC return workbooks to print, one page wide', async () => {
    const board = await download(
      `/api/v1/reports/board?organisationId=${organisationId}&format=xlsx`,
    );
    expectPrintSetup(await workbookOf(board));
    const cqc = await download(`/api/v1/reports/cqc-return?organisationId=${organisationId}`);
    const workbook = await workbookOf(cqc);
    expectPrintSetup(workbook);
    const { pages, pageCount } = printed('cqc-print', cqc);
    // Eight MUST rows and the warning notices: one page each sheet, not five pages wide.
    expect(pageCount).toBeLessThanOrEqual(workbook.worksheets.length * 2);
    pages.forEach((words) => expect(overlaps(words)).toEqual([]));
  });
});
