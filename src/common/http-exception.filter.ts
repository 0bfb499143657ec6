import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { refusalToRecord } from '../auth/refusal-budget';
import { Transactions } from '../database/transactions';
import { keepForm } from '../web/kept-form';
import { PageRenderer } from '../web/page-renderer';
import { AppError, ErrorCode, errorStatus } from './app-error';
import { ErrorBodyDto } from './error-body';

/**
 * Turns every thrown error into `{ statusCode, code, message, errors? }`. Errors the app
 * raises on purpose keep their code; anything else is logged and answered 500 with no
 * internals.
 */
@Injectable()
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly pages: PageRenderer,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode === 403) await this.recordRefusal(http.getRequest<Request>(), body);
    // A refusal that knows when to come back (503 SIGN_IN_BUSY, IMPORTS_BUSY) says so, and is no fault to log.
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    if (body.statusCode >= 500 && typeof retryAfter !== 'number') {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : exception,
      );
    }
    // A busy database is a moment's wait, not a fault: say when to try again.
    if (body.statusCode === 503 && typeof retryAfter !== 'number') {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    const request = http.getRequest<Request>();
    if (isPageRequest(request)) return this.renderPage(request, response, body);
    response.status(body.statusCode).json(body);
  }

  /** People using the pages get a page, not JSON: sign-in when they need it, or an explanation. */
  private renderPage(request: Request, response: Response, body: ErrorBodyDto): void {
    if (body.code === 'AUTHENTICATION_REQUIRED') {
      // A form sent after the session ended keeps what was typed, for the form shown again
      // after signing in.
      const returnTo = request.method === 'GET' ? request.originalUrl : keepForm(request, response);
      return response.redirect(303, `/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
    }
    const title =
      body.statusCode === 404
        ? 'Page not found'
        : body.statusCode === 403
          ? 'You cannot do that'
          : body.statusCode >= 500
            ? 'Sorry, there is a problem with the service'
            : 'That could not be done';
    this.pages.render(request, response, 'error', { title, error: body }, body.statusCode);
  }

  /** Every refusal goes in the audit trail, after the refused change has been rolled back. */
  private async recordRefusal(request: Request, body: ErrorBodyDto): Promise<void> {
    try {
      await this.transactions.run(async (manager) => {
        // Rate-limited per user, so a looping script cannot fill the audit table.
        const verdict = await refusalToRecord(manager, request.ip ?? 'unknown');
        if (verdict === 'skip') return;
        const more =
          verdict === 'record-last' ? ' (further refusals for 10 minutes not recorded)' : '';
        await this.audit.record(manager, {
          action: 'refused',
          entity: 'request',
          summary: `${body.code}: ${request.method} ${request.originalUrl}`.slice(0, 440) + more,
        });
      });
    } catch (error) {
      this.logger.error(`Could not record a refusal in the audit trail: ${String(error)}`);
    }
  }

  private toBody(exception: unknown): ErrorBodyDto {
    if (exception instanceof AppError) {
      return {
        statusCode: errorStatus(exception.code),
        code: exception.code,
        message: exception.message,
        // Field and reason only: a problem's constraint and missing mark are for the pages.
        ...(exception.errors
          ? { errors: exception.errors.map(({ field, reason }) => ({ field, reason })) }
          : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // multer's "File too large" says nothing about the limit; this does.
      const message =
        status === 413 && /file too large/i.test(exception.message)
          ? 'The file is larger than 20 MB, the most an import takes'
          : exception.message;
      return { statusCode: status, code: codeForHttpStatus(status), message };
    }
    if (exception instanceof QueryFailedError && isUniqueViolation(exception)) {
      // Two requests raced to create the same thing; the checks before the insert saw neither.
      return body(
        'ALREADY_EXISTS',
        'That already exists (it was created by another request just now)',
      );
    }
    const nullColumn = exception instanceof QueryFailedError ? notNullColumn(exception) : null;
    if (nullColumn) {
      // A partial update sent null for a required field: class-validator lets null through
      // @IsOptional, and the column refuses it. The transaction rolled back; name the field.
      const field = nullColumn.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
      return {
        ...body('VALIDATION_FAILED', `${field} must not be null`),
        errors: [{ field, reason: 'must not be null' }],
      };
    }
    if (isDatabaseBusy(exception)) {
      return body('DATABASE_UNAVAILABLE', 'The database is busy; try again shortly');
    }
    if (exception instanceof QueryFailedError && isConnectionFailure(exception)) {
      return body('DATABASE_UNAVAILABLE', 'The database is not available; try again shortly');
    }
    if (isConnectionFailure(exception)) {
      return body('DATABASE_UNAVAILABLE', 'The database is not available; try again shortly');
    }
    return body('INTERNAL_ERROR', 'Something went wrong on our side; it has been logged');
  }
}

/** The API and health check answer JSON; everything else is a page for people. */
function isPageRequest(request: Request): boolean {
  return !request.path.startsWith('/api/') && request.path !== '/health';
}

function body(code: ErrorCode, message: string): ErrorBodyDto {
  return { statusCode: errorStatus(code), code, message };
}

/** Framework errors (unknown route, unreadable body) get codes in the house style too. */
const CODES_FOR_HTTP_STATUS: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: 'MALFORMED_BODY',
  [HttpStatus.NOT_FOUND]: 'ROUTE_NOT_FOUND',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
};

function codeForHttpStatus(status: number): string {
  return CODES_FOR_HTTP_STATUS[status] ?? HttpStatus[status] ?? 'HTTP_ERROR';
}

/** Seconds a client is asked to wait before retrying a 503. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The database could not take the request just now: SQLite locked or busy past the busy
 * timeout, a PostgreSQL statement cancelled by its timeout (57014) or a lock not available
 * (55P03), or no pooled connection free within the pool's wait.
 */
function isDatabaseBusy(error: unknown): boolean {
  type Coded = { code?: unknown; message?: unknown };
  const outer = error as (Coded & { driverError?: Coded }) | null;
  const driverError = outer?.driverError;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const code = text(driverError?.code) || text(outer?.code);
  const message = text(driverError?.message) || text(outer?.message);
  return (
    ['SQLITE_BUSY', 'SQLITE_LOCKED', '57014', '55P03'].includes(code) ||
    /SQLITE_(BUSY|LOCKED)/.test(message) ||
    /timeout exceeded when trying to connect/i.test(message)
  );
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(code)
  );
}

/** The column of a NOT NULL violation (PostgreSQL 23502, or SQLite's message), if it is one. */
function notNullColumn(error: Error): string | null {
  const driverError = (
    error as { driverError?: { code?: string; column?: string; message?: string } }
  ).driverError;
  if (driverError?.code === '23502' && driverError.column) return driverError.column;
  return (
    /NOT NULL constraint failed: \w+\.(\w+)/.exec(driverError?.message ?? error.message)?.[1] ??
    null
  );
}

function isUniqueViolation(error: Error): boolean {
  const driverError = (error as { driverError?: { code?: string; message?: string } }).driverError;
  return (
    driverError?.code === '23505' ||
    /UNIQUE constraint failed/.test(driverError?.message ?? error.message)
  );
}
