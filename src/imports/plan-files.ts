import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Cell } from './plan-sheet.parser';

/**
 * The first worksheet as rows of plain values. Merged cells repeat their value in every cell
 * they cover; a formula is kept as its text, never evaluated; rich text is flattened.
 */
export async function readXlsxRows(buffer: Buffer): Promise<Cell[][]> {
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
  return parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true });
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
