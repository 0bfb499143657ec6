import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { User, UserRole } from '../users/user.entity';

export const ROLES_KEY = 'allowedRoles';
export const PUBLIC_KEY = 'public';

/**
 * The roles that may call a route; admin always may. The global guard refuses every route
 * that does not say, so a new route is closed until someone decides who may use it.
 */
export const Allow = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

/** Marks a public route in the OpenAPI document, which then declares it needs no security. */
export const PUBLIC_EXTENSION = 'x-public';

/** A route anyone may call without signing in (health, sign-in, API docs). */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));

/** Everyone who can sign in reads everything. */
export const READ_ROLES: UserRole[] = ['quality_lead', 'executive', 'owner', 'viewer'];

export interface AuthenticatedRequest extends Request {
  user?: User;
  sessionId?: number;
  /** The session's CSRF token, which the pages put in every form they render. */
  csrfToken?: string;
}

/** The signed-in user (the guard has already refused anyone else). */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): User => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without authentication');
  return user;
});
