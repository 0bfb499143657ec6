import { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { addDays, daysBetween, endOfDay, isIsoDate } from './dates';
import { HttpExceptionFilter } from './http-exception.filter';
import { AppError } from './app-error';
import { containsPattern } from './sql';

describe('dates', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('31/03/2026')).toBe(false);
  });

  it('does day arithmetic across month ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
    expect(endOfDay('2026-01-01')).toBe('2026-01-01T23:59:59.999Z');
  });
});

describe('containsPattern', () => {
  it('escapes LIKE wildcards so they match themselves', () => {
    expect(containsPattern('100%_done\\')).toBe('%100\\%\\_done\\\\%');
  });
});

describe('HttpExceptionFilter', () => {
  async function respond(exception: unknown) {
    let status = 0;
    let body: unknown;
    const headers: Record<string, string> = {};
    const response = {
      setHeader: (name: string, value: string) => {
        headers[name] = value;
      },
      status: (code: number) => {
        status = code;
        return response;
      },
      json: (value: unknown) => {
        body = value;
      },
    };
    const host = {
      switchToHttp: () => ({
        getResponse: () => response,
        getRequest: () => ({ path: '/api/v1/actions', method: 'GET' }),
      }),
    } as unknown as ArgumentsHost;
    // No database here: a refusal (403) would be audited, but these cases are not refusals.
    const filter = new HttpExceptionFilter(
      {} as ConstructorParameters<typeof HttpExceptionFilter>[0],
      {} as ConstructorParameters<typeof HttpExceptionFilter>[1],
      {} as ConstructorParameters<typeof HttpExceptionFilter>[2],
    );
    jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);
    await filter.catch(exception, host);
    return { status, body, headers };
  }

  it('answers an unexpected error 500 with no internals', async () => {
    const { status, body } = await respond(
      new Error('SQLITE_CONSTRAINT at /work/main/src/secret.ts:12'),
    );
    expect(status).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Something went wrong on our side; it has been logged',
    });
  });

  it('keeps the code and field problems of a deliberate error', async () => {
    const { status, body } = await respond(
      new AppError('VERSION_CONFLICT', 'stale', [{ field: 'version', reason: 'old' }]),
    );
    expect(status).toBe(409);
    expect(body).toEqual({
      statusCode: 409,
      code: 'VERSION_CONFLICT',
      message: 'stale',
      errors: [{ field: 'version', reason: 'old' }],
    });
  });

  it('answers a unique-constraint race 409, not 500', async () => {
    const race = new QueryFailedError(
      'INSERT ...',
      [],
      Object.assign(new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: app_user.email'), {
        code: 'SQLITE_CONSTRAINT',
      }),
    );
    expect(await respond(race)).toMatchObject({ status: 409, body: { code: 'ALREADY_EXISTS' } });
    const pgRace = new QueryFailedError(
      'INSERT ...',
      [],
      Object.assign(new Error('duplicate key value'), { code: '23505' }),
    );
    expect((await respond(pgRace)).status).toBe(409);
  });

  it('answers 503 with Retry-After when the database connection is refused', async () => {
    const { status, headers } = await respond(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(status).toBe(503);
    expect(Number(headers['Retry-After'])).toBeGreaterThan(0);
  });
});
