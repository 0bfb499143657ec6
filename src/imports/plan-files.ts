import { parse } from 'csv-parse/sync';
import { IMPORT_LIMITS, importLimitExceeded } from './import-limits';
import type { Cell, PlanWorkbook } from './plan-sheet.parser';
import {
  readDateStyles,
  readSharedStrings,
  readSheet,
  readWorkbookParts,
  SheetContext,
} from './xlsx-reader';
import { checkedZipDirectory, unpackEntry } from './zip-directory';

/**
 * Every worksheet, in the workbook's order, as rows of plain values, read with the streaming
 * reader in xlsx-reader.ts after the ZIP and row checks below. Merged cells repeat their value
 * in every cell they cover; a formula is kept as its text, never evaluated; rich text is
 * flattened; a number in a date format is a Date.
 */
export async function readXlsxWorkbook(buffer: Buffer): Promise<PlanWorkbook> {
  const parts = checkUnpackedWorkbook(buffer);
  const workbook = parts.get('xl/workbook.xml');
  if (!workbook) throw new Error('not an XLSX workbook: it has no xl/workbook.xml');
  const { sheets, date1904 } = readWorkbookParts(workbook, parts.get('xl/_rels/workbook.xml.rels'));
  const context: SheetContext = {
    sharedStrings: readSharedStrings(parts.get('xl/sharedStrings.xml')),
    dateStyles: readDateStyles(parts.get('xl/styles.xml')),
    date1904,
    onRow(rowNumber, count) {
      if (count > IMPORT_LIMITS.rows) throw tooManyRows(`more than ${IMPORT_LIMITS.rows}`);
      if (rowNumber > IMPORT_LIMITS.rows)
        throw tooManyRows(`a row numbered ${rowNumber}, so ${rowNumber}`);
    },
  };
  await Promise.resolve();
  return {
    sheets: sheets.flatMap((sheet) => {
      const bytes = parts.get(sheet.path);
      if (!bytes) return [];
      // Each sheet's XML is let go once it is read.
      parts.delete(sheet.path);
      return [{ name: sheet.name, hidden: sheet.hidden, ...readSheet(bytes, context) }];
    }),
  };
}

/** The first worksheet as rows of plain values (see readXlsxWorkbook). */
export async function readXlsxRows(buffer: Buffer): Promise<Cell[][]> {
  return (await readXlsxWorkbook(buffer)).sheets[0]?.rows ?? [];
}

export function readCsvRows(buffer: Buffer): Cell[][] {
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  // Parsing stops one record past the limit: enough to know it is passed, no more.
  const rows: Cell[][] = parse(text, {
    relax_column_count: true,
    skip_empty_lines: false,
    bom: true,
    to: IMPORT_LIMITS.rows + 1,
  });
  if (rows.length > IMPORT_LIMITS.rows) throw tooManyRows(`more than ${IMPORT_LIMITS.rows}`);
  return rows;
}

const tooManyRows = (found: string) =>
  importLimitExceeded(
    'rows',
    `the plan has ${found} rows; at most ${IMPORT_LIMITS.rows} (headings included) are read`,
  );

/** A worksheet row's tag, with or without a namespace prefix (`<row r="7">`, `<x:row>`). */
const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])([^>]*)>/g;
const ROW_NUMBER = /\br="(\d+)"/;
const SLICE = 1024 * 1024;

/** The parts of a workbook the reader uses; every other entry is unpacked, checked and dropped. */
const WORKBOOK_PARTS =
  /^(xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/sharedStrings\.xml|xl\/styles\.xml|xl\/worksheets\/[^/]+\.xml)$/;

/**
 * Unpacks every entry once with its declared size as a ceiling (so the ZIP directory checked
 * before this cannot have lied), and counts each worksheet's rows, by tag and by the highest
 * row number, before anything is read from them. Returns the parts the reader needs, by name.
 */
function checkUnpackedWorkbook(buffer: Buffer): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  for (const entry of checkedZipDirectory(buffer)) {
    const bytes = unpackEntry(buffer, entry);
    const name = entry.name.replace(/^\//, '');
    if (WORKBOOK_PARTS.test(name)) parts.set(name, bytes);
    if (!/^\/?xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) continue;
    let rows = 0;
    let highest = 0;
    // In slices, so a 50 MB sheet never becomes one 50 MB string; a tag that starts near the
    // end of a slice is read whole from the overlap and counted in the slice it starts in.
    for (let start = 0; start < bytes.length; start += SLICE) {
      const text = bytes.toString('latin1', start, Math.min(bytes.length, start + SLICE + 4096));
      for (const match of text.matchAll(ROW_TAG)) {
        if (match.index >= SLICE) break;
        rows++;
        highest = Math.max(highest, Number(ROW_NUMBER.exec(match[1])?.[1] ?? 0));
        if (rows > IMPORT_LIMITS.rows) throw tooManyRows(`more than ${IMPORT_LIMITS.rows}`);
      }
    }
    if (highest > IMPORT_LIMITS.rows) throw tooManyRows(`a row numbered ${highest}, so ${highest}`);
  }
  return parts;
}

/** XLSX files are ZIP archives; anything else that parses as text is treated as CSV. */
export function looksLikeXlsx(buffer: Buffer): boolean {
  return (
    buffer.length > 4 &&
    buffer[0] === 0x50 &&
    buffer[1] === 0x4b &&
    buffer[2] === 0x03 &&
    buffer[3] === 0x04
  );
}
