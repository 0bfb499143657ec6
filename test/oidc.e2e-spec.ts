/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { Session } from '../src/auth/session.entity';
import { SsoSignIn } from '../src/auth/sso-sign-in.entity';
import { SSO_STARTS_PER_CLIENT } from '../src/auth/sso.service';
import { loadConfig, OidcConfig } from '../src/config/configuration';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { accessibilityViolations, hasChromium, launchChromium } from './browser';
import { startTestProvider, TestProvider } from './oidc-provider';
import { createTestApp, TestApp } from './test-app';

/** Cookies by host:port, as a browser keeps them (enough for these two servers). */
class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();
  header(url: string): string {
    const jar = this.jars.get(new URL(url).host) ?? new Map<string, string>();
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  keep(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const gone = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, pair.slice(at + 1).trim());
    }
  }
  get(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).host)?.get(name);
  }
  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    this.jars
      .set(host, this.jars.get(host) ?? new Map())
      .get(host)!
      .set(name, value);
  }
}

/** One request as the browser would send it, redirects not followed. */
async function visit(
  jar: CookieJar,
  url: string,
  form?: Record<string, string>,
): Promise<{ status: number; location: string | null; body: string; url: string }> {
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      cookie: jar.header(url),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  jar.keep(url, response);
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location ? new URL(location, url).toString() : null,
    body: await response.text(),
    url,
  };
}

