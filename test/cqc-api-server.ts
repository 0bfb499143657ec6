import { readFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/** The key the fake API accepts; any other is refused with 401 as CQC's gateway does. */
export const GOOD_KEY = 'test-subscription-key';

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  key: string | undefined;
}

/** Answers one request; return true when it answered, false to fall through to the fixtures. */
export type Handler = (
  request: SeenRequest,
  response: http.ServerResponse,
  count: number,
) => boolean | Promise<boolean>;

export interface FakeCqcApi {
  baseUrl: string;
  requests: SeenRequest[];
  /** Handlers by path (without query), tried before the fixtures. */
  handlers: Map<string, Handler>;
  /** Replace or add fixture bodies by path, e.g. a location whose rating has changed. */
  bodies: Map<string, unknown>;
  close(): Promise<void>;
}

const FIXTURES = path.join(__dirname, 'fixtures', 'cqc-api');
export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

/** The fixtures as the API serves them: path (and page, for the paged changes feed) to file. */
function defaultBodies(): Map<string, unknown> {
  return new Map<string, unknown>([
    ['/public/v1/changes/location?page=1', fixture('changes-location-page-1.json')],
    ['/public/v1/changes/location?page=2', fixture('changes-location-page-2.json')],
    ['/public/v1/changes/provider?page=1', fixture('changes-provider.json')],
    ['/public/v1/providers/RZZ', fixture('provider-RZZ.json')],
    ['/public/v1/providers/RZZ/locations?page=1', fixture('provider-RZZ-locations.json')],
    ['/public/v1/locations/1-9000000001', fixture('location-1-9000000001.json')],
    ['/public/v1/locations/1-9000000002', fixture('location-1-9000000002.json')],
  ]);
}

/**
 * A stand-in for CQC's public API on 127.0.0.1 and an ephemeral port, answering from
 * test/fixtures/cqc-api/ in the API's own shapes. It checks the subscription key header as
 * CQC's gateway does, and records every request so tests can count attempts.
 */
export async function startFakeCqcApi(): Promise<FakeCqcApi> {
  const requests: SeenRequest[] = [];
  const handlers = new Map<string, Handler>();
  const bodies = defaultBodies();
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const key = req.headers['ocp-apim-subscription-key'];
      const seen: SeenRequest = {
        path: url.pathname,
        query: url.searchParams,
        key: Array.isArray(key) ? key[0] : key,
      };
      requests.push(seen);
      const count = (counts.get(url.pathname) ?? 0) + 1;
      counts.set(url.pathname, count);
      if (seen.key !== GOOD_KEY) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            statusCode: 401,
            message:
              'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
          }),
        );
        return;
      }
      const handler = handlers.get(url.pathname);
      if (handler && (await handler(seen, res, count))) return;
      const page = url.searchParams.get('page');
      const body =
        bodies.get(page ? `${url.pathname}?page=${page}` : url.pathname) ??
        bodies.get(url.pathname);
      if (body === undefined) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 404, message: 'Resource not found' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/public/v1`,
    requests,
    handlers,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
