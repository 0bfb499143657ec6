import { Inject, Injectable, Logger } from '@nestjs/common';
import { BaseClient, custom, errors, generators, Issuer } from 'openid-client';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { APP_CONFIG, AppConfig, OidcConfig } from '../config/configuration';
import { Transactions } from '../database/transactions';
import { User, UserRole } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { spendAttempt } from './attempt-budget';
import { AuthService, SignedIn } from './auth.service';
import { randomSecret, sha256 } from './secrets';
import { SessionsService } from './sessions.service';
import { SsoSignIn } from './sso-sign-in.entity';

export const SSO_COOKIE = 'tracker_sso';
/** Time allowed at the provider's page between leaving the tracker and coming back. */
export const SSO_ATTEMPT_MS = 10 * 60_000;
/** Clock difference tolerated between the provider and this server when checking iat/exp. */
const CLOCK_TOLERANCE_S = 30;
/**
 * Sign-ins one client address may start in 15 minutes. A whole trust's staff may share one NAT
 * address, and 9 o'clock brings hundreds of sign-ins, so the cap is high: it bounds the rows one
 * address can leave in sso_sign_in (each gone after 10 minutes), not a person's attempts.
 */
export const SSO_STARTS_PER_CLIENT = { limit: 1000, windowMs: 15 * 60_000, lockMs: 0 };
/** Highest first: several matched groups give the most senior of their roles. */
const ROLE_RANK: UserRole[] = ['admin', 'quality_lead', 'executive', 'owner', 'viewer'];

custom.setHttpOptionsDefaults({ timeout: 10_000 });

/** The claims of a verified ID token that matching reads. */
export interface SsoClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  /** Entra ID's "email domain owner verified" optional claim (it has no email_verified). */
  xms_edov?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

