import type ExcelJS from 'exceljs';

/**
 * What every workbook the tracker writes shares, so each prints and reads the same way:
 *
 * - page setup: landscape A4, fitted to one page wide (as many pages down as it needs), the
 *   header row repeated on every page, narrow margins, and the sheet's name and "Page N of M"
 *   in the header and footer. ExcelJS writes `fitToWidth` only when `fitToPage` is set too;
 *   without it Excel and LibreOffice print at 100% (issue 18: the CQC return printed 5 pages
 *   wide for 8 rows).
 * - wrapped text with row heights worked out here: LibreOffice does not size rows to their
 *   wrapped text when it opens a file, so without a height wrapped lines overlap the next row.
 * - formula neutralising by style: text that a spreadsheet would run as a formula (it begins
 *   with = + - @, a tab or a carriage return) is kept exactly as typed and marked as text with
 *   the quote-prefix style (`quotePrefix="1"` on its cell format), rather than written with a
 *   visible leading apostrophe. CSV has no styles, so CSV keeps the apostrophe.
 */

/** A4 in the paperSize codes of SpreadsheetML. */
const A4 = 9;
/** Points per line of 11 pt Calibri, the default font, as Excel and LibreOffice lay it out. */
const LINE_HEIGHT = 15;
/** Wrapped text never shows more than this many lines in one row, however long the cell. */
const MAX_LINES = 27;

/** Page setup for a sheet whose header is `headerRow` (repeated at the top of every page). */
export function printPageSetup(headerRow = 1): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: A4,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    // 0: as many pages down as the rows need; only the width is fitted.
    fitToHeight: 0,
    printTitlesRow: `${headerRow}:${headerRow}`,
    margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    horizontalCentered: false,
    showGridLines: false,
  };
}

/** The sheet's name top left and "Page N of M" bottom right of every printed page. */
export function printHeaderFooter(): Partial<ExcelJS.HeaderFooter> {
  return { oddHeader: '&L&A', oddFooter: '&LPrinted from the CQC Action Tracker&RPage &P of &N' };
}

/** Options for `workbook.addWorksheet` (plain or streamed) that set up printing. */
export function printableSheetOptions(headerRow = 1): Partial<ExcelJS.AddWorksheetOptions> {
  return { pageSetup: printPageSetup(headerRow), headerFooter: printHeaderFooter() };
}

/** Would a spreadsheet run this text as a formula? */
export function looksLikeFormula(value: unknown): value is string {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value);
}

/** Wrapped, top-aligned text: the style of every data cell. */
export const WRAPPED = { wrapText: true, vertical: 'top' } as Readonly<ExcelJS.Alignment>;

/**
 * Shared style objects: ExcelJS reuses a style's number for the same object, so one object per
 * kind of cell (never changed after: callers assign, never mutate) keeps a 100,000-row export from working each cell's style out afresh.
 */
export const CELL_STYLES = {
  text: { alignment: WRAPPED },
  /** Kept exactly as typed, shown and edited as text (never run as a formula). */
  quoted: { alignment: WRAPPED, quotePrefix: true },
  date: { alignment: WRAPPED, numFmt: 'dd/mm/yyyy' },
  header: { alignment: WRAPPED, font: { bold: true } },
} as unknown as Record<'text' | 'quoted' | 'date' | 'header', Partial<ExcelJS.Style>>;

/**
 * How many lines `text` wraps to in a column `width` characters wide: words are laid out
 * greedily as a spreadsheet does, a little pessimistically (a column of width w holds a little
 * more than w average characters), so a row is never too short for its text.
 */
export function wrappedLines(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * 0.95));
  // Most cells (numbers, dates, names, words) fit on one line: no need to lay them out.
  if (text.length <= perLine && !/[\r\n]/.test(text)) return 1;
  let lines = 0;
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let used = 0;
    lines++;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const length = [...word].length;
      if (used === 0) {
        used = length;
      } else if (used + 1 + length <= perLine) {
        used += 1 + length;
        continue;
      } else {
        lines++;
        used = length;
      }
      // A word longer than the line breaks over as many lines as it needs.
      if (used > perLine) {
        lines += Math.ceil(used / perLine) - 1;
        used = used % perLine || perLine;
      }
    }
  }
  return Math.min(lines, MAX_LINES);
}

