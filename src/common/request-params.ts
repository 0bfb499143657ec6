import {
  createParamDecorator,
  ExecutionContext,
  Param,
  ParseIntPipe,
  PipeTransform,
} from '@nestjs/common';
import type { Request } from 'express';
import { AppError, validationFailed } from './app-error';
import { MAX_ID } from './validators';

/** A numeric path id; anything else, or one no row could have, is a 400 naming the parameter. */
export function IdParam(name = 'id') {
  const inRange: PipeTransform<number, number> = {
    transform: (value) => {
      if (value < 1 || value > MAX_ID) {
        throw validationFailed(name, `must be a whole number from 1 to ${MAX_ID}`);
      }
      return value;
    },
  };
  return Param(
    name,
    new ParseIntPipe({ exceptionFactory: () => validationFailed(name, 'must be a whole number') }),
    inRange,
  );
}

/**
 * The version named in an `If-Match` header (`"3"`, `W/"3"`, `3`, or an ETag as given,
 * `W/"3-1a2b3c4d"`), or undefined. A header
 * that names no version is a 400 rather than being ignored, so a client never believes it is
 * protected when it is not.
 */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)(?:-[0-9a-f]+)?"?$/.exec(String(header).trim());
  if (!match)
    throw validationFailed('If-Match', `must name a version such as "3"; got ${String(header)}`);
  return Number(match[1]);
});

/**
 * The version a write expects: the body's `version` or the `If-Match` header's. When both are
 * sent they must agree: one of them is stale otherwise, and a stale precondition silently
 * dropped would let a lost update through. 409, like any stale version.
 */
export function expectedVersion(
  bodyVersion: number | undefined,
  ifMatch: number | undefined,
): number | undefined {
  if (bodyVersion !== undefined && ifMatch !== undefined && bodyVersion !== ifMatch)
    throw new AppError(
      'VERSION_CONFLICT',
      `If-Match names version ${ifMatch} but the body's version is ${bodyVersion}; send the version you last read, in one of them or both alike`,
      [{ field: 'If-Match', reason: `names version ${ifMatch}, the body ${bodyVersion}` }],
    );
  return bodyVersion ?? ifMatch;
}
