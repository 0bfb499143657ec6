import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode, errorStatus } from './app-error';
import { ErrorBodyDto } from './error-body';

/**
 * Turns every thrown error into `{ statusCode, code, message, errors? }`. Errors the app
 * raises on purpose keep their code; anything else is logged and answered 500 with no
 * internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : exception,
      );
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBodyDto {
    if (exception instanceof AppError) {
      return {
        statusCode: errorStatus(exception.code),
        code: exception.code,
        message: exception.message,
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { statusCode: status, code: codeForHttpStatus(status), message: exception.message };
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

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(code)
  );
}
