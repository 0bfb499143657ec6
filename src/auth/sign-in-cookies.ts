import type { Request, Response } from 'express';
import { DEVICE_COOKIE, DEVICE_MAX_AGE_MS } from './known-devices.service';
import { SESSION_COOKIE } from './sessions.service';

/** The browser's device cookie, if it sent one (see KnownDevice). */
export function deviceSecretOf(request: Request): string | undefined {
  const value = (request.cookies as Record<string, unknown> | undefined)?.[DEVICE_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

/** Sets the session cookie, and the device cookie when this browser has just become known. */
export function setSignInCookies(
  request: Request,
  response: Response,
  signedIn: { secret: string; deviceSecret: string | null },
  sessionMaxAgeMs: number,
): void {
  const base = { httpOnly: true, sameSite: 'lax' as const, secure: request.secure, path: '/' };
  response.cookie(SESSION_COOKIE, signedIn.secret, { ...base, maxAge: sessionMaxAgeMs });
  if (signedIn.deviceSecret) {
    response.cookie(DEVICE_COOKIE, signedIn.deviceSecret, { ...base, maxAge: DEVICE_MAX_AGE_MS });
  }
}
