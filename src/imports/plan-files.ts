import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { IMPORT_LIMITS, importLimitExceeded } from './import-limits';
import type { Cell, PlanWorkbook } from './plan-sheet.parser';
import { checkedZipDirectory, unpackEntry } from './zip-directory';

/**
 * The first worksheet as rows of plain values. Merged cells repeat their value in every cell
 * they cover; a formula is kept as its text, never evaluated; rich text is flattened.
 */
export async function readXlsxRows(buffer: Buffer): Promise<Cell[][]> {
  checkUnpackedWorkbook(buffer);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      const source = cell.isMerged ? cell.master : cell;
      values[column - 1] = plainValue(source.value);
    });
    rows[rowNumber - 1] = values;
  });
  return Array.from(rows, (row) => row ?? []);
}

/**
 * Every worksheet as rows of plain values, with whether the sheet and which columns (0-based)
 * are hidden. Merged cells repeat their master's value in every cell they cover.
 * (Adapter over the in-memory reader until the streaming reader replaces it; same contract.)
 */
export async function readXlsxWorkbook(buffer: Buffer): Promise<PlanWorkbook> {
  checkUnpackedWorkbook(buffer);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return {
    sheets: workbook.worksheets.map((sheet) => {
      const rows: Cell[][] = [];
      sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
        const values: Cell[] = [];
        row.eachCell({ includeEmpty: true }, (cell, column) => {
          const source = cell.isMerged ? cell.master : cell;
          values[column - 1] = plainValue(source.value);
        });
        rows[rowNumber - 1] = values;
      });
      const hiddenColumns: number[] = [];
      for (let column = 1; column <= sheet.columnCount; column++)
        if (sheet.getColumn(column).hidden) hiddenColumns.push(column - 1);
      return {
        name: sheet.name,
        hidden: sheet.state !== undefined && sheet.state !== 'visible',
        rows: Array.from(rows, (row) => row ?? []),
        hiddenColumns,
      };
    }),
  };
}

function plainValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (
    value instanceof Date ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  )
    return value;
  if (typeof value === 'object') {
    if ('formula' in value && value.formula) return `=${value.formula}`;
    if ('sharedFormula' in value && value.sharedFormula) return `=${value.sharedFormula}`;
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
  }
  return null;
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

/**
 * Unpacks every entry once with its declared size as a ceiling (so the ZIP directory checked
 * before this cannot have lied), and counts each worksheet's rows, by tag and by the highest
 * row number (ExcelJS makes every row up to it), before ExcelJS builds anything.
 */
function checkUnpackedWorkbook(buffer: Buffer): void {
  for (const entry of checkedZipDirectory(buffer)) {
    const bytes = unpackEntry(buffer, entry);
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
