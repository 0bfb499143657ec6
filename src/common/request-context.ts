import type { TokenScope } from '../auth/api-token.entity';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { TrustGrant } from '../auth/trust-access';
import type { User, UserRole } from '../users/user.entity';

/**
 * Who is asking and which request this is, for the audit trail, without threading them
 * through every call. Set at the start of each request; the guard fills in the user.
 */
export interface RequestState {
  requestId: string;
  user?: User;
  /** The trusts the caller may see and their role in each (auth/trust-access.ts); none if unset. */
  trusts?: TrustGrant;
  /** The roles the route allows, so a write can check the caller's role in the record's trust. */
  allowedRoles?: UserRole[];
  /** The session the request came with, if it came with one (not an API token). */
  sessionId?: number;
  /** The API token the request came with (none for a session): what it may hand on. */
  token?: { scope: TokenScope; expiresAt: string | null };
}

const storage = new AsyncLocalStorage<RequestState>();

export const RequestContext = {
  middleware(this: void, req: Request, res: Response, next: NextFunction): void {
    const supplied = req.headers['x-request-id'];
    const requestId =
      typeof supplied === 'string' && /^[\w-]{1,36}$/.test(supplied) ? supplied : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    storage.run({ requestId }, next);
  },
  current(): RequestState | undefined {
    return storage.getStore();
  },
  /**
   * Runs work outside a request (the command line) as if by `user`, holding the trusts it
   * declares (none unless it says so).
   */
  runAs<T>(user: User | undefined, work: () => Promise<T>, trusts?: TrustGrant): Promise<T> {
    return storage.run({ requestId: randomUUID(), user, trusts }, work);
  },
};