/**
 * Sign-in through the trust's OpenID Connect provider (Entra ID): authorisation code flow
 * with PKCE, state and nonce. openid-client checks the ID token (signature against the
 * provider's published keys, issuer, audience, expiry, nonce); this service decides who the
 * person is in the tracker and starts the same session a password sign-in starts.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger('SingleSignOn');
  private client: Promise<BaseClient> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly sessions: SessionsService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  get enabled(): boolean {
    return !!this.config.oidc;
  }

  /** Sends the browser to the provider; the cookie secret binds the attempt to this browser. */
  async start(
    returnTo: string,
    clientAddress: string,
  ): Promise<{ url: string; browserSecret: string }> {
    const oidc = this.settings();
    const client = await this.openClient(oidc);
    const browserSecret = randomSecret();
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    await this.transactions.run(async (manager) => {
      // Each start stores a row until it expires: one address may not fill the table.
      const { refused } = await spendAttempt(
        manager,
        `sso-start:${clientAddress}`,
        SSO_STARTS_PER_CLIENT,
      );
      if (refused)
        throw new AppError(
          'SSO_TOO_MANY_STARTS',
          'Too many sign-ins were started from this address. Wait 15 minutes, then try again.',
        );
      await manager
        .createQueryBuilder()
        .delete()
        .from(SsoSignIn)
        .where('expires_at <= :now', { now: nowTimestamp() })
        .execute();
      await manager.insert(SsoSignIn, {
        browserHash: sha256(browserSecret),
        state,
        nonce,
        codeVerifier,
        returnTo,
        expiresAt: new Date(Date.now() + SSO_ATTEMPT_MS).toISOString(),
      });
    });
    const url = client.authorizationUrl({
      scope: 'openid profile email',
      redirect_uri: oidc.redirectUrl,
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, browserSecret };
  }

  /**
   * The provider has sent the browser back. The attempt is taken (deleted) first, so a state is
   * good once; every refusal is audited like a refused password and thrown as an AppError.
   */
  async finish(
    browserSecret: string | undefined,
    callbackPath: string,
    clientAddress: string,
  ): Promise<SignedIn & { returnTo: string }> {
    const oidc = this.settings();
    const params = (await this.openClient(oidc)).callbackParams(callbackPath);
    const attempt = browserSecret
      ? await this.transactions.run(async (manager) => {
          const found = await manager.findOneBy(SsoSignIn, { browserHash: sha256(browserSecret) });
          if (found) await manager.delete(SsoSignIn, { id: found.id });
          return found;
        })
      : null;
    if (
      !attempt ||
      Date.parse(attempt.expiresAt) <= Date.now() ||
      typeof params.state !== 'string' ||
      params.state !== attempt.state
    ) {
      throw await this.refuse(
        clientAddress,
        'SSO_STATE_INVALID',
        'the state is unknown, used already, expired or from another browser',
        'This sign-in was not started in this browser, has been used already or took too long: start again',
      );
    }

    let claims: SsoClaims;
    try {
      const client = await this.openClient(oidc);
      const tokens = await client.callback(oidc.redirectUrl, params, {
        state: attempt.state,
        nonce: attempt.nonce,
        code_verifier: attempt.codeVerifier,
        response_type: 'code',
      });
      claims = tokens.claims();
    } catch (error) {
      if (!(error instanceof errors.RPError) && !(error instanceof errors.OPError)) throw error;
      const why =
        error instanceof errors.OPError
          ? `the provider answered ${error.error}`
          : `its ID token was refused: ${error.message}`;
      throw await this.refuse(
        clientAddress,
        'SSO_TOKEN_REFUSED',
        why,
        'Your NHS account sign-in could not be checked, so you are not signed in: start again, and ask your IT service desk if it goes on',
      );
    }

    const user = await this.match(oidc, claims, clientAddress);
    // Roles stay the tracker's unless OIDC_GROUP_ROLES maps a group the person is in; the
    // change goes through the users' one writer (history, audit, the last-admin rule).
    const role = roleFromGroups(oidc, claims);
    if (role && role !== user.role) await this.users.update(user.id, { role });
    const signedIn = await this.transactions.run(async (manager) => {
      const started = await this.sessions.start(manager, user.id);
      await this.audit.record(manager, {
        action: 'sign_in',
        entity: 'session',
        entityId: started.session.id,
        actorId: user.id,
        summary: `Signed in from ${clientAddress} through single sign-on (${oidc.issuer})`,
      });
      return {
        user,
        secret: started.secret,
        csrfToken: started.session.csrfToken,
        deviceSecret: null,
      };
    });
    return { ...signedIn, returnTo: attempt.returnTo };
  }

  /** The provider's own sign-out page, when it publishes one (end_session_endpoint). */
  async providerSignOutUrl(postSignOutUrl: string): Promise<string | null> {
    if (!this.config.oidc) return null;
    try {
      const client = await this.openClient(this.config.oidc);
      if (!client.issuer.metadata.end_session_endpoint) return null;
      return client.endSessionUrl({ post_logout_redirect_uri: postSignOutUrl });
    } catch (error) {
      this.logger.warn(`The sign-in provider could not be reached: ${String(error)}`);
      return null;
    }
  }

  /**
   * By the provider's subject first; then by a verified email in an allowed domain, which links
   * the subject to that user; a person not known is refused or, if configured, given an inactive
   * viewer account for an admin to approve.
   */
  private async match(oidc: OidcConfig, claims: SsoClaims, clientAddress: string): Promise<User> {
    const users = this.dataSource.getRepository(User);
    let user = await users.findOneBy({ oidcIssuer: oidc.issuer, oidcSubject: claims.sub });
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
    const verified = claims.email_verified === true || claims.xms_edov === true;
    const domainOk =
      !!email &&
      (!oidc.allowedDomains.length || oidc.allowedDomains.includes(email.split('@').pop()!));

    if (!user && email && verified && domainOk) {
      const byEmail = await users.findOneBy({ email });
      if (byEmail?.oidcSubject) {
        throw await this.refuse(
          clientAddress,
          'SSO_ACCOUNT_REFUSED',
          `the account for ${email} is linked to another sign-in identity`,
          'Your tracker account is linked to a different NHS account: ask a tracker admin',
        );
      }
      if (byEmail) {
        await this.transactions.run(async (manager) => {
          await manager.update(
            User,
            { id: byEmail.id, oidcSubject: IsNull() },
            { oidcIssuer: oidc.issuer, oidcSubject: claims.sub, updatedAt: nowTimestamp() },
          );
          await this.audit.record(manager, {
            action: 'update',
            entity: 'app_user',
            entityId: byEmail.id,
            actorId: byEmail.id,
            summary: `Linked to single sign-on by verified email ${email}`,
          });
        });
        user = await users.findOneByOrFail({ id: byEmail.id });
      }
    }

    if (!user) {
      const pending = oidc.newUsers === 'pending' && email && verified && domainOk;
      if (pending) await this.createPending(oidc, claims, email);
      throw await this.refuse(
        clientAddress,
        'SSO_ACCOUNT_REFUSED',
        pending
          ? `${email} is not known; an inactive viewer account awaits an admin's approval`
          : `no account matches (email ${email ?? 'none'}, ${verified ? 'verified' : 'not verified'}${domainOk ? '' : ', domain not allowed'})`,
        pending
          ? 'You have signed in with your NHS account, but the tracker has not given you access yet: a tracker admin has been asked to approve your account'
          : 'Your NHS account has no access to the tracker: ask your trust quality team to add you',
      );
    }
    if (!user.active) {
      throw await this.refuse(
        clientAddress,
        'SSO_ACCOUNT_REFUSED',
        `user ${user.id} is not active`,
        'Your tracker account is switched off or awaiting approval: ask a tracker admin',
      );
    }
    return user;
  }

  private async createPending(oidc: OidcConfig, claims: SsoClaims, email: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const now = nowTimestamp();
      const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name : email;
      const user = manager.create(User, {
        name: name.trim().slice(0, 200),
        email,
        role: 'viewer',
        active: false,
        passwordHash: null,
        oidcIssuer: oidc.issuer,
        oidcSubject: claims.sub,
        createdAt: now,
        updatedAt: now,
      });
      await UsersService.insert(manager, this.audit, user);
    });
  }

  private async refuse(
    clientAddress: string,
    code: 'SSO_STATE_INVALID' | 'SSO_TOKEN_REFUSED' | 'SSO_ACCOUNT_REFUSED',
    why: string,
    message: string,
  ): Promise<AppError> {
    await this.auth.recordFailure(clientAddress, `single sign-on: ${why}`);
    return new AppError(code, message);
  }

  private settings(): OidcConfig {
    if (!this.config.oidc) {
      throw new AppError('SSO_NOT_CONFIGURED', 'Single sign-on is not set up on this tracker');
    }
    return this.config.oidc;
  }

  /** Discovers the provider once (retried after a failure) and keeps its client. */
  private openClient(oidc: OidcConfig): Promise<BaseClient> {
    this.client ??= Issuer.discover(oidc.issuer).then(
      (issuer) => {
        const client = new issuer.Client({
          client_id: oidc.clientId,
          client_secret: oidc.clientSecret,
          redirect_uris: [oidc.redirectUrl],
          response_types: ['code'],
        });
        client[custom.clock_tolerance] = CLOCK_TOLERANCE_S;
        return client;
      },
      (error) => {
        this.client = null;
        this.logger.warn(
          `The sign-in provider ${oidc.issuer} could not be reached: ${String(error)}`,
        );
        throw new AppError(
          'SSO_PROVIDER_UNAVAILABLE',
          'The NHS account sign-in service cannot be reached just now: try again in a few minutes',
        );
      },
    );
    return this.client;
  }
}

/** The most senior role among the person's mapped groups, or null (the tracker's role stays). */
export function roleFromGroups(oidc: OidcConfig, claims: SsoClaims): UserRole | null {
  const groups = claims[oidc.groupsClaim];
  if (!Array.isArray(groups) || !Object.keys(oidc.groupRoles).length) return null;
  const roles = groups.map((group) => oidc.groupRoles[String(group)]).filter(Boolean);
  return ROLE_RANK.find((role) => roles.includes(role)) ?? null;
}
