import { AppError, validationFailed } from '../common/app-error';
import { NotACqcRecordError, parseCqcRecord, ParsedCqcRecord } from './cqc-json.parser';
import { IMPORT_LIMITS, importLimitExceeded, megabytes } from './import-limits';
import { pdfPages, PdfWithoutTextError } from './pdf-text';
import { looksLikeXlsx, readCsvRows, readXlsxWorkbook } from './plan-files';
import { checkedZipDirectory } from './zip-directory';
import {
  NoPlanHeadersError,
  ParsedPlan,
  parsePlanWorkbook,
  PlanWorkbook,
  UnknownSheetError,
} from './plan-sheet.parser';
import { ParsedReport, parseReport } from './report-parser';

/**
 * The work a parser worker does for each kind of file: everything between the bytes and the
 * parsed result, and every limit that can only be checked while reading. These run inside a
 * worker thread (parser-worker.ts), never on the event loop that serves requests.
 */
export type ParseTask =
  | { kind: 'report-text'; text: string }
  | { kind: 'report-file'; bytes: Uint8Array }
  | { kind: 'cqc-json-file'; bytes: Uint8Array }
  | { kind: 'plan-file'; bytes: Uint8Array; sheet?: string };

export interface ParsedReportFile {
  /** The text as read (from a PDF, its pages joined by form feeds), kept with the import. */
  raw: string;
  parsed: ParsedReport;
}

export interface ParsedCqcFile {
  raw: string;
  parsed: ParsedCqcRecord;
}

export interface ParsedPlanFile {
  parsed: ParsedPlan;
  /** The header row's cells as text, to say which heading each column was found under. */
  header: string[];
}

export interface ParseResults {
  'report-text': ParsedReportFile;
  'report-file': ParsedReportFile;
  'cqc-json-file': ParsedCqcFile;
  'plan-file': ParsedPlanFile;
}

export async function runParseTask(task: ParseTask): Promise<ParseResults[ParseTask['kind']]> {
  switch (task.kind) {
    case 'report-text':
      return reportOf(task.text.split('\f'), task.text);
    case 'report-file':
      return reportFile(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.length));
    case 'cqc-json-file':
      return cqcJsonFile(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.length));
    case 'plan-file':
      return planFile(
        Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.length),
        task.sheet,
      );
  }
}

/** The text limit, checked on the bytes before they become a string (also on the event loop). */
export function checkTextSize(bytes: number, field = 'file'): void {
  if (bytes > IMPORT_LIMITS.textBytes) {
    throw importLimitExceeded(
      'textBytes',
      `the text is ${megabytes(bytes)}; at most ${megabytes(IMPORT_LIMITS.textBytes)} is read ` +
        '(a CQC report is well under 1 MB of text)',
      field,
    );
  }
}

function checkFindings(count: number): void {
  if (count > IMPORT_LIMITS.findings) {
    throw importLimitExceeded(
      'findings',
      `it holds ${count} findings; at most ${IMPORT_LIMITS.findings} are imported at once`,
    );
  }
}

function reportOf(pages: string[], raw: string): ParsedReportFile {
  const parsed = parseReport(pages);
  checkFindings(parsed.findings.length);
  return { raw, parsed };
}

async function reportFile(buffer: Buffer): Promise<ParsedReportFile> {
  if (buffer.subarray(0, 5).toString('latin1') === '%PDF-') {
    let pages: string[];
    try {
      pages = await pdfPages(buffer, {
        maxPages: IMPORT_LIMITS.pdfPages,
        maxTextBytes: IMPORT_LIMITS.textBytes,
      });
    } catch (error) {
      if (error instanceof PdfWithoutTextError) throw validationFailed('file', error.message);
      if (error instanceof AppError) throw error;
      throw validationFailed('file', 'the PDF could not be read (it may be damaged or encrypted)');
    }
    return reportOf(pages, pages.join('\f'));
  }
  if (buffer.includes(0)) throw validationFailed('file', 'the file is neither text nor a PDF');
  checkTextSize(buffer.length);
  const text = buffer.toString('utf8');
  if (!text.trim()) throw validationFailed('file', 'the file is empty');
  return reportOf(text.split('\f'), text);
}

function cqcJsonFile(buffer: Buffer): ParsedCqcFile {
  checkTextSize(buffer.length);
  const raw = buffer.toString('utf8');
  if (!raw.trim()) throw validationFailed('file', 'the file is empty');
  let record: unknown;
  try {
    record = JSON.parse(raw);
  } catch {
    throw validationFailed('file', 'the file is not valid JSON');
  }
  return { raw, parsed: cqcRecord(record, 'file') };
}

/** Also used on the event loop for a record sent as the JSON body (already parsed, under 5 MB). */
export function cqcRecord(record: unknown, field: string): ParsedCqcRecord {
  try {
    const parsed = parseCqcRecord(record);
    checkFindings(parsed.findings.length);
    return parsed;
  } catch (error) {
    if (error instanceof NotACqcRecordError) throw validationFailed(field, error.message);
    throw error;
  }
}

/** Spreadsheets the plan import cannot read, told apart so the person knows what to do. */
function unreadableSpreadsheet(buffer: Buffer): string | null {
  // An OLE2 compound file: Excel 97-2003 (.xls), or an .xlsx protected with a password.
  if (buffer.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex')))
    return 'this is an Excel 97-2003 workbook (.xls) or a password-protected one: open it in Excel, remove any password, save it as .xlsx (Excel Workbook) or CSV, and upload that';
  if (looksLikeXlsx(buffer)) {
    const names = checkedZipDirectory(buffer).map((entry) => entry.name.replace(/^\//, ''));
    if (names.includes('content.xml') && !names.some((name) => name.startsWith('xl/')))
      return 'this is an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV and upload that';
  }
  return null;
}

async function planFile(buffer: Buffer, sheet?: string): Promise<ParsedPlanFile> {
  const unreadable = unreadableSpreadsheet(buffer);
  if (unreadable) throw validationFailed('file', unreadable);
  let workbook: PlanWorkbook;
  try {
    workbook = looksLikeXlsx(buffer)
      ? await readXlsxWorkbook(buffer)
      : { sheets: [{ name: 'CSV', hidden: false, rows: readCsvRows(buffer), hiddenColumns: [] }] };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw validationFailed('file', 'the file is neither an XLSX workbook nor CSV text');
  }
  try {
    const parsed = parsePlanWorkbook(workbook, { sheet });
    const rows = workbook.sheets.find((s) => s.name === parsed.sheet)!.rows;
    const header = Array.from(rows[parsed.headerRow - 1], (cell) => String(cell ?? ''));
    return { parsed, header };
  } catch (error) {
    if (error instanceof UnknownSheetError) throw validationFailed('sheet', error.message);
    if (error instanceof NoPlanHeadersError)
      throw validationFailed(sheet ? 'sheet' : 'file', error.message);
    throw error;
  }
}
