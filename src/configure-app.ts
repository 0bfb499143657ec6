import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import path from 'node:path';
import { ErrorCode, errorStatus } from './common/app-error';
import { buildOpenApiDocument } from './common/openapi';
import { ErrorBodyDto } from './common/error-body';
import { refuseNulBytes, TooDeepError, verifyJsonDepth } from './common/request-bounds';
import { RequestContext } from './common/request-context';
import { noStore, securityHeaders } from './common/security-headers';
import { AppConfig } from './config/configuration';
import { NHSUK_DIST_DIR, PUBLIC_DIR } from './web/views';

/** Bodies above this are refused before parsing; fields have their own, smaller limits. */
export const BODY_LIMIT = '5mb';

/**
 * What main.ts and the tests both apply to the Nest app: body parsing with a size limit and
 * errors in the house shape, and the OpenAPI document.
 */
export function configureApp(
  app: INestApplication,
  config: Pick<AppConfig, 'trustProxy' | 'host' | 'port'>,
): void {
  const server = app.getHttpAdapter().getInstance() as express.Express;
  // Behind a TLS-terminating proxy, req.secure (and so the Secure cookie flag) follows X-Forwarded-Proto.
  server.set('trust proxy', config.trustProxy);
  server.disable('x-powered-by');
  // Helmet's headers, with a nonce-based script policy on the app's pages (security-headers.ts).
  app.use(securityHeaders());
  // The NHS.UK design system's styles, scripts and icons, and the tracker's few additions.
  const staticOptions = { index: false, maxAge: '1h' };
  app.use('/assets', express.static(path.join(NHSUK_DIST_DIR, 'nhsuk', 'assets'), staticOptions));
  app.use('/nhsuk', express.static(path.join(NHSUK_DIST_DIR, 'nhsuk'), staticOptions));
  if (PUBLIC_DIR) app.use('/public', express.static(PUBLIC_DIR, staticOptions));
  app.use(noStore);
  app.use(RequestContext.middleware);
  app.use(cookieParser());
  // Nesting is measured on the raw bytes, before JSON.parse (request-bounds.ts).
  app.use(express.json({ limit: BODY_LIMIT, verify: verifyJsonDepth }));
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT }));
  // Body-parser errors happen before Nest routes the request, so they are shaped here.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const type = (error as { type?: string }).type;
    const code: ErrorCode = type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_BODY';
    const message =
      code === 'PAYLOAD_TOO_LARGE'
        ? `The request body is larger than ${BODY_LIMIT}`
        : error instanceof TooDeepError
          ? error.message
          : 'The request body is not valid JSON';
    const body: ErrorBodyDto = { statusCode: errorStatus(code), code, message };
    res.status(body.statusCode).json(body);
  });

  app.use(refuseNulBytes);

  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
