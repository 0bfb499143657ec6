import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EvidenceDownload } from './evidence-files.service';

/**
 * Sends a kept document (API and pages alike) as an attachment: never shown inline, never
 * sniffed into another type, under the type read from its bytes, with its hash so whoever
 * keeps a copy can show it is the one submitted.
 */
export async function sendEvidenceFile(response: Response, file: EvidenceDownload): Promise<void> {
  const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  response.setHeader('Content-Type', file.mediaType);
  response.setHeader(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRFC5987(file.fileName)}`,
  );
  response.setHeader('Content-Length', String(file.content.length));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('ETag', `"sha256-${file.sha256}"`);
  response.setHeader('X-Content-SHA256', file.sha256);
  response.setHeader(
    'Repr-Digest',
    `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`,
  );
  response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  response.setHeader('Cache-Control', 'private, no-store');
  await pipeline(Readable.from([file.content]), response);
}

/** RFC 5987 / 8187 encoding of a file name: UTF-8, percent-encoded, nothing left to quote. */
function encodeRFC5987(name: string): string {
  return encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
