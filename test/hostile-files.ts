import fs from 'node:fs';
import path from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * Files an attacker or a careless user might upload, written byte by byte here so that each
 * is exactly the shape it claims: a ZIP bomb dressed as a workbook, a workbook whose ZIP
 * directory lies about its sizes, a 100,000-row sheet, a report of 10 MB.
 */

interface PackedEntry {
  name: string;
  packed: Buffer;
  size: number;
  crc: number;
  /** What the central directory says the entry unpacks to (a lie, for the lying bomb). */
  declaredSize?: number;
}

export function packed(name: string, content: string | Buffer): PackedEntry {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { name, packed: deflateRawSync(data), size: data.length, crc: crc32(data) };
}

/**
 * `repeat` copies of `unit` between `head` and `tail`, deflated as a stream so that hundreds
 * of MB are packed without ever being held in memory.
 */
async function packedRepeat(
  name: string,
  head: string,
  unit: string,
  repeat: number,
  tail: string,
): Promise<PackedEntry> {
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  let crc = 0;
  let size = 0;
  const write = async (data: Buffer) => {
    crc = crc32(data, crc);
    size += data.length;
    if (!deflate.write(data)) await new Promise((resolve) => deflate.once('drain', resolve));
  };
  await write(Buffer.from(head));
  // Units are written a megabyte or so at a time.
  const perChunk = Math.max(1, Math.floor((1024 * 1024) / unit.length));
  const block = Buffer.from(unit.repeat(perChunk));
  let left = repeat;
  while (left >= perChunk) {
    await write(block);
    left -= perChunk;
  }
  if (left > 0) await write(Buffer.from(unit.repeat(left)));
  await write(Buffer.from(tail));
  deflate.end();
  await done;
  return { name, packed: Buffer.concat(chunks), size, crc };
}

/** A ZIP archive of deflated entries: local headers, data, central directory, end record. */
export function zip(entries: PackedEntry[]): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.packed.length, 18);
    local.writeUInt32LE(entry.declaredSize ?? entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, entry.packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.packed.length, 20);
    central.writeUInt32LE(entry.declaredSize ?? entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    directory.push(central, name);
    offset += local.length + name.length + entry.packed.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directoryBytes, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts every workbook has besides its sheet, as Excel writes them. */
function workbookParts(): PackedEntry[] {
  return [
    packed(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '</Types>',
    ),
    packed(
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${RELS}/officeDocument" Target="xl/workbook.xml"/>` +
        '</Relationships>',
    ),
    packed(
      'xl/workbook.xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        `<workbook xmlns="${MAIN}" xmlns:r="${RELS}"><sheets>` +
        '<sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    packed(
      'xl/_rels/workbook.xml.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${RELS}/worksheet" Target="worksheets/sheet1.xml"/>` +
        '</Relationships>',
    ),
  ];
}

const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}"><sheetData>`;
const SHEET_TAIL = '</sheetData></worksheet>';
const column = (index: number): string =>
  (index >= 26 ? column(Math.floor(index / 26) - 1) : '') + String.fromCharCode(65 + (index % 26));
const cell = (text: string, ref: string) =>
  `<c r="${ref}" t="inlineStr"><is><t>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</t></is></c>`;
const row = (cells: string[], number: number) =>
  `<row r="${number}">${cells.map((text, index) => cell(text, `${column(index)}${number}`)).join('')}</row>`;

export const PLAN_HEADINGS = ['Ref', 'Finding', 'Action', 'Owner', 'Due date'];

/** A real, readable plan workbook of the given data rows under the plan headings. */
export function planXlsx(rows: string[][], headings: string[] = PLAN_HEADINGS): Buffer {
  const xml =
    SHEET_HEAD + row(headings, 1) + rows.map((r, i) => row(r, i + 2)).join('') + SHEET_TAIL;
  return zip([...workbookParts(), packed('xl/worksheets/sheet1.xml', xml)]);
}

/** A plan whose one data row is numbered `number`: a few bytes that claim a huge sheet. */
export function farRowXlsx(number: number): Buffer {
  const xml = SHEET_HEAD + row(PLAN_HEADINGS, 1) + row(planRows(1)[0], number) + SHEET_TAIL;
  return zip([...workbookParts(), packed('xl/worksheets/sheet1.xml', xml)]);
}

/** `count` rows of a plausible plan, each its own finding and action. */
export function planRows(count: number): string[][] {
  return Array.from({ length: count }, (_, i) => [
    `MD${i + 1}`,
    `The trust must ensure that item ${i + 1} is checked on every ward.`,
    `Check item ${i + 1} weekly and report to the quality committee`,
    'Nobody Known',
    '31/03/2027',
  ]);
}

/**
 * A ZIP bomb dressed as a workbook: the same empty row repeated until the sheet unpacks to
 * `unpackedMb` (the issue's was 489 MB from 1.9 MB), packing about 1,000 to 1.
 */
export async function zipBombXlsx(
  unpackedMb: number,
  options: { lie?: boolean } = {},
): Promise<Buffer> {
  // Rows without numbers (ExcelJS would number them), so that every copy is the same bytes.
  const unit = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
  const sheet = await packedRepeat(
    'xl/worksheets/sheet1.xml',
    SHEET_HEAD + row(PLAN_HEADINGS, 1),
    unit,
    Math.ceil((unpackedMb * 1024 * 1024) / unit.length),
    SHEET_TAIL,
  );
  // The lying bomb's directory claims a 40 KB sheet, under every limit read from it.
  if (options.lie) sheet.declaredSize = 40 * 1024;
  return zip([...workbookParts(), sheet]);
}

/** A plan of `rows` data rows (the issue's 100,000-row sheet was 2.6 MB). */
export function manyRowsXlsx(rows: number): Buffer {
  return planXlsx(planRows(rows));
}

/** The same as CSV text. */
export function manyRowsCsv(rows: number): Buffer {
  const lines = [PLAN_HEADINGS.join(','), ...planRows(rows).map((r) => r.join(','))];
  return Buffer.from(lines.join('\n'));
}

/** The fixture report repeated to about `bytes` (under different trusts' names, as pasted). */
export function bigReportText(bytes: number): Buffer {
  const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'report-community-trust.txt'));
  const copies = Math.ceil(bytes / text.length);
  return Buffer.concat(Array.from({ length: copies }, () => text)).subarray(0, bytes);
}

/** A report naming a trust with `count` MUST findings, each on its own bullet. */
export function reportWithFindings(count: number): string {
  const items = Array.from(
    { length: count },
    (_, i) => `• The trust must ensure that item ${i + 1} is checked on every ward.\nRegulation 12`,
  );
  return [
    'Northbrook Community Health NHS Trust',
    'Date of inspection visit: 3 to 12 October 2017',
    'Date of publication: 1 February 2018',
    'Action the trust MUST take to improve',
    ...items,
  ].join('\n');
}
