import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { INBOX_STATUSES, InboxStatus } from '../cqc-api/cqc-inbox-item.entity';
import { CqcInboxService } from '../cqc-api/cqc-inbox.service';
import { IdParam } from '../common/request-params';
import { AppError, ErrorCode, errorStatus } from '../common/app-error';
import { text } from './forms';
import { PageRenderer } from './page-renderer';
import { TrustScopes } from './trust-scope';

const STATUS_LABELS: Record<InboxStatus, string> = {
  OPEN: 'New',
  DISMISSED: 'Dismissed',
  IMPORTED: 'Imported',
  SUPERSEDED: 'Report since published',
};

/**
 * The quality lead's CQC inbox: what the watcher found CQC published for their trusts. Each
 * item offers a preview of the import and then a confirmation; nothing is stored before that.
 */
@ApiExcludeController()
@Controller('cqc-inbox')
export class CqcInboxPagesController {
  constructor(
    private readonly inbox: CqcInboxService,
    private readonly scopes: TrustScopes,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  @Allow('quality_lead')
  async list(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('status') rawStatus?: string,
  ) {
    const status = INBOX_STATUSES.find((s) => s === rawStatus) ?? 'OPEN';
    await this.showList(request, response, status, null);
  }

  @Post(':id/preview')
  @Allow('quality_lead')
  async preview(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const outcome = await refusal(() => this.inbox.import(id, { dryRun: true }, request.user!));
    if (!outcome.ok) return this.showList(request, response, 'OPEN', outcome);
    this.pages.render(request, response, 'cqc-inbox-preview', {
      title: 'Check the import from CQC',
      item: outcome.value.item,
      result: outcome.value.import,
      breadcrumbs: [{ href: '/cqc-inbox', text: 'CQC inbox' }],
    });
  }

  @Post(':id/import')
  @Allow('quality_lead')
  async confirm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const outcome = await refusal(() => this.inbox.import(id, { dryRun: false }, request.user!));
    if (!outcome.ok) return this.showList(request, response, 'OPEN', outcome);
    response.redirect(
      303,
      `/findings?organisationId=${outcome.value.item.organisationId}&done=imported`,
    );
  }

  @Post(':id/dismiss')
  @Allow('quality_lead')
  async dismiss(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const note = text(body, 'note');
    const outcome = await refusal(() => this.inbox.dismiss(id, { note }, request.user!));
    if (!outcome.ok) return this.showList(request, response, 'OPEN', outcome);
    response.redirect(303, '/cqc-inbox?done=inbox-dismissed');
  }

  /** The list, with what went wrong above it (a refused action answers with its own status). */
  private async showList(
    request: AuthenticatedRequest,
    response: Response,
    status: InboxStatus,
    problem: { status: number; message: string } | null,
  ) {
    const page = await this.inbox.list({ status, limit: 200, offset: 0 });
    const scope = await this.scopes.resolve(undefined);
    const names = new Map(scope.organisations.map((o) => [o.id, o.name]));
    this.pages.render(
      request,
      response,
      'cqc-inbox',
      {
        title: 'CQC inbox',
        status,
        statusLabel: STATUS_LABELS[status],
        statuses: INBOX_STATUSES.map((s) => ({
          value: s,
          text: STATUS_LABELS[s],
          current: s === status,
        })),
        total: page.total,
        items: page.items.map((item) => ({
          ...item,
          trustName: names.get(item.organisationId) ?? `Trust ${item.organisationId}`,
        })),
        problem: problem?.message ?? null,
      },
      problem?.status ?? 200,
    );
  }
}

/** Refusals a quality lead can act on (decided already, CQC unreachable or refusing, a bad note). */
const SHOWN_ON_PAGE = new Set<ErrorCode>([
  'CQC_INBOX_ITEM_DECIDED',
  'CQC_API_FAILED',
  'CQC_API_NOT_CONFIGURED',
  'VALIDATION_FAILED',
]);

async function refusal<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number; message: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AppError && SHOWN_ON_PAGE.has(error.code)) {
      const detail = error.errors?.map((e) => `${e.field}: ${e.reason}`).join('; ');
      return { ok: false, status: errorStatus(error.code), message: detail || error.message };
    }
    throw error;
  }
}
