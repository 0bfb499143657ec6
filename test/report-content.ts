import { createHash } from 'node:crypto';
import { ukDateTime } from '../src/common/words';
import { pdfPages } from '../src/imports/pdf-text';
import { checkedZipDirectory, unpackEntry } from '../src/imports/zip-directory';

/**
 * A report's content with only its generation time taken out, so two runs of the same report
 * compare equal exactly when they say the same thing. `window` is when the request was made:
 * an instant inside it printed in the report can only be the moment it was generated (every
 * edit a test makes happens before it asks), so only those are blanked, never a data time.
 */
export interface RequestWindow {
  from: number;
  to: number;
}

const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z/g;

/** An instant as the reports print it for people: "2 December 2026 at 16:45" (ukDateTime). */
const UK_INSTANT = /\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}/g;

export function withoutGenerationTime(text: string, window: RequestWindow): string {
  // The minutes the request spanned, as people read them; only those are blanked.
  const minutes = new Set<string>();
  for (let at = window.from - 60_000; at <= window.to + 60_000; at += 30_000)
    minutes.add(ukDateTime(new Date(at)));
  return text
    .replace(INSTANT, (instant) => {
      const at = Date.parse(instant);
      return at >= window.from - 1000 && at <= window.to + 1000 ? '<generated>' : instant;
    })
    .replace(UK_INSTANT, (instant) => (minutes.has(instant) ? '<generated>' : instant));
}

/**
 * PDFKit stamps CreationDate (a date string `(D:20261202081500Z)`, written as an object of its
 * own), the XMP metadata's CreateDate (PDF 1.4 and later) and so the file ID, a hash of it, with
 * the time of writing. All have a fixed length, so the cross-reference offsets do not move: blank
 * them and every other byte must be identical.
 */
export function pdfWithoutGenerationTime(pdf: Buffer): { sha256: string; bytes: number } {
  const text = pdf
    .toString('latin1')
    .replace(/\(D:\d{14}(?:Z|[+-]\d{2}'\d{2}'?)?\)/g, '(D:<generated>)')
    .replace(/<xmp:CreateDate>[^<]*<\/xmp:CreateDate>/g, '<xmp:CreateDate><generated>')
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/gi, '/ID [<generated>]');
  return { sha256: createHash('sha256').update(text, 'latin1').digest('hex'), bytes: pdf.length };
}

/** The PDF's text as pdf.js reads it, page by page: the readable half of a comparison. */
export async function pdfText(pdf: Buffer): Promise<string> {
  return (await pdfPages(pdf)).join('\n--- page ---\n');
}

/**
 * Every part of an XLSX (a ZIP of XML files) unpacked, with docProps' created and modified
 * times blanked. ZIP headers carry their own times, so parts are compared, not the archive.
 * Rows go on lines of their own so a difference reads as a diff.
 */
export function xlsxParts(xlsx: Buffer, window: RequestWindow): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const entry of checkedZipDirectory(xlsx)) {
    let xml = unpackEntry(xlsx, entry).toString('utf8');
    if (entry.name === 'docProps/core.xml') {
      xml = xml.replace(/<dcterms:(created|modified)([^>]*)>[^<]*</g, '<dcterms:$1$2><generated><');
    }
    parts[entry.name] = withoutGenerationTime(xml, window).replace(/<row /g, '\n<row ');
  }
  return parts;
}