/** The text a cell shows, near enough to measure it (dates are 10 characters: dd/mm/yyyy). */
function shownText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return '00/00/0000';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) {
      const result = value.result;
      return result instanceof Date
        ? '00/00/0000'
        : typeof result === 'object'
          ? ''
          : String(result);
    }
    return '';
  }
  return String(value);
}

/** Sets a row's height to fit its tallest wrapped cell, given each column's width. */
export function sizeRow(row: ExcelJS.Row, widths: readonly number[]): void {
  let lines = 1;
  row.eachCell((cell, column) => {
    const text = shownText(cell.value);
    if (text) lines = Math.max(lines, wrappedLines(text, widths[column - 1] ?? 10));
  });
  const size = typeof row.font?.size === 'number' ? row.font.size : 11;
  row.height = Math.ceil(lines * LINE_HEIGHT * Math.max(1, size / 11));
}

/**
 * Lays out a whole (not streamed) workbook for print and for reading, just before it is
 * written: page setup and header/footer on every sheet; the header row to repeat is the first
 * row whose filled cells are bold and number two or more (row 1 where there is none, or where
 * later bold rows show a sheet of several tables, whose first header would mislabel the rest);
 * every cell of a row with two or more filled cells wrapped and top-aligned, and rows sized to
 * their text; a one-cell row (a title, a note) is left to run on across the empty cells beside
 * it. Formula-like text is marked with the quote-prefix style, and a leading apostrophe added
 * by `neutraliseCell` before it is taken off again (the style does its work).
 */
export function layOutWorkbook(workbook: ExcelJS.Workbook): void {
  for (const sheet of workbook.worksheets) layOutSheet(sheet);
}

