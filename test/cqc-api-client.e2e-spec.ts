import { CqcApiClient, CqcApiError, retryAfterMs } from '../src/cqc-api/cqc-api.client';
import { FakeCqcApi, GOOD_KEY, startFakeCqcApi } from './cqc-api-server';

describe('CQC API client, against a local server in the API shapes', () => {
  let api: FakeCqcApi;
  let waits: number[];

  const client = (overrides: Partial<ConstructorParameters<typeof CqcApiClient>[0]> = {}) =>
    new CqcApiClient({
      baseUrl: api.baseUrl,
      key: GOOD_KEY,
      timeoutMs: 500,
      retries: 3,
      backoffMs: 100,
      perPage: 2,
      // Records the waits instead of sleeping: the test checks the back-off, not the clock.
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...overrides,
    });

  const failure = async (promise: Promise<unknown>): Promise<CqcApiError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof CqcApiError) return error;
      throw error;
    }
    throw new Error('expected the call to fail');
  };

  beforeEach(async () => {
    api = await startFakeCqcApi();
    waits = [];
  });
  afterEach(() => api.close());

  it('reads every page of the changes feed, sending the window, paging and key', async () => {
    const ids = await client().changes(
      'location',
      new Date('2026-11-25T00:00:00.000Z'),
      new Date('2026-12-02T00:00:00.000Z'),
    );
    expect(ids).toEqual(['1-9000000001', '1-5550000001', '1-9000000002']);
    expect(api.requests.map((r) => [r.path, r.query.get('page'), r.query.get('perPage')])).toEqual([
      ['/public/v1/changes/location', '1', '2'],
      ['/public/v1/changes/location', '2', '2'],
    ]);
    expect(api.requests[0].query.get('startTimestamp')).toBe('2026-11-25T00:00:00Z');
    expect(api.requests[0].query.get('endTimestamp')).toBe('2026-12-02T00:00:00Z');
    expect(api.requests.every((r) => r.key === GOOD_KEY)).toBe(true);
  });

  it('reads a provider, its location ids and a location', async () => {
    const c = client({ perPage: 1000 });
    expect((await c.provider('RZZ')).name).toBe('Northfield Community NHS Trust');
    expect(await c.providerLocationIds('RZZ')).toEqual(['1-9000000001', '1-9000000002']);
    expect((await c.location('1-9000000002')).lastInspection).toEqual({ date: '2026-11-19' });
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    api.handlers.set('/public/v1/providers/RZZ', (_req, res, count) => {
      if (count > 1) return false;
      res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 429, message: 'Rate limit is exceeded.' }));
      return true;
    });
    const record = await client().provider('RZZ');
    expect(record.providerId).toBe('RZZ');
    expect(waits).toEqual([7000]);
    expect(api.requests).toHaveLength(2);
  });

  it('retries a 500 with a doubling back-off, then succeeds', async () => {
    api.handlers.set('/public/v1/locations/1-9000000001', (_req, res, count) => {
      if (count > 2) return false;
      res.writeHead(500);
      res.end('upstream error');
      return true;
    });
    const record = await client().location('1-9000000001');
    expect(record.locationId).toBe('1-9000000001');
    expect(waits).toEqual([100, 200]);
    expect(api.requests).toHaveLength(3);
  });

  it('gives up on a 5xx after a bounded number of attempts, saying so', async () => {
    api.handlers.set('/public/v1/providers/RZZ', (_req, res) => {
      res.writeHead(503);
      res.end();
      return true;
    });
    const error = await failure(client({ retries: 2 }).provider('RZZ'));
    expect(error.kind).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/HTTP 503.*3 attempts/);
    expect(api.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('times out a slow answer and retries it a bounded number of times', async () => {
    api.handlers.set('/public/v1/providers/RZZ', (_req, res) => {
      // Answers long after the client's 150 ms timeout (the timer must not hold the test open).
      setTimeout(() => {
        if (!res.writableEnded && !res.destroyed) res.end('{}');
      }, 5_000).unref();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"providerId":');
      return true;
    });
    const error = await failure(client({ timeoutMs: 150, retries: 1 }).provider('RZZ'));
    expect(error.kind).toBe('TIMEOUT');
    expect(error.message).toMatch(/did not answer \/providers\/RZZ within 150 ms/);
    expect(api.requests).toHaveLength(2);
  });

  it('reports malformed JSON as such, without retrying', async () => {
    api.handlers.set('/public/v1/locations/1-9000000001', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"locationId": "1-9000000001", "name": ');
      return true;
    });
    const error = await failure(client().location('1-9000000001'));
    expect(error.kind).toBe('MALFORMED_JSON');
    expect(error.message).toMatch(/not a JSON object/);
    expect(api.requests).toHaveLength(1);
  });

  it('says the key is missing before sending any request', async () => {
    const error = await failure(client({ key: '  ' }).provider('RZZ'));
    expect(error.kind).toBe('KEY_MISSING');
    expect(error.message).toMatch(/CQC_API_KEY is not set/);
    expect(api.requests).toHaveLength(0);
  });

  it('says the key was refused on a 401, and never retries it', async () => {
    const error = await failure(client({ key: 'wrong-key' }).provider('RZZ'));
    expect(error.kind).toBe('KEY_REFUSED');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/refused the subscription key/);
    expect(api.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never retries a 4xx other than 429', async () => {
    const error = await failure(client().location('1-0000000000'));
    expect(error.kind).toBe('NOT_FOUND');
    api.handlers.set('/public/v1/providers/RZZ', (_req, res) => {
      res.writeHead(400);
      res.end();
      return true;
    });
    const refused = await failure(client().provider('RZZ'));
    expect(refused.kind).toBe('REQUEST_REFUSED');
    expect(api.requests).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  it('says when the API cannot be reached at all', async () => {
    const address = api.baseUrl;
    await api.close();
    const error = await failure(client({ baseUrl: address, retries: 1 }).provider('RZZ'));
    expect(error.kind).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/could not be reached/);
    api = await startFakeCqcApi();
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 02 Dec 2026 04:00:10 GMT', Date.UTC(2026, 11, 2, 4, 0, 0))).toBe(
      10_000,
    );
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});
