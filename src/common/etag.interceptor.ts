import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { map, Observable } from 'rxjs';

/**
 * A versioned record's answer carries an ETag that names its version: `W/"3-1a2b3c4d"`. The
 * version is what `If-Match` takes back (request-params.ts reads `W/"3-..."`, `"3"` or `3`), so
 * a client can copy the ETag it was given. The digest after it covers what a version alone
 * does not: derived fields (an action becomes overdue with no new version) and an as-at view.
 * Express answers a GET whose `If-None-Match` names the ETag with 304 (req.fresh), as it does
 * for any ETag set before res.send.
 */
export function etagOf(version: number, body: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12);
  return `W/"${version}-${digest}"`;
}

function versionOf(body: unknown): number | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { id, version } = body as { id?: unknown; version?: unknown };
  return typeof id === 'number' && typeof version === 'number' ? version : undefined;
}

@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = versionOf(body);
        if (version !== undefined && !response.headersSent)
          response.setHeader('ETag', etagOf(version, body));
        return body;
      }),
    );
  }
}
