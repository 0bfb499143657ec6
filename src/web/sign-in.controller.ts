import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Allow, AuthenticatedRequest, Public, READ_ROLES } from '../auth/roles';
import { checkSameOriginSignIn } from '../auth/same-origin';
import { SESSION_COOKIE, SessionsService } from '../auth/sessions.service';
import { deviceSecretOf, setSignInCookies } from '../auth/sign-in-cookies';
import { AppError, errorStatus } from '../common/app-error';
import { SSO_ATTEMPT_MS, SSO_COOKIE, SsoService } from '../auth/sso.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { text, toFormErrors } from './forms';
import { forgetKeptForm } from './kept-form';
import { PageRenderer } from './page-renderer';

/** Only paths on this site: a sign-in link must not send anyone elsewhere. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[^\\]*$/.test(value) ? value : '/';
}

const SSO_PATH = '/sign-in/nhs';

@ApiExcludeController()
@Controller()
export class SignInController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly pages: PageRenderer,
    private readonly sso: SsoService,
  ) {}

  @Get('sign-in')
  @Public()
  async show(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('returnTo') returnTo?: string,
  ) {
    if (request.user) return response.redirect(303, safeReturnTo(returnTo));
    this.pages.render(request, response, 'sign-in', {
      ...(await this.signInChoices(request)),
      title: 'Sign in',
      returnTo: safeReturnTo(returnTo),
      values: {},
    });
  }

  /** "Sign in with your NHS account": off to the trust's OpenID provider (docs/security.md). */
  @Get('sign-in/nhs')
  @Public()
  async startSingleSignOn(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('returnTo') returnTo?: string,
  ) {
    const { url, browserSecret } = await this.sso.start(safeReturnTo(returnTo));
    response.cookie(SSO_COOKIE, browserSecret, {
      httpOnly: true,
      // Lax: the cookie comes back on the provider's top-level redirect (a GET) to the callback.
      sameSite: 'lax',
      secure: request.secure,
      path: SSO_PATH,
      maxAge: SSO_ATTEMPT_MS,
    });
    response.redirect(303, url);
  }

  /**
   * The provider sends the browser back here (a cross-site GET, so no same-origin check: the
   * state, tied to this browser's cookie and used once, is what proves the sign-in is ours).
   */
  @Get('sign-in/nhs/callback')
  @Public()
  async finishSingleSignOn(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    const cookie = (request.cookies as Record<string, unknown> | undefined)?.[SSO_COOKIE];
    response.clearCookie(SSO_COOKIE, { path: SSO_PATH });
    try {
      const signedIn = await this.sso.finish(
        typeof cookie === 'string' ? cookie : undefined,
        request.originalUrl,
        request.ip ?? 'unknown',
      );
      setSignInCookies(request, response, signedIn, this.sessions.maxAgeMs);
      return response.redirect(303, safeReturnTo(signedIn.returnTo));
    } catch (error) {
      if (!(error instanceof AppError) || !error.code.startsWith('SSO_')) throw error;
      this.pages.render(
        request,
        response,
        'sign-in',
        {
          ...(await this.signInChoices(request)),
          title: 'Sign in',
          returnTo: '/',
          values: {},
          errorList: [{ text: error.message, href: '#sso' }],
        },
        errorStatus(error.code),
      );
    }
  }

  /** What the sign-in page offers: the NHS account button, the password form, the provider's sign-out. */
  private async signInChoices(request: AuthenticatedRequest) {
    const signedOut = request.query.signedOut === '1';
    const base = this.config.oidc ? new URL(this.config.oidc.redirectUrl).origin : '';
    return {
      sso: this.sso.enabled,
      passwordSignIn: this.auth.passwordSignIn,
      providerSignOutUrl:
        signedOut && this.sso.enabled
          ? await this.sso.providerSignOutUrl(`${base}/sign-in?signedOut=1`)
          : null,
    };
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
      {
        ...(await this.signInChoices(request)),
        title: 'Sign in',
        returnTo,
        values: { email },
        ...toFormErrors(problems, {}, 'sign-in'),
      },
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