describe('sign in with the trust’s OpenID provider (issue 21)', () => {
  jest.setTimeout(120_000);

  let provider: TestProvider;
  let testApp: TestApp;
  let base: string;
  const oidc: OidcConfig = {
    issuer: '',
    clientId: 'cqc-tracker',
    clientSecret: 'a-long-client-secret-for-the-tests-only',
    redirectUrl: '',
    allowedDomains: ['nhs.net'],
    newUsers: 'refuse',
    groupsClaim: 'groups',
    groupRoles: {},
  };

  beforeAll(async () => {
    provider = await startTestProvider();
    oidc.issuer = provider.issuer;
    testApp = await createTestApp({ config: { oidc, passwordSignIn: 'admins' } });
    await testApp.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
    // The app's port is known only once it listens; the service reads the URL at each sign-in.
    oidc.redirectUrl = `${base}/sign-in/nhs/callback`;
    await provider.setup({
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      redirectUri: oidc.redirectUrl,
      postLogoutRedirectUri: `${base}/sign-in?signedOut=1`,
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await provider?.stop();
  });

  afterEach(() => provider.tamper(null));

  async function addUser(email: string, active = true, password?: string): Promise<User> {
    const made = await testApp.app
      .get(UsersService)
      .create({ name: email.split('@')[0], email, role: 'owner', active, password });
    return testApp.dataSource.getRepository(User).findOneByOrFail({ id: made.id });
  }

  /**
   * From the tracker's "Sign in with your NHS account" through the provider's login page (as
   * `login`) to the tracker's callback; returns the callback's answer and the URL it was sent.
   */
  async function signInThroughProvider(login: string, jar = new CookieJar()) {
    let step = await visit(jar, `${base}/sign-in/nhs?returnTo=%2Factions`);
    expect(step.status).toBe(303);
    let callback: string | null = null;
    for (let hops = 0; hops < 12 && !callback; hops++) {
      if (step.location?.startsWith(`${base}/sign-in/nhs/callback`)) {
        callback = step.location;
        break;
      }
      if (step.location) {
        step = await visit(jar, step.location);
        continue;
      }
      const prompt = /name="prompt" value="(\w+)"/.exec(step.body)?.[1];
      if (!prompt)
        throw new Error(`Stuck at ${step.url}: ${step.status} ${step.body.slice(0, 300)}`);
      step = await visit(
        jar,
        step.url,
        prompt === 'login' ? { prompt, login, password: 'any' } : { prompt },
      );
    }
    if (!callback) throw new Error('The provider never sent the browser back');
    const sso = jar.get(base, 'tracker_sso');
    const answer = await visit(jar, callback);
    return { answer, callback, jar, sso };
  }

  async function failures(): Promise<string[]> {
    const events = await testApp.dataSource
      .getRepository(AuditEvent)
      .find({ where: { action: 'sign_in_failed' }, order: { id: 'ASC' } });
    return events.map((e) => e.summary ?? '');
  }

  async function sessionsOf(userId: number): Promise<number> {
    return testApp.dataSource.getRepository(Session).countBy({ userId });
  }

  it('offers "Sign in with your NHS account" and keeps the password form for admins', async () => {
    const page = await visit(new CookieJar(), `${base}/sign-in`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sign in with your NHS account');
    expect(page.body).toContain("For the tracker's admins only");
  });

  it('signs a known person in by verified email, links the subject, and the session works on the API', async () => {
    const alice = await addUser('alice.jones@nhs.net');
    await provider.account({
      sub: 'sub-alice',
      email: 'Alice.Jones@nhs.net',
      email_verified: true,
    });

    const { answer, jar } = await signInThroughProvider('sub-alice');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${base}/actions`);
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: jar.header(base) } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe('alice.jones@nhs.net');

    const stored = await testApp.dataSource.getRepository(User).findOneByOrFail({ id: alice.id });
    expect(stored).toMatchObject({ oidcIssuer: provider.issuer, oidcSubject: 'sub-alice' });
    const signIns = await testApp.dataSource
      .getRepository(AuditEvent)
      .findBy({ action: 'sign_in', actorId: alice.id });
    expect(signIns.map((e) => e.summary)).toEqual([
      expect.stringContaining('through single sign-on'),
    ]);
  });

  it('then matches by subject, even when the provider’s email has changed', async () => {
    const alice = await testApp.dataSource
      .getRepository(User)
      .findOneByOrFail({ email: 'alice.jones@nhs.net' });
    await provider.account({ sub: 'sub-alice', email: 'alice.new@nhs.net', email_verified: true });
    const { answer, jar } = await signInThroughProvider('sub-alice');
    expect(answer.status).toBe(303);
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: jar.header(base) } });
    expect(((await me.json()) as { id: number }).id).toBe(alice.id);
  });

  it('refuses a person the tracker does not know, and audits it', async () => {
    await provider.account({
      sub: 'sub-stranger',
      email: 'stranger@nhs.net',
      email_verified: true,
    });
    const { answer, jar } = await signInThroughProvider('sub-stranger');
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('Your NHS account has no access to the tracker');
    expect(jar.get(base, 'tracker_session')).toBeUndefined();
    expect(await failures()).toContainEqual(
      expect.stringContaining('single sign-on: no account matches (email stranger@nhs.net'),
    );
    expect(
      await testApp.dataSource.getRepository(User).countBy({ email: 'stranger@nhs.net' }),
    ).toBe(0);
  });

  it('does not match an email the provider has not verified', async () => {
    const bob = await addUser('bob.smith@nhs.net');
    await provider.account({ sub: 'sub-bob', email: 'bob.smith@nhs.net', email_verified: false });
    const { answer } = await signInThroughProvider('sub-bob');
    expect(answer.status).toBe(403);
    expect(await sessionsOf(bob.id)).toBe(0);
    expect(await failures()).toContainEqual(expect.stringContaining('not verified'));
  });

  it('refuses a disabled user, and audits it', async () => {
    const carol = await addUser('carol.white@nhs.net', false);
    await provider.account({
      sub: 'sub-carol',
      email: 'carol.white@nhs.net',
      email_verified: true,
    });
    const { answer } = await signInThroughProvider('sub-carol');
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('switched off or awaiting approval');
    expect(await sessionsOf(carol.id)).toBe(0);
    expect(await failures()).toContainEqual(
      expect.stringContaining(`single sign-on: user ${carol.id} is not active`),
    );
  });

  it.each([
    ['signed with another key', 'signature', 'failed to validate JWT signature'],
    ['for another audience', 'audience', 'aud'],
    ['already expired', 'expired', 'expired'],
  ] as const)('refuses an ID token %s, and audits it', async (_title, mode, reason) => {
    const dan = await addUser(`dan.${mode}@nhs.net`);
    await provider.account({ sub: `sub-dan-${mode}`, email: dan.email, email_verified: true });
    await provider.tamper(mode);
    const { answer, jar } = await signInThroughProvider(`sub-dan-${mode}`);
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('could not be checked, so you are not signed in');
    expect(answer.body).not.toMatch(/at .*\.js:\d+/);
    expect(jar.get(base, 'tracker_session')).toBeUndefined();
    expect(await sessionsOf(dan.id)).toBe(0);
    const last = (await failures()).pop();
    expect(last).toContain('single sign-on: its ID token was refused');
    expect(last).toContain(reason);
  });

  it('refuses a replayed state, and a callback this browser did not start', async () => {
    const erin = await addUser('erin.black@nhs.net');
    await provider.account({ sub: 'sub-erin', email: 'erin.black@nhs.net', email_verified: true });
    const { answer, callback, sso } = await signInThroughProvider('sub-erin');
    expect(answer.status).toBe(303);
    expect(await sessionsOf(erin.id)).toBe(1);

    const replay = new CookieJar();
    replay.set(base, 'tracker_sso', sso!);
    const again = await visit(replay, callback);
    expect(again.status).toBe(400);
    expect(again.body).toContain('has been used already');
    const stranger = await visit(new CookieJar(), callback);
    expect(stranger.status).toBe(400);
    expect(await sessionsOf(erin.id)).toBe(1);
    expect((await failures()).slice(-2)).toEqual([
      expect.stringContaining('single sign-on: the state is unknown, used already'),
      expect.stringContaining('single sign-on: the state is unknown, used already'),
    ]);
  });

  it('gives an unknown person an inactive viewer account to approve, when configured', async () => {
    oidc.newUsers = 'pending';
    try {
      await provider.account({
        sub: 'sub-henry',
        email: 'henry.ward@nhs.net',
        email_verified: true,
        name: 'Henry Ward',
      });
      const { answer } = await signInThroughProvider('sub-henry');
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('a tracker admin has been asked to approve your account');
      const henry = await testApp.dataSource
        .getRepository(User)
        .findOneByOrFail({ email: 'henry.ward@nhs.net' });
      expect(henry).toMatchObject({
        name: 'Henry Ward',
        role: 'viewer',
        active: false,
        oidcSubject: 'sub-henry',
      });
      // A stranger from a domain not allowed gets nothing.
      await provider.account({ sub: 'sub-ivy', email: 'ivy@gmail.com', email_verified: true });
      expect((await signInThroughProvider('sub-ivy')).answer.status).toBe(403);
      expect(await testApp.dataSource.getRepository(User).countBy({ email: 'ivy@gmail.com' })).toBe(
        0,
      );
      expect(await failures()).toContainEqual(expect.stringContaining('domain not allowed'));
    } finally {
      oidc.newUsers = 'refuse';
    }
  });

  it('sets the role from a mapped group claim, when configured', async () => {
    const jack = await addUser('jack.lee@nhs.net');
    oidc.groupRoles = { 'group-quality': 'quality_lead', 'group-board': 'executive' };
    try {
      await provider.account({
        sub: 'sub-jack',
        email: 'jack.lee@nhs.net',
        email_verified: true,
        groups: ['group-other', 'group-board', 'group-quality'],
      });
      expect((await signInThroughProvider('sub-jack')).answer.status).toBe(303);
      const stored = await testApp.dataSource.getRepository(User).findOneByOrFail({ id: jack.id });
      expect(stored.role).toBe('quality_lead');
    } finally {
      oidc.groupRoles = {};
    }
  });

  it('answers 503 when the provider cannot be reached, and starts no sign-in', async () => {
    const closed = await createTestApp({
      // Port 9 (discard) on 127.0.0.1: nothing listens, so discovery fails at once.
      config: { oidc: { ...oidc, issuer: 'http://127.0.0.1:9' } },
    });
    try {
      const answer = await closed.anonymous.get('/sign-in/nhs');
      expect(answer.status).toBe(503);
      expect(answer.text).toContain('cannot be reached just now');
      expect(answer.text).not.toMatch(/at .*\.js:\d+/);
      expect(await closed.dataSource.getRepository(SsoSignIn).count()).toBe(0);
    } finally {
      await closed.close();
    }
  });

  it('lets one address start only so many sign-ins in 15 minutes, so nobody can fill the table', async () => {
    const own = await createTestApp({ config: { oidc, passwordSignIn: 'admins' } });
    try {
      await own.anonymous.get('/sign-in/nhs').expect(303);
      // The address's count stands one short of the cap, as after that many starts (sending
      // all of them would only make the test slow): one more is let through, then none.
      const [row] = await own.dataSource.query<{ key: string; failures: number }[]>(
        "SELECT key, failures FROM sign_in_throttle WHERE key LIKE 'sso-start:%'",
      );
      expect(Number(row.failures)).toBe(1);
      await own.dataSource.query('UPDATE sign_in_throttle SET failures = $1 WHERE key = $2', [
        SSO_STARTS_PER_CLIENT.limit - 1,
        row.key,
      ]);
      await own.anonymous.get('/sign-in/nhs').expect(303);
      const refused = await own.anonymous.get('/sign-in/nhs');
      expect(refused.status).toBe(429);
      expect(refused.text).toContain('Too many sign-ins were started from this address');
      expect(await own.dataSource.getRepository(SsoSignIn).count()).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('refuses an incomplete or bad OIDC_ environment at start, naming the variable', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://login.example/t/v2.0' })).toThrow(
      /OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL must be set too/,
    );
    const full = {
      OIDC_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
      OIDC_CLIENT_ID: 'id',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_REDIRECT_URL: 'https://tracker.example.nhs.uk/sign-in/nhs/callback',
    };
    expect(() => loadConfig({ ...full, OIDC_GROUP_ROLES: 'abc=boss' })).toThrow(/OIDC_GROUP_ROLES/);
    expect(() => loadConfig({ ...full, PASSWORD_SIGN_IN: 'some' })).toThrow(/PASSWORD_SIGN_IN/);
    expect(() => loadConfig({ PASSWORD_SIGN_IN: 'off' })).toThrow(/needs single sign-on/);
    expect(
      loadConfig({
        ...full,
        OIDC_ALLOWED_DOMAINS: 'nhs.net, @Trust.nhs.uk',
        OIDC_GROUP_ROLES: 'g1=admin',
      }),
    ).toMatchObject({
      passwordSignIn: 'admins',
      oidc: {
        allowedDomains: ['nhs.net', 'trust.nhs.uk'],
        newUsers: 'refuse',
        groupRoles: { g1: 'admin' },
      },
    });
  });

  it('keeps passwords for admins only when single sign-on is on', async () => {
    await addUser('frank.green@nhs.net', true, 'a-long-password-for-frank-2026');
    const refused = await testApp.anonymous
      .post('/api/v1/auth/sign-in')
      .send({ email: 'frank.green@nhs.net', password: 'a-long-password-for-frank-2026' });
    expect(refused.status).toBe(401);
    expect(await failures()).toContainEqual(
      expect.stringContaining('password sign-in is for admins only'),
    );
  });

  it('signs out of the tracker and offers the provider’s sign-out', async () => {
    await provider.account({
      sub: 'sub-alice',
      email: 'alice.jones@nhs.net',
      email_verified: true,
    });
    const { jar } = await signInThroughProvider('sub-alice');
    const secret = jar.get(base, 'tracker_session')!;
    const session = await testApp.dataSource
      .getRepository(Session)
      .findOneOrFail({ where: {}, order: { id: 'DESC' } });
    const out = await fetch(`${base}/api/v1/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: `tracker_session=${secret}`, 'x-csrf-token': session.csrfToken },
    });
    expect(out.status).toBe(204);
    const me = await fetch(`${base}/api/v1/auth/me`, {
      headers: { cookie: `tracker_session=${secret}` },
    });
    expect(me.status).toBe(401);
    const page = await visit(new CookieJar(), `${base}/sign-in?signedOut=1`);
    expect(page.body).toContain('Sign out of your NHS account too');
    expect(page.body).toContain(`${provider.issuer}/session/end?`);
    const outs = await testApp.dataSource
      .getRepository(AuditEvent)
      .countBy({ action: 'sign_out', entityId: String(session.id) });
    expect(outs).toBe(1);
  });

  (hasChromium ? it : it.skip)(
    'signs in from the browser: the button, the provider’s page, the tracker’s home page',
    async () => {
      await addUser('grace.hall@nhs.net');
      await provider.account({
        sub: 'sub-grace',
        email: 'grace.hall@nhs.net',
        email_verified: true,
      });
      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        const page = await browser.newPage();
        await page.goto(`${base}/sign-in`);
        expect(await accessibilityViolations(page)).toEqual([]);
        await page.getByRole('button', { name: 'Sign in with your NHS account' }).click();
        await page.waitForURL((url) => url.origin === provider.issuer);
        await page.fill('input[name="login"]', 'sub-grace');
        await page.fill('input[name="password"]', 'any');
        await page.getByRole('button', { name: 'Sign-in' }).click();
        await page.waitForURL((url) => url.origin === base && url.pathname === '/');
        expect(new URL(page.url()).pathname).toBe('/');
        expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBeGreaterThan(0);
      } finally {
        await browser?.close();
      }
    },
  );
});
