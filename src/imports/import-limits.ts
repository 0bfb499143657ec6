import { AppError } from '../common/app-error';

/**
 * Every bound an import works within, in one place (documented in docs/importing.md).
 * Each is checked before the work it bounds is done: the upload while it arrives, the ZIP
 * sizes from its central directory before anything is unpacked, rows and pages before they
 * are read, findings before anything is stored. A file over any of them is refused with
 * `413 IMPORT_LIMIT_EXCEEDED` naming the limit, so one hostile or careless file cannot take
 * the instance's memory or time from everyone else.
 */
export const IMPORT_LIMITS = {
  /** The largest file an import takes (multer stops reading past it). */
  uploadBytes: 20 * 1024 * 1024,
  /** An XLSX's entries, unpacked, added up: real plans are well under 5 MB. */
  unpackedBytes: 50 * 1024 * 1024,
  /**
   * Unpacked size over packed size, for the archive as a whole and for any entry unpacking to
   * more than `ratioFloorBytes`. Spreadsheets pack 5 to 20 times; a ZIP bomb packs 1,000.
   */
  compressionRatio: 100,
  /** Small entries may pack tighter than the ratio (a sheet of blanks) and harm nobody. */
  ratioFloorBytes: 1024 * 1024,
  /** Entries in the XLSX's ZIP directory (a workbook has a few dozen). */
  zipEntries: 10_000,
  /** Rows in any worksheet of an XLSX, or records of a CSV, headings included. */
  rows: 12_000,
  /** A report's text (pasted, a .txt, or read out of a PDF) or a CQC record's JSON, in UTF-8 bytes. */
  textBytes: 3 * 1024 * 1024,
  /** Pages of a PDF report (a CQC report has under 200). */
  pdfPages: 1_000,
  /** Findings one report or CQC record may add. */
  findings: 1_000,
  /** Time one file may take to read, in its parser worker, before the worker is stopped. */
  parseMilliseconds: 30_000,
  /** V8 heap one parser worker may use (resourceLimits); past it the worker dies, not the app. */
  parseMemoryMb: 256,
  /** Files read at once (one per core of a small server) ... */
  parsersRunning: 2,
  /** ... and files waiting for a parser; past that an import gets 503 IMPORTS_BUSY. */
  parsersWaiting: 8,
  /** What a 503 IMPORTS_BUSY asks the client to wait, in seconds. */
  busyRetryAfterSeconds: 5,
} as const;

export type ImportLimitName = keyof typeof IMPORT_LIMITS;

const MB = 1024 * 1024;
export const megabytes = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;

/**
 * `413 IMPORT_LIMIT_EXCEEDED`. The reason says what was found and what the limit allows; the
 * message names the limit as it is called here (`unpackedBytes`), for scripts and support.
 */
export function importLimitExceeded(
  limit: ImportLimitName,
  reason: string,
  field = 'file',
): AppError {
  return new AppError('IMPORT_LIMIT_EXCEEDED', `Import limit ${limit} exceeded: ${reason}`, [
    { field, reason },
  ]);
}

/** `503 IMPORTS_BUSY`: every parser is taken and the queue is full; the client retries later. */
export class ImportsBusyError extends AppError {
  readonly retryAfterSeconds = IMPORT_LIMITS.busyRetryAfterSeconds;
  constructor() {
    super(
      'IMPORTS_BUSY',
      `Too many imports are being read right now; try again in ${IMPORT_LIMITS.busyRetryAfterSeconds} seconds`,
    );
  }
}