/** `layOutWorkbook` for one sheet; `headerRow` when the caller knows which row is the header. */
export function layOutSheet(sheet: ExcelJS.Worksheet, headerRow?: number): void {
  widenForDatesAndHeaders(sheet);
  const widths = sheet.columns?.map((column) => column.width ?? 9) ?? [];
  const sheetWidth = widths.reduce((sum, w) => sum + w, 0);
  const tableHeaders: number[] = [];
  sheet.eachRow((row, number) => {
    const filled = (row.values as unknown[]).filter(
      (value) => value !== null && value !== undefined && value !== '',
    ).length;
    let allBold = filled > 0;
    row.eachCell((cell) => {
      if (!cell.font?.bold) allBold = false;
      const value = cell.value;
      if (typeof value === 'string' && /^'[=+\-@\t\r]/.test(value)) cell.value = value.slice(1);
      if (looksLikeFormula(cell.value)) markAsText(cell);
      if (filled >= 2) cell.alignment = { ...(cell.alignment ?? {}), ...WRAPPED };
    });
    if (filled >= 2 && allBold) tableHeaders.push(number);
    if (filled >= 2) sizeRow(row, widths);
    else if (filled === 1) wrapAcross(sheet, row, widths, sheetWidth);
  });
  const header = headerRow ?? (tableHeaders.length === 1 ? tableHeaders[0] : 1);
  sheet.pageSetup = { ...sheet.pageSetup, ...printPageSetup(header) };
  // A header the report set itself (a protective marking, centred) is kept beside the sheet name.
  const own = sheet.headerFooter?.oddHeader;
  sheet.headerFooter = { ...sheet.headerFooter, ...printHeaderFooter() };
  if (own) sheet.headerFooter.oddHeader = `${printHeaderFooter().oddHeader ?? ''}${own}`;
}

/** A dd/mm/yyyy date needs this many characters of width, or a spreadsheet prints "###". */
const DATE_WIDTH = 12;

/**
 * Widens a column that holds dates to show them whole, and one whose header has a longer word
 * than it holds, so a header never breaks mid-word ("Evidence submitte|d").
 */
function widenForDatesAndHeaders(sheet: ExcelJS.Worksheet): void {
  const needed = new Map<number, number>();
  const need = (column: number, width: number) =>
    needed.set(column, Math.max(needed.get(column) ?? 0, width));
  sheet.eachRow((row) => {
    const bold = row.font?.bold === true;
    row.eachCell((cell, column) => {
      if (cell.value instanceof Date) need(column, DATE_WIDTH);
      if ((bold || cell.font?.bold) && typeof cell.value === 'string') {
        const longest = Math.max(...cell.value.split(/\s+/).map((word) => [...word].length));
        // Bold headers are a little wider than the characters suggest.
        if (longest <= 20) need(column, Math.ceil(longest * 1.15) + 2);
      }
    });
  });
  for (const [column, width] of needed) {
    const col = sheet.getColumn(column);
    if ((col.width ?? 9) < width) col.width = width;
  }
}

/**
 * A row with one long text (a sentence of a summary): merged across the sheet's columns and
 * wrapped, so it prints inside the page rather than widening the printed area.
 */
function wrapAcross(
  sheet: ExcelJS.Worksheet,
  row: ExcelJS.Row,
  widths: readonly number[],
  sheetWidth: number,
): void {
  const cell = row.getCell(1);
  const text = shownText(cell.value);
  if (widths.length < 2 || !text || [...text].length <= (widths[0] ?? 9)) return;
  if (!cell.isMerged) sheet.mergeCells(row.number, 1, row.number, widths.length);
  cell.alignment = { ...(cell.alignment ?? {}), ...WRAPPED };
  const size = typeof cell.font?.size === 'number' ? cell.font.size : 11;
  row.height = Math.ceil(wrappedLines(text, sheetWidth) * LINE_HEIGHT * Math.max(1, size / 11));
}

/** Marks a cell's text as text (quote prefix), keeping the rest of its style. */
export function markAsText(cell: ExcelJS.Cell): void {
  cell.style = { ...cell.style, quotePrefix: true } as Partial<ExcelJS.Style>;
}

/*
 * ExcelJS 4.4 neither writes nor reads `quotePrefix` (exceljs/exceljs pull request 2809 adds it,
 * unreleased). Two small wrappers add the writing side: a cell style carrying
 * `quotePrefix: true` is given a cell format of its own, written with quotePrefix="1". Cell
 * formats are shared by their XML, so the flag is part of what makes two formats the same.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call,
   @typescript-eslint/no-unsafe-return */
interface XmlStream {
  openNode: (this: XmlStream, name: string, attributes?: object) => void;
  addAttribute: (this: XmlStream, name: string, value: string) => void;
}
interface StyleModel {
  quotePrefix?: boolean;
}
const StylesXform = require('exceljs/lib/xlsx/xform/style/styles-xform');
const StyleXform = require('exceljs/lib/xlsx/xform/style/style-xform');
if (!StylesXform.prototype.__quotePrefix) {
  StylesXform.prototype.__quotePrefix = true;
  const addStyleModel = StylesXform.prototype.addStyleModel;
  StylesXform.prototype.addStyleModel = function (model: StyleModel | undefined, type: unknown) {
    if (!model?.quotePrefix || !this._addStyle) return addStyleModel.call(this, model, type);
    if (this.weakMap?.has(model)) return this.weakMap.get(model);
    const addStyle = this._addStyle;
    this._addStyle = (style: object) => addStyle.call(this, { ...style, quotePrefix: true });
    try {
      return addStyleModel.call(this, model, type);
    } finally {
      delete this._addStyle;
    }
  };
  const render = StyleXform.prototype.render;
  StyleXform.prototype.render = function (xmlStream: XmlStream, model: StyleModel) {
    if (!model?.quotePrefix) return render.call(this, xmlStream, model);
    // The attribute must go on <xf> itself, before its <alignment> child is opened.
    const own = Object.prototype.hasOwnProperty.call(xmlStream, 'openNode');
    const openNode = xmlStream.openNode;
    xmlStream.openNode = function (this: XmlStream, name: string, attributes?: object) {
      openNode.call(this, name, attributes);
      if (name === 'xf') this.addAttribute('quotePrefix', '1');
    };
    try {
      return render.call(this, xmlStream, model);
    } finally {
      if (own) xmlStream.openNode = openNode;
      else delete (xmlStream as Partial<XmlStream>).openNode;
    }
  };
}
/* eslint-enable */
