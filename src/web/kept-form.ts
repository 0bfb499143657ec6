import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * A form posted after the session ended keeps what was typed. The fields wait here, keyed by a
 * random id held in a short-lived cookie, until the person has signed in again and opened the
 * form: it is shown filled in, and they press the button themselves (a post is never replayed).
 * Never kept: passwords, the CSRF token, files. The fields never go in a URL.
 *
 * They wait in this process's memory: with several app instances, a sign-in answered by
 * another instance finds nothing and the form comes back empty, as it did before.
 */
export const KEPT_FORM_COOKIE = 'tracker_kept_form';
const KEPT_MINUTES = 30;
const MAX_KEPT = 500;
const MAX_FIELD_CHARS = 20_000;

export interface KeptForm {
  /** The page to go back to (the form's own address). */
  page: string;
  fields: Record<string, string | string[]>;
  expires: number;
}

const kept = new Map<string, KeptForm>();

/**
 * The page showing a form, for forms that post somewhere else; a form that posts to its own
 * address (the usual case, `/actions/4/progress`) needs no entry.
 */
const FORM_PAGES: { post: RegExp; page: (fields: KeptForm['fields']) => string }[] = [
  {
    post: /^\/actions$/,
    page: (f) => `/actions/new?findingId=${encodeURIComponent(String(f.findingId ?? ''))}`,
  },
  { post: /^\/users$/, page: () => '/users/new' },
  { post: /^\/account\/tokens$/, page: () => '/account' },
  { post: /^\/reports\/issue$/, page: () => '/reports' },
  { post: /^\/cqc-inbox\/\d+\/dismiss$/, page: () => '/cqc-inbox' },
];

/** Fields never kept: secrets, and what a new session supplies afresh. */
function keepable(name: string): boolean {
  return !/password|^_csrf$|token|secret|^returnTo$/i.test(name);
}

/** Keeps a signed-out post's fields; answers the page to return to after signing in. */
export function keepForm(request: Request, response: Response): string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fields: KeptForm['fields'] = {};
  for (const [name, value] of Object.entries(body)) {
    if (!keepable(name)) continue;
    if (typeof value === 'string') fields[name] = value.slice(0, MAX_FIELD_CHARS);
    else if (Array.isArray(value))
      fields[name] = value.filter((v): v is string => typeof v === 'string');
  }
  const path = request.path;
  const page = FORM_PAGES.find((f) => f.post.test(path))?.page(fields) ?? path;
  purge();
  if (Object.keys(fields).length) {
    const id = randomBytes(24).toString('base64url');
    kept.set(id, { page, fields, expires: Date.now() + KEPT_MINUTES * 60_000 });
    response.cookie(KEPT_FORM_COOKIE, id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: request.secure,
      path: '/',
      maxAge: KEPT_MINUTES * 60_000,
    });
  }
  return page;
}

/** The kept form for this browser, if any (whatever page it is for). */
export function keptForm(request: Request): KeptForm | undefined {
  const id = (request.cookies as Record<string, unknown> | undefined)?.[KEPT_FORM_COOKIE];
  if (typeof id !== 'string') return undefined;
  const found = kept.get(id);
  if (!found || found.expires <= Date.now()) return undefined;
  return found;
}

/** Drops the kept form once it has been shown again (or the person signs out). */
export function forgetKeptForm(request: Request, response: Response): void {
  const id = (request.cookies as Record<string, unknown> | undefined)?.[KEPT_FORM_COOKIE];
  if (typeof id === 'string') kept.delete(id);
  response.clearCookie(KEPT_FORM_COOKIE, { path: '/' });
}

/**
 * The page's context with the kept fields in it: `values` (text, choices), a date input's
 * day/month/year (the context's `{ day, month, year }` of the same name), and the version the
 * person had read, so a change made meanwhile is still caught.
 */
export function withKeptFields(
  context: Record<string, unknown>,
  fields: KeptForm['fields'],
): Record<string, unknown> {
  const values = { ...((context.values as Record<string, unknown> | undefined) ?? {}), ...fields };
  const result: Record<string, unknown> = { ...context, values, keptForm: true };
  for (const [name, current] of Object.entries(context)) {
    if (current && typeof current === 'object' && 'day' in current && 'year' in current) {
      const part = (p: string) => fields[`${name}[${p}]`];
      if (part('day') !== undefined || part('year') !== undefined) {
        result[name] = {
          day: part('day') ?? '',
          month: part('month') ?? '',
          year: part('year') ?? '',
        };
      }
    }
  }
  if (typeof fields.version === 'string' && 'version' in context) {
    result.version = fields.version;
  }
  return result;
}

function purge(): void {
  const now = Date.now();
  for (const [id, form] of kept) if (form.expires <= now) kept.delete(id);
  // The oldest go first when many sign-outs happen at once.
  while (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
}
