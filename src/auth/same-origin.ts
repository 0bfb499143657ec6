import type { Request } from 'express';
import { AppError } from '../common/app-error';

/**
 * Refuses a sign-in posted from another site (login CSRF: a page elsewhere signing the victim
 * into the attacker's account, so that what they then type lands in it). Browsers say where a
 * post comes from in Sec-Fetch-Site (or, in older browsers, only Origin); a script or curl sends neither and is let
 * through, since it has no victim's browser to borrow.
 */
export function checkSameOriginSignIn(request: Request): void {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    // A page's script cannot set Sec-Fetch-Site, so the browser's word settles it. Origin is
    // not asked as well: under our `Referrer-Policy: no-referrer` browsers send `Origin: null`
    // even for the site's own form.
    if (site === 'same-origin' || site === 'none') return;
    throw crossSite(`the browser says it came from a ${site} page`);
  }
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    let host: string | null = null;
    try {
      host = origin === 'null' ? null : new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host.toLowerCase() !== (request.headers.host ?? '').toLowerCase()) {
      throw crossSite(`its Origin (${origin.slice(0, 100)}) is not this site`);
    }
  }
}

function crossSite(why: string): AppError {
  return new AppError(
    'CROSS_SITE_SIGN_IN',
    `Sign in from this site's own sign-in page: this request was refused because ${why}`,
  );
}
