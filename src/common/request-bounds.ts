import type { NextFunction, Request, Response } from 'express';
import { ErrorBodyDto } from './error-body';

/** No request the tracker understands nests deeper than this; deeper is an attack or a bug. */
export const MAX_JSON_DEPTH = 32;

/** What body-parser's `verify` throws; the error handler in configure-app.ts shapes it. */
export class TooDeepError extends Error {
  readonly type = 'entity.too.deep';
  readonly status = 400;
  constructor() {
    super(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/**
 * Measures the nesting of raw JSON bytes before JSON.parse builds anything (and before
 * validation recurses into it): one pass, skipping strings, so a 5 MB body of `[[[[...` is
 * refused without a deep parse or a stack overflow.
 */
export function jsonDepthExceeds(raw: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

/** body-parser's `verify` hook for JSON bodies. */
export function verifyJsonDepth(_req: unknown, _res: unknown, raw: Buffer): void {
  if (jsonDepthExceeds(raw)) throw new TooDeepError();
}

/** The first place a NUL character appears in a parsed value, as a field path, or null. */
export function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'value' : null;
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return null;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return childPath;
    const found = findNul(child, childPath, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * NUL characters are refused everywhere a request carries text: PostgreSQL cannot store them
 * in text (a 500 there), SQLite stored them silently, and no person types one. Runs after the
 * body parsers; multipart bodies are checked field by field when their DTO validates.
 */
export function refuseNulBytes(request: Request, response: Response, next: NextFunction): void {
  const pathPart = request.originalUrl.split('?')[0];
  const field =
    (/%00/.test(pathPart) && 'path') || findNul(request.query, '') || findNul(request.body, '');
  if (!field) return next();
  const body: ErrorBodyDto = {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: 'The request is not valid',
    errors: [{ field, reason: 'must not contain a NUL character' }],
  };
  response.status(400).json(body);
}
