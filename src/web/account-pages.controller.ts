import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { CreateTokenDto } from '../auth/auth.dto';
import { TokensService } from '../auth/tokens.service';
import { CalendarService } from '../calendar/calendar.service';
import { IdParam } from '../common/request-params';
import { integer, text, toFormErrors, validateForm } from './forms';
import { PageRenderer } from './page-renderer';

/** One's own account: API tokens for scripts and spreadsheets, and the private calendar link. */
@ApiExcludeController()
@Controller('account')
export class AccountPagesController {
  constructor(
    private readonly tokens: TokensService,
    private readonly calendar: CalendarService,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  async show(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    await this.render(request, response, {});
  }

  @Post('tokens')
  @Allow(...READ_ROLES)
  async createToken(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const { value, problems } = await validateForm(CreateTokenDto, {
      name: text(body, 'name'),
      scope: text(body, 'scope'),
      expiresInDays: integer(body, 'expiresInDays'),
    });
    if (problems.length) {
      return this.render(request, response, { values: body, problems }, 400);
    }
    // Shown on this response only: the tracker keeps just its hash.
    const created = await this.tokens.create(request.user!, value);
    await this.render(request, response, { createdToken: created.token });
  }

  @Post('tokens/:id/revoke')
  @Allow(...READ_ROLES)
  async revokeToken(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    await this.tokens.revoke(request.user!, id);
    response.redirect(303, '/account?done=token-revoked');
  }

  @Post('calendar')
  @Allow(...READ_ROLES)
  async createFeed(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    const created = await this.calendar.create(request.user!);
    const origin = `${request.protocol}://${request.get('host') ?? 'localhost'}`;
    await this.render(request, response, { feedUrl: `${origin}${created.path}` });
  }

  @Post('calendar/revoke')
  @Allow(...READ_ROLES)
  async revokeFeed(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    await this.calendar.revoke(request.user!);
    response.redirect(303, '/account?done=feed-revoked');
  }

  private async render(
    request: AuthenticatedRequest,
    response: Response,
    extra: {
      values?: Record<string, unknown>;
      problems?: { field: string; reason: string }[];
      createdToken?: string;
      feedUrl?: string;
    },
    status = 200,
  ) {
    const [tokens, feed] = await Promise.all([
      this.tokens.list(request.user!),
      this.calendar.status(request.user!),
    ]);
    this.pages.render(
      request,
      response,
      'account',
      {
        title: 'Your account',
        tokens: tokens.filter((t) => !t.revokedAt),
        feed,
        values: extra.values ?? {},
        createdToken: extra.createdToken,
        feedUrl: extra.feedUrl,
        ...toFormErrors(extra.problems ?? [], { name: 'Token name' }, 'account.token'),
      },
      status,
    );
  }
}
