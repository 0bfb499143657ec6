import createClient from 'openapi-fetch';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { OPERATION_SUMMARIES } from '../src/common/openapi-summaries';
import type { paths } from './generated/api';
import { buildAction, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

const GENERATED = path.join(__dirname, 'generated', 'api.d.ts');
const PRETTIER = path.join(__dirname, '..', 'node_modules', 'prettier', 'bin', 'prettier.cjs');
const OPENAPI_TYPESCRIPT = path.join(
  __dirname,
  '..',
  'node_modules',
  'openapi-typescript',
  'bin',
  'cli.js',
);

/**
 * A client generated from the OpenAPI document (openapi-typescript types, committed as
 * test/generated/api.d.ts by `npm run openapi:types`, and openapi-fetch) used as an
 * integrator would: the document and the server cannot drift apart without this failing, at
 * type check (the calls below are checked against the committed types) or here (the types
 * made afresh from the live document must equal the committed ones).
 */
describe('a client generated from the OpenAPI document', () => {
  let t: TestApp;
  let baseUrl: string;
  let token: string;
  let organisationId: number;
  let findingId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    organisationId = plan.organisation.id;
    findingId = plan.finding.id;
    const quality = await t.as(plan.quality);
    await buildAction(quality, [findingId], { title: 'Fridge temperatures logged twice daily' });
    token = (await quality.post('/api/v1/tokens').send({ name: 'client' }).expect(201)).body.token;
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(() => t.close());

  it('has committed types equal to those generated from the live document', async () => {
    const { body: document } = await t.http.get('/api/docs-json').expect(200);
    // openapi-typescript's own command, as `npm run openapi:types` runs it (it is an ES module
    // that jest's loader cannot require).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-types-'));
    const [input, output] = [path.join(dir, 'openapi.json'), path.join(dir, 'api.d.ts')];
    fs.writeFileSync(input, JSON.stringify(document));
    await promisify(execFile)(process.execPath, [OPENAPI_TYPESCRIPT, input, '-o', output]);
    const generated = fs.readFileSync(output, 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    // Formatted by prettier as the npm script does (prettier too is run as its own command).
    const formatted = execFileSync(process.execPath, [PRETTIER, '--stdin-filepath', GENERATED], {
      input: generated,
      encoding: 'utf8',
    });
    expect(formatted).toBe(fs.readFileSync(GENERATED, 'utf8'));
  });

  it('gives every operation a summary in words, an operationId and its security', async () => {
    const { body: document } = await t.http.get('/api/docs-json').expect(200);
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const [route, item] of Object.entries(
      document.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${route}`;
        const id = operation.operationId as string | undefined;
        if (!id || ids.has(id)) problems.push(`${where}: operationId ${id} missing or repeated`);
        else ids.add(id);
        if (!OPERATION_SUMMARIES[id ?? '']) problems.push(`${where}: no summary in words`);
        if (!Array.isArray(operation.security)) problems.push(`${where}: no security`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(document.components.securitySchemes as object).sort()).toEqual([
      'apiToken',
      'csrf',
      'session',
    ]);
    expect(document.servers).toHaveLength(1);
  });

  it('signs in with a token, lists with filters, and posts progress with If-Match, handling a 409', async () => {
    const client = createClient<paths>({
      baseUrl,
      headers: { Authorization: `Bearer ${token}` },
    });

    const listed = await client.GET('/api/v1/actions', {
      params: { query: { organisationId, q: 'Fridge', limit: 10 } },
    });
    expect(listed.response.status).toBe(200);
    const items = listed.data?.items ?? [];
    expect(items.map((a) => a.title)).toEqual(['Fridge temperatures logged twice daily']);
    const id = items[0].id;

    const read = await client.GET('/api/v1/actions/{id}', { params: { path: { id } } });
    const etag = read.response.headers.get('etag');
    expect(etag).toMatch(new RegExp(`^W/"${read.data?.version}-`));

    const posted = await client.POST('/api/v1/actions/{id}/progress', {
      params: { path: { id }, header: { 'If-Match': etag! } },
      body: { note: 'Logs checked on all wards', progress: 40 },
    });
    expect(posted.response.status).toBe(201);
    expect(posted.data?.progress).toBe(40);

    // The same ETag again is stale now: the client gets the conflict, typed as the error body.
    const stale = await client.POST('/api/v1/actions/{id}/progress', {
      params: { path: { id }, header: { 'If-Match': etag! } },
      body: { note: 'Written from an old copy', progress: 90 },
    });
    expect(stale.response.status).toBe(409);
    expect(stale.error?.code).toBe('VERSION_CONFLICT');

    const after = await client.GET('/api/v1/actions/{id}', { params: { path: { id } } });
    expect({ progress: after.data?.progress, version: after.data?.version }).toEqual({
      progress: 40,
      version: (read.data?.version ?? 0) + 1,
    });
  });

  it('is refused, with the error body, without a token', async () => {
    const anonymous = createClient<paths>({ baseUrl });
    const { response, error } = await anonymous.GET('/api/v1/actions', {
      params: { query: {} },
    });
    expect(response.status).toBe(401);
    expect(error?.code).toBe('AUTHENTICATION_REQUIRED');
  });
});
