import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import nunjucks from 'nunjucks';
import type { AuthenticatedRequest } from '../auth/roles';
import type { UserRole } from '../users/user.entity';
import { cspNonce } from '../common/security-headers';
import { currentTrustOfRequest } from './trust-scope';
import { forgetKeptForm, keptForm, withKeptFields } from './kept-form';
import { createViewEnvironment } from './views';

interface NavItem {
  href: string;
  text: string;
  roles?: UserRole[];
}

/** The header's links; each page is shown only to the roles that can use it. */
const NAVIGATION: NavItem[] = [
  { href: '/', text: 'Home' },
  { href: '/actions', text: 'Actions' },
  { href: '/findings', text: 'Findings' },
  { href: '/reports', text: 'Reports' },
  { href: '/import', text: 'Import', roles: ['quality_lead'] },
  { href: '/cqc-inbox', text: 'CQC inbox', roles: ['quality_lead'] },
  { href: '/people', text: 'People', roles: ['quality_lead'] },
  { href: '/users', text: 'Users', roles: [] },
  { href: '/audit', text: 'Audit trail', roles: [] },
];

/** Messages shown once after a form succeeds and redirects (`?done=...`). */
const DONE_MESSAGES: Record<string, string> = {
  progress: 'Your update has been posted.',
  comment: 'Your comment has been added.',
  linked: 'The findings this action addresses have been saved.',
  evidence: 'The evidence has been added.',
  review: 'The evidence has been reviewed.',
  assured: 'The action has been assured.',
  'due-date': 'The due date has been changed.',
  assigned: 'The owner and executive lead have been saved.',
  created: 'The action has been created.',
  imported: 'The import has been stored.',
  'inbox-dismissed': 'The CQC inbox item has been dismissed.',
  issued: 'The report has been issued and kept as issued.',
  'user-created': 'The user has been created.',
  'user-updated': 'The user has been updated.',
  'token-revoked': 'The API token has been revoked.',
  'feed-revoked': 'The calendar link has been turned off.',
  reassigned: 'The actions have been reassigned.',
  // The record's pages (core services, findings, trusts, bulk planning).
  'reinspection-set': 'The reinspection date has been saved.',
  'core-service-renamed': 'The core service has been renamed.',
  'core-service-added': 'The core service has been added.',
  'ratings-recorded': 'The new ratings have been recorded.',
  'finding-added': 'The finding has been added.',
  'finding-corrected': 'The finding has been corrected.',
  'trust-created': 'The trust has been created. Add its people on the Users page.',
  planned: 'The actions have been planned.',
  'due-date-requested':
    'Your request has been recorded. The executive lead will see it on their home page.',
  'due-date-agreed': 'The request has been agreed and the due date moved.',
  'due-date-refused': 'The request has been refused; the due date stays as it was.',
  'details-changed': 'The details have been saved.',
  cancelled: 'The action has been cancelled.',
};

export function canSee(role: UserRole, roles?: UserRole[]): boolean {
  return role === 'admin' || !roles || roles.includes(role);
}

/** Renders a page inside the NHS.UK layout, with what every page needs: who is signed in, the navigation and the form token. */
@Injectable()
export class PageRenderer {
  private readonly environment: nunjucks.Environment = createViewEnvironment();

  render(
    request: AuthenticatedRequest,
    response: Response,
    view: string,
    context: Record<string, unknown>,
    status = 200,
  ): void {
    const kept = keptForm(request);
    if (kept && !request.user) {
      context = { ...context, keptFormWaiting: true };
    } else if (kept && request.method === 'GET' && kept.page === request.originalUrl) {
      // Back at the form after signing in again: shown as typed, sent only by the person.
      context = withKeptFields(context, kept.fields);
      forgetKeptForm(request, response);
    }
    response
      .status(status)
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .send(this.toHtml(request, view, { ...context, cspNonce: cspNonce(response) }));
  }

  toHtml(request: AuthenticatedRequest, view: string, context: Record<string, unknown>): string {
    const user = request.user;
    const path = request.path;
    const done = typeof request.query?.done === 'string' ? DONE_MESSAGES[request.query.done] : null;
    const navigation = user
      ? NAVIGATION.filter((item) => canSee(user.role, item.roles)).map((item) => ({
          href: item.href,
          text: item.text,
          current: item.href === '/' ? path === '/' : path.startsWith(item.href),
        }))
      : [];
    const scope = context.scope as { current?: { name: string } | null } | undefined;
    return this.environment.render(`pages/${view}.njk`, {
      user,
      // The footer names the trust the page shows, else the one the person is working in.
      footerTrust: user ? (scope?.current?.name ?? currentTrustOfRequest()?.name ?? null) : null,
      csrfToken: request.csrfToken ?? '',
      navigation,
      doneMessage: done ?? null,
      currentUrl: request.originalUrl,
      ...context,
    });
  }
}
