import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../auth/roles';
import { CSRF_HEADER } from '../auth/auth.guard';
import { SESSION_COOKIE } from '../auth/sessions.service';
import { AppConfig } from '../config/configuration';
import { ErrorBodyDto } from './error-body';
import { OPERATION_SUMMARIES } from './openapi-summaries';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SAFE = new Set(['get', 'head', 'options']);
const ERROR_BODY = { $ref: '#/components/schemas/ErrorBodyDto' };

/** `ActionsController` + `postProgress` -> `actions_postProgress`: stable while names are. */
function operationId(controllerKey: string, methodKey: string): string {
  const feature = controllerKey.replace(/Controller$/, '');
  return `${feature.charAt(0).toLowerCase()}${feature.slice(1)}_${methodKey}`;
}

/** Where the running instance answers, for the document's `servers`. */
export function serverUrl(config: Pick<AppConfig, 'host' | 'port'>): string {
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * The OpenAPI document, built from the controllers and then completed in one place, so no
 * route can be left out: every operation gets a stable operationId, a summary, the security
 * it needs (an API token, or the session cookie plus its CSRF header on writes; public
 * routes say `security: []`), and the 401 and 403 answers the guard can give.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  config: Pick<AppConfig, 'host' | 'port'>,
): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CQC Action Tracker API')
      .setDescription(
        'Findings from CQC inspections, the actions that address them, their progress, evidence and assurance, ' +
          'and the delivery status derived from that history. Every error has the body { statusCode, code, message, errors? }. ' +
          'Versioned records (actions, findings) carry an ETag; send it back as If-Match to avoid lost updates.',
      )
      .setVersion('1')
      .addServer(serverUrl(config), 'This instance')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          // Nest's default says JWT; the tracker's tokens are opaque (cqct_ and random text).
          bearerFormat: 'opaque',
          description: 'A personal API token (cqct_...)',
        },
        'apiToken',
      )
      .addCookieAuth(
        SESSION_COOKIE,
        {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The session cookie set by POST /api/v1/auth/sign-in',
        },
        'session',
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: `The csrfToken from sign-in; every write made with the session cookie sends it (${CSRF_HEADER})`,
        },
        'csrf',
      )
      .build(),
    { extraModels: [ErrorBodyDto], operationIdFactory: operationId },
  );
  completeOperations(document);
  return document;
}

function completeOperations(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      const isPublic = extensions[PUBLIC_EXTENSION] === true;
      delete extensions[PUBLIC_EXTENSION];
      operation.summary ??=
        OPERATION_SUMMARIES[operation.operationId ?? ''] ?? `${method.toUpperCase()} ${path}`;
      operation.responses ??= {};
      if (isPublic) {
        operation.security = [];
        continue;
      }
      operation.security = SAFE.has(method)
        ? [{ apiToken: [] }, { session: [] }]
        : [{ apiToken: [] }, { session: [], csrf: [] }];
      operation.responses['401'] ??= {
        description: 'Not signed in, or the API token is unknown, expired or revoked',
        content: { 'application/json': { schema: ERROR_BODY } },
      };
      operation.responses['403'] ??= {
        description: "The caller's role, trust, or token scope does not allow this",
        content: { 'application/json': { schema: ERROR_BODY } },
      };
    }
  }
}
