import { createParamDecorator, ExecutionContext, Param, ParseIntPipe } from '@nestjs/common';
import type { Request } from 'express';
import { validationFailed } from './app-error';

/** A numeric path id; anything else is a 400 naming the parameter. */
export function IdParam(name = 'id') {
  return Param(
    name,
    new ParseIntPipe({ exceptionFactory: () => validationFailed(name, 'must be a whole number') }),
  );
}

/**
 * The version named in an `If-Match` header (`"3"`, `W/"3"` or `3`), or undefined. A header
 * that names no version is a 400 rather than being ignored, so a client never believes it is
 * protected when it is not.
 */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(String(header).trim());
  if (!match)
    throw validationFailed('If-Match', `must name a version such as "3"; got ${String(header)}`);
  return Number(match[1]);
});
