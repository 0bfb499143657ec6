import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../common/app-error';
import { RequestContext } from '../common/request-context';
import type { User, UserRole } from '../users/user.entity';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './roles';
import { SESSION_COOKIE, SessionsService } from './sessions.service';
import { TokensService } from './tokens.service';
import type { TokenScope } from './api-token.entity';
import { loadTrustGrant, TrustGrant } from './trust-access';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The one global guard. Works out who is asking (an API token in `Authorization: Bearer`, or
 * the session cookie), then allows the route only to the roles it names; a route that names
 * none is refused to everyone. Cookie-authenticated writes must carry the session's CSRF token.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;

    const identity = await this.identify(request);
    const allowed = this.reflector.getAllAndOverride<UserRole[]>(ROLES_KEY, targets) ?? [];
    let grant: TrustGrant | undefined;
    if (identity) {
      request.user = identity.user;
      request.sessionId = identity.sessionId;
      request.csrfToken = identity.csrfToken;
      grant = await loadTrustGrant(this.dataSource, identity.user);
      const state = RequestContext.current();
      if (state) {
        state.user = identity.user;
        state.trusts = grant;
        state.allowedRoles = allowed;
        state.sessionId = identity.sessionId;
        if (identity.scope)
          state.token = { scope: identity.scope, expiresAt: identity.expiresAt ?? null };
      }
    }
    if (isPublic) return true;
    if (!identity) {
      throw new AppError(
        'AUTHENTICATION_REQUIRED',
        'Sign in, or send an API token as "Authorization: Bearer ..."',
      );
    }
    if (identity.scope === 'read' && !SAFE_METHODS.has(request.method)) {
      throw new AppError(
        'TOKEN_SCOPE_INSUFFICIENT',
        'This API token has scope read, which only reads; make a read-write token to change things',
      );
    }
    // An admin's token without scope admin cannot reach what only an admin may do.
    if (
      identity.scope &&
      identity.scope !== 'admin' &&
      identity.user.role === 'admin' &&
      !allowed.length
    ) {
      throw new AppError(
        'TOKEN_SCOPE_INSUFFICIENT',
        `Only an admin may do this, with a token of scope admin; this token has scope ${identity.scope}`,
      );
    }
    if (
      identity.csrfToken &&
      !SAFE_METHODS.has(request.method) &&
      !sameSecret(csrfOf(request), identity.csrfToken)
    ) {
      throw new AppError(
        'CSRF_TOKEN_INVALID',
        `A signed-in form or request must send its CSRF token (${CSRF_HEADER} header or _csrf field)`,
      );
    }
    // A form's CSRF field has done its job; DTOs do not expect it.
    if (request.body && typeof request.body === 'object')
      delete (request.body as Record<string, unknown>)._csrf;
    // A route opens to a role held anywhere; each record's trust then checks the role held
    // there (TrustAccess.requireWritable).
    const held = new Set<UserRole>([identity.user.role, ...(grant?.roles.values() ?? [])]);
    if (identity.user.role !== 'admin' && !allowed.some((role) => held.has(role))) {
      throw new AppError(
        'ROLE_NOT_ALLOWED',
        allowed.length
          ? `This needs one of the roles: ${['admin', ...allowed].join(', ')}; you are ${identity.user.role}`
          : 'Only an admin may do this',
      );
    }
    return true;
  }

  private async identify(request: AuthenticatedRequest): Promise<{
    user: User;
    sessionId?: number;
    csrfToken?: string;
    scope?: TokenScope;
    expiresAt?: string | null;
  } | null> {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const found = match ? await this.tokens.resolve(match[1]) : null;
      if (!found || !found.user.active)
        throw new AppError('AUTHENTICATION_REQUIRED', 'That API token is not valid');
      return found;
    }
    const secret = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (!secret) return null;
    const found = await this.sessions.resolve(secret);
    if (!found || !found.user.active) return null;
    return { user: found.user, sessionId: found.session.id, csrfToken: found.session.csrfToken };
  }
}

function csrfOf(request: AuthenticatedRequest): string | undefined {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string') return header;
  const field = (request.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof field === 'string') return field;
  // A file-upload form's body is parsed after this guard runs, and the header's sign-out
  // button cannot hold a hidden field, so a page's form may put the token in its action's
  // query string instead. (Helmet sends Referrer-Policy: no-referrer, so it does not leak.)
  const query = (request.query as Record<string, unknown> | undefined)?._csrf;
  return isHtmlForm(request) && typeof query === 'string' ? query : undefined;
}

function isHtmlForm(request: AuthenticatedRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return (
    type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')
  );
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
