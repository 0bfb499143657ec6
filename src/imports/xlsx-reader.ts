import { StringDecoder } from 'node:string_decoder';
import { validationFailed } from '../common/app-error';
import type { Cell } from './plan-sheet.parser';

/**
 * A small streaming reader for the parts of an XLSX a plan needs: each worksheet's cell values
 * row by row, its hidden columns and merged ranges; the workbook's sheet names, order and
 * visibility; shared strings; and which cell styles are dates. It reads the unpacked XML in
 * 1 MB slices with a tokenizer of its own and keeps only plain values: no workbook model, no
 * styles or cell objects (ExcelJS's full load built one for every cell, and its streaming
 * reader skips merges and hidden columns and spills sheets to temporary files).
 */

/** What a reader does with each XML event; attributes stay as text until asked for (attribute()). */
interface XmlHandler {
  open(name: string, attributes: string, selfClosing: boolean): void;
  close(name: string): void;
  text(text: string): void;
}

const SLICE = 1024 * 1024;
const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/**
 * One token at a time, from where the last ended: CDATA, a comment, a declaration or
 * processing instruction, a tag (quoted attribute values may hold `>`), or text.
 */
const TOKEN =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<[!?][^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|([^<]+)/y;

export function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return NAMED[name];
    const code = decimal ? Number(decimal) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The local part of a tag name (`x:row` is `row`): sheets may be written with a prefix. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

const attributePatterns = new Map<string, RegExp>();

/** An attribute's value by its local name (`id` finds `r:id`), decoded; undefined if absent. */
export function attribute(attributes: string, name: string): string | undefined {
  if (!attributes.includes(name)) return undefined;
  let pattern = attributePatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`(?:^|[\\s:])${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    attributePatterns.set(name, pattern);
  }
  const match = pattern.exec(attributes);
  return match ? decodeXml(match[1] ?? match[2]) : undefined;
}

/**
 * Reads the XML a slice at a time, handing each event to `handler`. A tag cut by a slice's
 * end waits for the next slice, as does text (an entity may be cut in two).
 */
export function scanXml(bytes: Buffer, handler: XmlHandler): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for (let start = 0; start <= bytes.length; start += SLICE) {
    const last = start + SLICE >= bytes.length;
    pending += last
      ? decoder.end(bytes.subarray(start))
      : decoder.write(bytes.subarray(start, start + SLICE));
    // Tokens are read up to the last '<' of the slice; what follows may be cut.
    const limit = last ? pending.length : pending.lastIndexOf('<');
    let at = 0;
    while (at < limit) {
      TOKEN.lastIndex = at;
      const match = TOKEN.exec(pending);
      if (!match || match.index + match[0].length > (last ? pending.length : limit)) {
        if (last) throw new Error('the sheet XML is malformed');
        break;
      }
      at = TOKEN.lastIndex;
      if (match[6] !== undefined) handler.text(decodeXml(match[6]));
      else if (match[1] !== undefined) handler.text(match[1]);
      else if (match[3] !== undefined) {
        const name = localName(match[3]);
        if (match[2]) handler.close(name);
        else {
          const selfClosing = match[5] === '/';
          handler.open(name, match[4], selfClosing);
          if (selfClosing) handler.close(name);
        }
      }
    }
    pending = pending.slice(at);
    if (last) break;
  }
}

/** Column letters to a 0-based index (`A` 0, `AA` 26); -1 if there are none. */
export function columnIndex(reference: string): number {
  let index = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    const upper = code >= 97 ? code - 32 : code;
    if (upper < 65 || upper > 90) break;
    index = index * 26 + (upper - 64);
  }
  return i === 0 ? -1 : index - 1;
}

/** `B7` as 0-based row and column; null if it is not a cell reference. */
export function cellAddress(reference: string): { row: number; column: number } | null {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(reference);
  if (!match) return null;
  return { row: Number(match[2]) - 1, column: columnIndex(match[1]) };
}

/** The strings of sharedStrings.xml: each `<si>`'s text runs joined (phonetic runs left out). */
export function readSharedStrings(bytes: Buffer | undefined): string[] {
  const strings: string[] = [];
  if (!bytes) return strings;
  let current: string | null = null;
  let inText = false;
  let phonetic = 0;
  scanXml(bytes, {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && !phonetic) inText = true;
    },
    close(name) {
      if (name === 'si') {
        strings.push(current ?? '');
        current = null;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't') inText = false;
    },
    text(text) {
      if (inText && current !== null) current += text;
    },
  });
  return strings;
}

/** Excel's built-in number formats that show a date or time. */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/** A custom number format shows a date if it has date or time parts outside quotes and brackets. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** For each cell style (`s` index), whether it formats its number as a date. */
export function readDateStyles(bytes: Buffer | undefined): boolean[] {
  const dates: boolean[] = [];
  if (!bytes) return dates;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  scanXml(bytes, {
    open(name, attributes) {
      if (name === 'numFmt') {
        custom.set(
          Number(attribute(attributes, 'numFmtId')),
          attribute(attributes, 'formatCode') ?? '',
        );
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(attribute(attributes, 'numFmtId') ?? 0);
        const code = custom.get(id);
        dates.push(code !== undefined ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(id));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
    text() {},
  });
  return dates;
}

export interface WorkbookSheetEntry {
  name: string;
  hidden: boolean;
  /** The part holding it, e.g. `xl/worksheets/sheet1.xml`. */
  path: string;
}

/** The sheets in workbook order, their visibility and parts; and whether dates count from 1904. */
export function readWorkbookParts(
  workbook: Buffer,
  relationships: Buffer | undefined,
): { sheets: WorkbookSheetEntry[]; date1904: boolean } {
  const targets = new Map<string, string>();
  const ignore = () => undefined;
  if (relationships) {
    scanXml(relationships, {
      open(name, attributes) {
        if (name === 'Relationship')
          targets.set(attribute(attributes, 'Id') ?? '', attribute(attributes, 'Target') ?? '');
      },
      close: ignore,
      text: ignore,
    });
  }
  const sheets: WorkbookSheetEntry[] = [];
  let date1904 = false;
  scanXml(workbook, {
    open(name, attributes) {
      if (name === 'workbookPr') {
        date1904 = ['1', 'true'].includes(attribute(attributes, 'date1904') ?? '');
      } else if (name === 'sheet') {
        const target = targets.get(attribute(attributes, 'id') ?? '') ?? '';
        const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
        sheets.push({
          name: attribute(attributes, 'name') ?? `Sheet${sheets.length + 1}`,
          hidden: ['hidden', 'veryHidden'].includes(attribute(attributes, 'state') ?? ''),
          path: path.replace(/[^/]+\/\.\.\//g, ''),
        });
      }
    },
    close: ignore,
    text: ignore,
  });
  return { sheets, date1904 };
}

export interface SheetContent {
  rows: Cell[][];
  /** 0-based indexes of the columns the sheet hides. */
  hiddenColumns: number[];
}

export interface SheetContext {
  sharedStrings: string[];
  dateStyles: boolean[];
  date1904: boolean;
  /** Called with each row number (1-based) and the count so far, to refuse a sheet past the limit. */
  onRow(rowNumber: number, count: number): void;
}

/** Excel's serial day number as a date (UTC midnight plus the fraction of a day). */
/**
 * A date cell's serial number as a date; outside Excel's own range (1 January 1900 to
 * 31 December 9999) the cell is given as its text, which the plan then reports as not a date
 * (a hand-made `1e308` used to become an invalid Date that failed the whole read).
 */
function excelDate(serial: number, date1904: boolean, raw: string): Date | string {
  if (!(serial >= 1 && serial <= 2_958_465)) return raw;
  const days = serial + (date1904 ? 1462 : 0) - 25569;
  return new Date(Math.round(days * 24 * 3600 * 1000));
}

interface CellBeingRead {
  column: number;
  type: string;
  style: number;
  value: string;
  formula: string | null;
  sharedIndex: string | null;
}

/**
 * One worksheet's rows as plain values (`rows[r][c]`, both 0-based, blanks null), read in one
 * pass. A formula gives its saved result, or its text (`=SUM(A1:A3)`) when it has none; never evaluated (a shared formula's
 * other cells show its first cell's text); a merged range repeats its top-left value in every
 * cell it covers, filled in at the end (a sheet lists its merges after its cells).
 */
export function readSheet(bytes: Buffer, context: SheetContext): SheetContent {
  const rows: Cell[][] = [];
  const hiddenColumns = new Set<number>();
  const merges: string[] = [];
  const sharedFormulas = new Map<string, string>();
  let rowIndex = -1;
  let rowCount = 0;
  let nextColumn = 0;
  let cell: CellBeingRead | null = null;
  let collecting: 'value' | 'formula' | 'inline' | null = null;
  let inInline = false;
  let phonetic = 0;

  scanXml(bytes, {
    text(text) {
      if (!cell || !collecting) return;
      if (collecting === 'formula') cell.formula = (cell.formula ?? '') + text;
      else cell.value += text;
    },
    open(name, attributes) {
      switch (name) {
        case 'c': {
          const reference = attribute(attributes, 'r');
          const address = reference ? cellAddress(reference) : null;
          if (address && address.row > rowIndex) {
            rowIndex = address.row;
            context.onRow(rowIndex + 1, rowCount);
          }
          const column = address ? address.column : nextColumn;
          nextColumn = column + 1;
          cell = {
            column,
            type: attribute(attributes, 't') ?? 'n',
            style: Number(attribute(attributes, 's') ?? 0),
            value: '',
            formula: null,
            sharedIndex: null,
          };
          break;
        }
        case 'v':
          if (cell) collecting = 'value';
          break;
        case 'row': {
          const number = Number(attribute(attributes, 'r') ?? rowIndex + 2);
          // Excel and LibreOffice write rows in order; a row numbered at or before the last one
          // would be shown to the person under the wrong number, or silently replace it.
          if (Number.isInteger(number) && number - 1 <= rowIndex) {
            throw validationFailed(
              'file',
              `the sheet's rows are out of order (row ${number} comes after row ${rowIndex + 1}); open the file in Excel or LibreOffice and save it again`,
            );
          }
          rowIndex = Number.isInteger(number) && number - 1 > rowIndex ? number - 1 : rowIndex + 1;
          context.onRow(rowIndex + 1, ++rowCount);
          nextColumn = 0;
          break;
        }
        case 'f':
          if (cell) {
            collecting = 'formula';
            cell.formula = '';
            const shared = attribute(attributes, 'si');
            if (attribute(attributes, 't') === 'shared' && shared !== undefined)
              cell.sharedIndex = shared;
          }
          break;
        case 'is':
          if (cell) inInline = true;
          break;
        case 't':
          if (inInline && !phonetic) collecting = 'inline';
          break;
        case 'rPh':
          phonetic++;
          break;
        case 'col':
          if (['1', 'true'].includes(attribute(attributes, 'hidden') ?? '')) {
            const min = Math.max(1, Number(attribute(attributes, 'min')));
            const max = Math.min(Number(attribute(attributes, 'max')), MAX_COLUMNS);
            for (let c = min; c <= max; c++) hiddenColumns.add(c - 1);
          }
          break;
        case 'mergeCell': {
          const ref = attribute(attributes, 'ref');
          if (ref) merges.push(ref);
          break;
        }
      }
    },
    close(name) {
      switch (name) {
        case 'v':
        case 'f':
          collecting = null;
          break;
        case 't':
          if (collecting === 'inline') collecting = null;
          break;
        case 'is':
          inInline = false;
          collecting = null;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c':
          if (cell && rowIndex >= 0) storeCell(rows, rowIndex, cell, sharedFormulas, context);
          cell = null;
          break;
      }
    },
  });
  fillMerges(rows, merges);
  return {
    rows: Array.from(rows, (row) => Array.from(row ?? [], (value) => value ?? null)),
    hiddenColumns: [...hiddenColumns].sort((a, b) => a - b),
  };
}

