import type { Response } from 'express';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transactions } from '../database/transactions';

/**
 * How every report download is sent. Issue 14: an export that wrote with `.pipe` and waited
 * for 'drain' waited forever once its client closed the tab, inside its snapshot transaction,
 * and on SQLite every later write queued behind it. Here:
 *
 * - bytes go out through `stream.pipeline`, which tears the whole chain down when the client
 *   goes away, instead of leaving a writer waiting;
 * - the client going away aborts the snapshot (`Transactions.snapshot(work, signal)`): its
 *   running query is cancelled and its transaction ended at once;
 * - the snapshot itself is capped (five minutes), and on PostgreSQL statement and
 *   idle-in-transaction timeouts bound whatever is left.
 */
export interface DownloadHeaders {
  contentType: string;
  fileName: string;
}

/** An AbortSignal that fires when the client goes away before the response is complete. */
function clientGone(response: Response): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) controller.abort(new Error('The client went away'));
  };
  response.once('close', onClose);
  return { signal: controller.signal, dispose: () => response.off('close', onClose) };
}

function setHeaders(response: Response, headers: DownloadHeaders): void {
  response.setHeader('Content-Type', headers.contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${headers.fileName}"`);
}

/**
 * Streams rows as they are read: `write` writes the document to `out` and resolves when it
 * has written the last byte. Headers go first, so problems with the request must be found
 * before (validation does that).
 */
export async function streamDownload(
  response: Response,
  transactions: Transactions,
  headers: DownloadHeaders,
  write: (out: Writable) => Promise<unknown>,
): Promise<void> {
  const gone = clientGone(response);
  setHeaders(response, headers);
  const body = new PassThrough();
  try {
    await transactions.snapshot(async () => {
      const writing = write(body).then(() => {
        if (!body.writableEnded) body.end();
      });
      // Either failing (the client left: pipeline rejects) ends the snapshot at once.
      await Promise.all([pipeline(body, response), writing]);
    }, gone.signal);
  } catch (error) {
    body.destroy();
    if (gone.signal.aborted) return; // nobody is left to answer
    if (response.headersSent) {
      // Part of the file has gone: a broken connection tells the client it is incomplete.
      response.destroy(error as Error);
      return;
    }
    throw error;
  } finally {
    gone.dispose();
  }
}

/**
 * Builds a document whole inside the snapshot (so a missing organisation is still a clean
 * 404), then sends it. The client leaving during the build aborts the snapshot too.
 */
export async function builtDownload(
  response: Response,
  transactions: Transactions,
  headers: DownloadHeaders | (() => DownloadHeaders),
  build: (out: Writable) => Promise<unknown>,
): Promise<void> {
  const gone = clientGone(response);
  try {
    const document = await transactions.snapshot(() => collect(build), gone.signal);
    setHeaders(response, typeof headers === 'function' ? headers() : headers);
    await pipeline(Readable.from([document]), response);
  } catch (error) {
    if (gone.signal.aborted) return;
    throw error;
  } finally {
    gone.dispose();
  }
}

/** What `build` writes, as one Buffer; the stream is ended for builders that leave it open. */
export async function collect(build: (out: Writable) => Promise<unknown>): Promise<Buffer> {
  const sink = new PassThrough();
  const gathered = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of sink) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  try {
    await build(sink);
  } catch (error) {
    sink.destroy();
    gathered.catch(() => undefined);
    throw error;
  }
  if (!sink.writableEnded) sink.end();
  return gathered;
}
