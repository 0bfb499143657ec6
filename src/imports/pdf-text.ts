import { IMPORT_LIMITS, importLimitExceeded, megabytes } from './import-limits';

/**
 * The text of each page of a PDF, with Mozilla's pdf.js (the CommonJS build of its last
 * CommonJS major). Loaded only when a PDF arrives: it warns once that it cannot render
 * without a canvas package, which text extraction does not need.
 */
export class PdfWithoutTextError extends Error {}

interface TextItem {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
}

/**
 * Joins a page's text runs into lines: a run on a new baseline starts a new line, as does a
 * run pdf.js marks as ending one. Each line is indented by how far right of the page's left
 * margin it starts (about one space per 3 points, at most 40), so the parser can tell a
 * bullet's wrapped continuation lines, which CQC reports indent, from a new paragraph.
 */
function pageText(items: TextItem[]): string {
  const lines: { x: number | null; text: string }[] = [];
  let current: { x: number | null; text: string } | null = null;
  let lastY: number | null = null;
  for (const item of items) {
    const y: number | null = item.transform?.[5] ?? lastY;
    const x: number | null = item.transform?.[4] ?? null;
    if (current && lastY !== null && y !== null && Math.abs(y - lastY) > 2) current = null;
    // Empty runs that only end a line (pdf.js sends them) start no line of their own.
    if (!current && !(item.str ?? '').trim()) {
      if (!item.hasEOL) lastY = y;
      continue;
    }
    if (!current) {
      current = { x: (item.str ?? '').trim() ? x : null, text: '' };
      lines.push(current);
    } else if (current.x === null && (item.str ?? '').trim()) {
      current.x = x;
    }
    current.text += item.str ?? '';
    if (item.hasEOL) current = null;
    lastY = y;
  }
  const starts = lines.map((l) => l.x).filter((x): x is number => x !== null && isFiniteNumber(x));
  const margin = starts.length ? Math.min(...starts) : 0;
  return lines
    .map((line) => {
      const indent =
        line.x === null || !isFiniteNumber(line.x)
          ? 0
          : Math.min(40, Math.round((line.x - margin) / 3));
      return ' '.repeat(Math.max(0, indent)) + line.text;
    })
    .join('\n');
}

function isFiniteNumber(value: number): boolean {
  return Number.isFinite(value);
}

export interface PdfLimits {
  maxPages: number;
  maxTextBytes: number;
}

/**
 * The pages' text. The page count is checked before any page is read, and the text's size
 * after each page, so a PDF of a million pages (or of one page holding megabytes of text)
 * stops early.
 */
export async function pdfPages(
  buffer: Buffer,
  limits: PdfLimits = { maxPages: IMPORT_LIMITS.pdfPages, maxTextBytes: IMPORT_LIMITS.textBytes },
): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as {
    getDocument(options: object): { promise: Promise<PdfDocument> };
  };
  const document = await pdfjs.getDocument({
    data: new Uint8Array(buffer),
    useSystemFonts: false,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  if (document.numPages > limits.maxPages) {
    await document.destroy();
    throw importLimitExceeded(
      'pdfPages',
      `the PDF has ${document.numPages} pages; at most ${limits.maxPages} are read`,
    );
  }
  const pages: string[] = [];
  let textBytes = 0;
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    pages.push(pageText(content.items as TextItem[]));
    textBytes += Buffer.byteLength(pages[pages.length - 1]);
    if (textBytes > limits.maxTextBytes) {
      await document.destroy();
      throw importLimitExceeded(
        'textBytes',
        `the PDF's text passes ${megabytes(limits.maxTextBytes)} by page ${number}; at most that much is read`,
      );
    }
  }
  await document.destroy();
  if (!pages.some((page) => page.trim())) {
    throw new PdfWithoutTextError(
      'This PDF has no text to read (is it a scanned image?); paste the report text instead',
    );
  }
  return pages;
}

interface PdfDocument {
  numPages: number;
  getPage(number: number): Promise<{ getTextContent(): Promise<{ items: unknown[] }> }>;
  destroy(): Promise<void>;
}
