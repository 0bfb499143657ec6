import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { randomBytes } from 'node:crypto';

/** Where Swagger UI lives: the only pages that get a relaxed script policy. */
export const API_DOCS_PATH = '/api/docs';

/**
 * The policy for a downloaded board report: a static document with inline styles and data:
 * chart images, and no script at all, wherever it is opened.
 */
export const STATIC_DOCUMENT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The nonce a page's own `<script>` tags carry; set per request by {@link securityHeaders}. */
export function cspNonce(response: Response): string {
  return (response.locals as { cspNonce?: string }).cspNonce ?? '';
}

const COMMON_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'self'"],
  'form-action': ["'self'"],
  // The charts are inline SVG and the design system sets a few inline styles.
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  // Trusts often serve intranet tools over plain HTTP behind their own network;
  // upgrading would break every stylesheet there. TLS is the proxy's job.
  'upgrade-insecure-requests': null,
};

/**
 * Helmet's headers with a Content Security Policy that lets no inline script run on the app's
 * own pages: a script needs to come from the app or carry this request's nonce, so markup
 * that slipped into a page could not execute. Swagger UI needs inline scripts, so only
 * /api/docs gets 'unsafe-inline', and it shows no stored data.
 */
export function securityHeaders(): RequestHandler {
  const pages = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        ...COMMON_DIRECTIVES,
        'script-src': ["'self'", (_req, res) => `'nonce-${cspNonce(res as Response)}'`],
        'script-src-attr': ["'none'"],
      },
    },
  });
  const apiDocs = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        ...COMMON_DIRECTIVES,
        'style-src': ["'self'", "'unsafe-inline'", 'https:'],
        'script-src': ["'self'", "'unsafe-inline'"],
      },
    },
  });
  return (request: Request, response: Response, next: NextFunction) => {
    response.locals.cspNonce = randomBytes(16).toString('base64');
    const isApiDocs =
      request.path === API_DOCS_PATH || request.path.startsWith(`${API_DOCS_PATH}/`);
    return (isApiDocs ? apiDocs : pages)(request, response, next);
  };
}

/**
 * Every answer but the static assets says `Cache-Control: no-store`: API answers carry
 * people's data and, once, new tokens; downloads carry whole plans. Registered after the
 * static file handlers, which answer first with their own caching.
 */
export function noStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}