/** Columns read from a sheet: A to IV, the 256 of Excel before 2007; the rest are left out. */
export const MAX_COLUMNS = 256;

function storeCell(
  rows: Cell[][],
  rowIndex: number,
  cell: CellBeingRead,
  sharedFormulas: Map<string, string>,
  context: SheetContext,
): void {
  if (cell.sharedIndex !== null) {
    // The first cell of a shared formula carries its text; the others refer to it.
    if (cell.formula) sharedFormulas.set(cell.sharedIndex, cell.formula);
    else cell.formula = sharedFormulas.get(cell.sharedIndex) ?? null;
  }
  // A plan is a few dozen columns wide; a cell far to the right (XFD is column 16,384) would
  // make every row that wide, and 11,000 such rows took a parser 15 s and all its memory.
  if (cell.column >= MAX_COLUMNS) return;
  const value = cellValue(cell, context);
  const row = (rows[rowIndex] ??= []);
  if (value !== null) row[cell.column] = value;
}

function cellValue(
  cell: { type: string; style: number; value: string; formula: string | null },
  context: SheetContext,
): Cell {
  // What the sheet shows: a formula's last calculated value, which Excel and LibreOffice save
  // beside it (a trust's RAG, due date or reference is often a formula). Only a formula saved
  // without one (written by a program, never opened) is kept as its text; none is evaluated.
  if (cell.formula && cell.value === '') return `=${cell.formula}`;
  const raw = cell.value;
  switch (cell.type) {
    case 's': {
      const text = context.sharedStrings[Number(raw)];
      return text === undefined ? null : text;
    }
    case 'inlineStr':
    case 'str':
      return raw === '' ? null : raw;
    case 'b':
      return raw === '1' || raw === 'true';
    case 'e':
      return raw || null;
    case 'd': {
      const date = new Date(raw);
      return Number.isNaN(date.getTime()) ? raw || null : date;
    }
    default: {
      if (raw === '') return null;
      const number = Number(raw);
      if (Number.isNaN(number)) return raw;
      return context.dateStyles[cell.style] ? excelDate(number, context.date1904, raw) : number;
    }
  }
}

/**
 * Each merged range's top-left value copied into every cell it covers, within the rows and
 * columns the sheet has (a range reaching to row 1,048,576 fills nothing past the last row).
 */
function fillMerges(rows: Cell[][], merges: string[]): void {
  const lastRow = rows.length - 1;
  let lastColumn = 0;
  for (const row of rows) if (row) lastColumn = Math.max(lastColumn, row.length - 1);
  for (const ref of merges) {
    const [from, to] = ref.split(':');
    const start = cellAddress(from);
    const end = cellAddress(to ?? from);
    if (!start || !end) continue;
    const value = rows[start.row]?.[start.column] ?? null;
    if (value === null) continue;
    for (let r = start.row; r <= Math.min(end.row, lastRow); r++) {
      for (let c = start.column; c <= Math.min(end.column, lastColumn); c++) {
        (rows[r] ??= [])[c] = value;
      }
    }
  }
}
