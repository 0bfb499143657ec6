import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Allow, AuthenticatedRequest, Public, READ_ROLES } from '../auth/roles';
import { checkSameOriginSignIn } from '../auth/same-origin';
import { SESSION_COOKIE, SessionsService } from '../auth/sessions.service';
import { deviceSecretOf, setSignInCookies } from '../auth/sign-in-cookies';
import { AppError } from '../common/app-error';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { text, toFormErrors } from './forms';
import { forgetKeptForm } from './kept-form';
import { PageRenderer } from './page-renderer';

/** Only paths on this site: a sign-in link must not send anyone elsewhere. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[^\\]*$/.test(value) ? value : '/';
}

@ApiExcludeController()
@Controller()
export class SignInController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('sign-in')
  @Public()
  show(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('returnTo') returnTo?: string,
  ) {
    if (request.user) return response.redirect(303, safeReturnTo(returnTo));
    this.pages.render(request, response, 'sign-in', {
      title: 'Sign in',
      returnTo: safeReturnTo(returnTo),
      values: {},
    });
  }

  @Post('sign-in')
  @Public()
  async signIn(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    checkSameOriginSignIn(request);
    const email = text(body, 'email');
    const password = typeof body.password === 'string' ? body.password : '';
    const returnTo = safeReturnTo(body.returnTo);
    const problems = [
      ...(email ? [] : [{ field: 'email', reason: 'Enter your email address' }]),
      ...(password ? [] : [{ field: 'password', reason: 'Enter your password' }]),
    ];
    if (!problems.length) {
      try {
        const signedIn = await this.auth.signIn(
          email!,
          password,
          request.ip ?? 'unknown',
          deviceSecretOf(request),
        );
        setSignInCookies(request, response, signedIn, this.sessions.maxAgeMs);
        return response.redirect(303, returnTo);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'SIGN_IN_FAILED') throw error;
        problems.push({ field: 'email', reason: error.message });
      }
    }
    this.pages.render(
      request,
      response,
      'sign-in',
      { title: 'Sign in', returnTo, values: { email }, ...toFormErrors(problems, {}, 'sign-in') },
      problems.some((p) => p.reason.startsWith('Enter')) ? 400 : 401,
    );
  }

  @Post('sign-out')
  @Allow(...READ_ROLES)
  async signOut(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    if (request.sessionId && request.user) await this.auth.signOut(request.user, request.sessionId);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    // What was typed before an earlier sign-out is not the next person's to see.
    forgetKeptForm(request, response);
    response.redirect(303, '/sign-in?signedOut=1');
  }
}
