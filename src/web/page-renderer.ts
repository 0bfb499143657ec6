import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import nunjucks from 'nunjucks';
import type { AuthenticatedRequest } from '../auth/roles';
import type { UserRole } from '../users/user.entity';
import { cspNonce } from '../common/security-headers';
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
  { href: '/users', text: 'Users', roles: [] },
  { href: '/audit', text: 'Audit trail', roles: [] },
];

/** Messages shown once after a form succeeds and redirects (`?done=...`). */
const DONE_MESSAGES: Record<string, string> = {
  progress: 'Your update has been posted.',
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
    return this.environment.render(`pages/${view}.njk`, {
      user,
      csrfToken: request.csrfToken ?? '',
      navigation,
      doneMessage: done ?? null,
      currentUrl: request.originalUrl,
      ...context,
    });
  }
}
