import { ApiToken } from '../src/auth/api-token.entity';
import { sha256 } from '../src/auth/secrets';
import { TOKEN_PREFIX, TokensService } from '../src/auth/tokens.service';
import { User } from '../src/users/user.entity';
import { buildPlan } from './factories';
import { clientFor, Client, createTestApp, TestApp } from './test-app';

const DAY_MS = 86_400_000;

/**
 * API tokens carry a scope and an expiry: a read token only reads, admin powers travel only in
 * a token an admin asked for by name, and expired or revoked tokens are refused with a code
 * that says which. Through the real app on a real database.
 */
describe('API tokens: scope, expiry, last use', () => {
  let t: TestApp;
  let quality: Client;
  let qualityId: number;
  let organisationId: number;
  let findingId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    organisationId = plan.organisation.id;
    findingId = plan.finding.id;
    qualityId = plan.quality.id;
    quality = await t.as(plan.quality);
  });
  afterAll(() => t.close());

  const tokens = () => t.dataSource.getRepository(ApiToken);
  const server = () => t.app.getHttpServer();
  const countOf = (userId: number) => tokens().countBy({ userId });

  async function makeToken(client: Client, body: object) {
    return (await client.post('/api/v1/tokens').send(body).expect(201)).body as {
      id: number;
      token: string;
      scope: string;
      expiresAt: string;
      createdAt: string;
    };
  }

  it('makes a read-write token for 90 days by default, and says so when made', async () => {
    // As the account page and the CLI make it (signed in, not with another token).
    const user = await t.dataSource.getRepository(User).findOneByOrFail({ id: qualityId });
    const made = await t.app.get(TokensService).create(user, { name: 'Weekly script' });
    expect(made.scope).toBe('read-write');
    expect(Date.parse(made.expiresAt!) - Date.parse(made.createdAt)).toBe(90 * DAY_MS);
    const stored = await tokens().findOneByOrFail({ id: made.id });
    expect({ scope: stored.scope, expiresAt: stored.expiresAt }).toEqual({
      scope: 'read-write',
      expiresAt: made.expiresAt,
    });
  });

  it('takes a scope and a number of days', async () => {
    const made = await makeToken(quality, { name: 'BI feed', scope: 'read', expiresInDays: 7 });
    expect(made.scope).toBe('read');
    expect(Date.parse(made.expiresAt) - Date.parse(made.createdAt)).toBe(7 * DAY_MS);
  });

  it.each([
    [{ name: 'x', scope: 'everything' }, 'scope'],
    [{ name: 'x', expiresInDays: 0 }, 'expiresInDays'],
    [{ name: 'x', expiresInDays: 400 }, 'expiresInDays'],
    [{ name: 'x', expiresInDays: 'soon' }, 'expiresInDays'],
  ])('refuses %p, naming %s, and stores nothing', async (body, field) => {
    const before = await countOf(qualityId);
    const { body: error } = await quality.post('/api/v1/tokens').send(body).expect(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect((error.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(await countOf(qualityId)).toBe(before);
  });

  it('gives scope admin only to an admin who asks for it', async () => {
    const before = await countOf(qualityId);
    const { body } = await quality
      .post('/api/v1/tokens')
      .send({ name: 'sneaky', scope: 'admin' })
      .expect(403);
    expect(body.code).toBe('ROLE_NOT_ALLOWED');
    expect(await countOf(qualityId)).toBe(before);

    // The test app's admin client holds a scope-admin token; a read-write one made by the
    // same admin cannot do what only an admin may.
    const readWrite = clientFor(server(), (await makeToken(t.http, { name: 'rw' })).token);
    const refused = await readWrite
      .post('/api/v1/users')
      .send({ name: 'New Person', email: 'new.person@example.nhs.uk', role: 'viewer' })
      .expect(403);
    expect(refused.body.code).toBe('TOKEN_SCOPE_INSUFFICIENT');
    expect(refused.body.message).toContain('read-write');
    expect(
      await t.dataSource.getRepository(User).countBy({ email: 'new.person@example.nhs.uk' }),
    ).toBe(0);

    const admin = clientFor(
      server(),
      (await makeToken(t.http, { name: 'admin', scope: 'admin' })).token,
    );
    await admin
      .post('/api/v1/users')
      .send({ name: 'New Person', email: 'new.person@example.nhs.uk', role: 'viewer' })
      .expect(201);
  });

  it('never lets a token make a token with a wider scope or a later expiry than its own', async () => {
    const shortLived = await makeToken(quality, { name: 'short', expiresInDays: 1 });
    const short = clientFor(server(), shortLived.token);
    const before = await countOf(qualityId);
    const { body: longer } = await short
      .post('/api/v1/tokens')
      .send({ name: 'long', expiresInDays: 366 })
      .expect(400);
    expect(longer.errors).toEqual([
      expect.objectContaining({ field: 'expiresInDays', reason: expect.stringMatching(/outlast/) }),
    ]);
    // With no length asked for, the new token ends when the one making it does.
    const defaulted = await makeToken(short, { name: 'default' });
    expect(defaulted.expiresAt).toBe(shortLived.expiresAt);

    const reader = clientFor(
      server(),
      (await makeToken(quality, { name: 'reader', scope: 'read' })).token,
    );
    // A read token cannot write at all, so it cannot make tokens; a read-write one cannot
    // make an admin one, even for an admin.
    await reader.post('/api/v1/tokens').send({ name: 'rw' }).expect(403);
    const adminReadWrite = clientFor(server(), (await makeToken(t.http, { name: 'arw' })).token);
    const { body: wider } = await adminReadWrite
      .post('/api/v1/tokens')
      .send({ name: 'escalate', scope: 'admin' })
      .expect(403);
    expect(wider.code).toBe('TOKEN_SCOPE_INSUFFICIENT');
    expect(wider.message).toContain('cannot make a token of scope admin');
    expect(await countOf(qualityId)).toBe(before + 2);
  });

  it('lets a read token read and refuses its writes with 403 naming the scope', async () => {
    const reader = clientFor(
      server(),
      (await makeToken(quality, { name: 'r', scope: 'read' })).token,
    );
    await reader.get(`/api/v1/actions?organisationId=${organisationId}`).expect(200);
    const { body } = await reader
      .post('/api/v1/actions')
      .send({ findingIds: [findingId], title: 'Not allowed', dueDate: '2030-01-31' })
      .expect(403);
    expect(body.code).toBe('TOKEN_SCOPE_INSUFFICIENT');
    expect(body.message).toContain('scope read');
    expect(body).not.toHaveProperty('stack');
    const { body: page } = await quality.get(`/api/v1/actions?q=Not%20allowed`).expect(200);
    expect(page.items).toEqual([]);
  });

  it('refuses an expired token with 401 TOKEN_EXPIRED', async () => {
    const made = await makeToken(quality, { name: 'old', expiresInDays: 1 });
    const client = clientFor(server(), made.token);
    await client.get('/api/v1/actions').expect(200);
    // A day has passed.
    await tokens().update(
      { id: made.id },
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
    );
    const { body } = await client.get('/api/v1/actions').expect(401);
    expect(body).toEqual(expect.objectContaining({ statusCode: 401, code: 'TOKEN_EXPIRED' }));
  });

  it('refuses a revoked token with 401 TOKEN_REVOKED', async () => {
    const made = await makeToken(quality, { name: 'gone' });
    const client = clientFor(server(), made.token);
    await quality.post(`/api/v1/tokens/${made.id}/revoke`).expect(200);
    const { body } = await client.get('/api/v1/actions').expect(401);
    expect(body.code).toBe('TOKEN_REVOKED');
  });

  it('refuses a token it never made with 401 AUTHENTICATION_REQUIRED', async () => {
    const { body } = await clientFor(server(), 'cqct_not-a-real-token')
      .get('/api/v1/actions')
      .expect(401);
    expect(body.code).toBe('AUTHENTICATION_REQUIRED');
  });

  it('records last use at most once a minute and lists it with scope and expiry', async () => {
    const made = await makeToken(quality, { name: 'used', scope: 'read' });
    const client = clientFor(server(), made.token);
    await client.get('/api/v1/actions').expect(200);
    const first = (await tokens().findOneByOrFail({ id: made.id })).lastUsedAt;
    expect(first).not.toBeNull();
    await client.get('/api/v1/actions').expect(200);
    expect((await tokens().findOneByOrFail({ id: made.id })).lastUsedAt).toBe(first);

    const twoMinutesAgo = new Date(Date.parse(first!) - 120_000).toISOString();
    await tokens().update({ id: made.id }, { lastUsedAt: twoMinutesAgo });
    await client.get('/api/v1/actions').expect(200);
    const later = (await tokens().findOneByOrFail({ id: made.id })).lastUsedAt!;
    expect(later > twoMinutesAgo).toBe(true);

    const { body: list } = await quality.get('/api/v1/tokens').expect(200);
    expect(list.find((token: { id: number }) => token.id === made.id)).toEqual(
      expect.objectContaining({ scope: 'read', expiresAt: made.expiresAt, lastUsedAt: later }),
    );
  });

  it('keeps a token made before scopes working as read-write with no expiry', async () => {
    const token = `${TOKEN_PREFIX}made-before-scopes-existed`;
    // A row as the migration leaves one made earlier: no scope or expiry given.
    await t.dataSource.query(
      `INSERT INTO api_token (user_id, name, prefix, token_hash, created_at)
       VALUES (${qualityId}, 'legacy', '${token.slice(0, 12)}', '${sha256(token)}', '2026-01-01T00:00:00.000Z')`,
    );
    const stored = await tokens().findOneByOrFail({ tokenHash: sha256(token) });
    expect({ scope: stored.scope, expiresAt: stored.expiresAt }).toEqual({
      scope: 'read-write',
      expiresAt: null,
    });
    await clientFor(server(), token).get('/api/v1/actions').expect(200);
  });

  it('shows scope, expiry and last use on the account page', async () => {
    const page = await quality.get('/account').expect(200);
    expect(page.text).toContain('Scope');
    expect(page.text).toContain('Expires');
    expect(page.text).toContain('read-write');
  });
});
