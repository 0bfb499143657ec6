import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * A real OpenID Connect provider (the certified `oidc-provider` package) on 127.0.0.1, for the
 * single sign-on tests. It is an ES module, which jest's CommonJS loader cannot load, so it runs
 * in a child Node process; the test talks to it over HTTP (`/__test/...`).
 *
 * Its ID tokens are signed with a key made here. `tamper()` re-signs the token endpoint's ID
 * token as a broken provider would: with another key (same key id), for another audience, or
 * already expired. The tracker's library must refuse each; nothing in the tracker is mocked.
 */
const SERVER = String.raw`
import http from 'node:http';
import { createSign, generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const good = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const jwk = { ...good.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
const accounts = new Map();
let provider = null;
let tamper = null;

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function resign(idToken) {
  const [header, payload] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  if (tamper === 'audience') claims.aud = 'some-other-app';
  if (tamper === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  const head = JSON.parse(Buffer.from(header, 'base64url').toString());
  const input = b64(head) + '.' + b64(claims);
  const signer = createSign('RSA-SHA256');
  signer.update(input);
  return input + '.' + signer.sign(tamper === 'signature' ? rogue : good).toString('base64url');
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

const server = http.createServer(async (req, res) => {
  if (req.url.startsWith('/__test/')) {
    const input = await body(req);
    if (req.url === '/__test/setup') provider = build(input);
    if (req.url === '/__test/account') accounts.set(input.sub, input);
    if (req.url === '/__test/tamper') tamper = input.mode ?? null;
    res.writeHead(204).end();
    return;
  }
  if (!provider) return res.writeHead(503).end('not set up');
  provider.callback()(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

function build({ clientId, clientSecret, redirectUri, postLogoutRedirectUri }) {
  const issuer = 'http://127.0.0.1:' + server.address().port;
  const made = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // The ID token carries the scopes' claims, as Entra's does (no userinfo call needed).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    findAccount: (ctx, sub) => {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: () => ({ ...account, sub }) };
    },
    // A first-party app: consent is given, as an Entra admin grants it for the tenant.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  made.use(async (ctx, next) => {
    await next();
    if (tamper && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: resign(ctx.body.id_token) };
    }
  });
  return made;
}
`;

export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export type Tamper = 'signature' | 'audience' | 'expired' | null;

export interface TestProvider {
  issuer: string;
  setup(client: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    postLogoutRedirectUri: string;
  }): Promise<void>;
  account(account: TestAccount): Promise<void>;
  tamper(mode: Tamper): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestProvider(): Promise<TestProvider> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    cwd: `${__dirname}/..`,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`The test OpenID provider stopped at start (exit ${String(code)})`);
    }),
  ])) as [string];
  const { port } = JSON.parse(first) as { port: number };
  const issuer = `http://127.0.0.1:${port}`;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${issuer}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (response.status !== 204) throw new Error(`${path} answered ${response.status}`);
  };
  return {
    issuer,
    setup: (client) => post('/__test/setup', client),
    account: (account) => post('/__test/account', account),
    tamper: (mode) => post('/__test/tamper', { mode }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill();
      await once(child, 'exit');
    },
  };
}
