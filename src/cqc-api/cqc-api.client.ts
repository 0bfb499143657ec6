import { setTimeout as delay } from 'node:timers/promises';

/** What went wrong talking to CQC's API; the CLI and the inbox show the message as it is. */
export type CqcApiErrorKind =
  | 'KEY_MISSING'
  | 'KEY_REFUSED'
  | 'NOT_FOUND'
  | 'REQUEST_REFUSED'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'MALFORMED_JSON';

export class CqcApiError extends Error {
  constructor(
    readonly kind: CqcApiErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface CqcApiOptions {
  /** e.g. https://api.service.cqc.org.uk/public/v1 */
  baseUrl: string;
  /** The subscription key (Ocp-Apim-Subscription-Key). */
  key?: string;
  /** Per attempt, covering headers and body. */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx, a timeout or a network failure. */
  retries?: number;
  /** The first back-off; doubles on each retry. */
  backoffMs?: number;
  /** A Retry-After longer than this is cut to it (CQC's throttle windows are a minute). */
  maxRetryAfterMs?: number;
  perPage?: number;
  /** Replaceable so tests can see the waits without waiting. */
  sleep?: (ms: number) => Promise<void>;
}

/** One page of a CQC list: paging fields as the API gives them, plus the named list. */
interface CqcPage {
  page?: number;
  totalPages?: number;
  nextPageUri?: string | null;
  [list: string]: unknown;
}

export type CqcRecord = Record<string, unknown>;
export type CqcChangeType = 'provider' | 'location';

/** No list the watcher reads is anywhere near this long; a bug upstream must not loop for ever. */
const MAX_PAGES = 500;

/**
 * A client for CQC's public (syndication) API: a provider, its locations, a location, and the
 * changes feed. Node's own fetch, a timeout per attempt, bounded retries with exponential
 * back-off on 429 (honouring Retry-After), 5xx, timeouts and network failures; never a retry
 * on any other 4xx. Every failure is a CqcApiError whose message says what to do.
 */
export class CqcApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly perPage: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Requests sent (attempts, including retries): the CLI reports it. */
  requestCount = 0;

  constructor(private readonly options: CqcApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.perPage = options.perPage ?? 1000;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
  }

  provider(providerId: string): Promise<CqcRecord> {
    return this.getJson(`/providers/${encodeURIComponent(providerId)}`);
  }

  /** Every location id of a provider, across all pages. */
  async providerLocationIds(providerId: string): Promise<string[]> {
    const rows = await this.allPages(
      `/providers/${encodeURIComponent(providerId)}/locations`,
      {},
      'locations',
    );
    return rows
      .map((row) => (isRecord(row) ? row.locationId : undefined))
      .filter((id): id is string => typeof id === 'string' && id !== '');
  }

  location(locationId: string): Promise<CqcRecord> {
    return this.getJson(`/locations/${encodeURIComponent(locationId)}`);
  }

  /** Ids of providers or locations CQC changed between two instants, across all pages. */
  async changes(type: CqcChangeType, start: Date, end: Date): Promise<string[]> {
    const rows = await this.allPages(
      `/changes/${type}`,
      { startTimestamp: cqcTimestamp(start), endTimestamp: cqcTimestamp(end) },
      'changes',
    );
    return rows.filter((id): id is string => typeof id === 'string' && id !== '');
  }

  private async allPages(
    path: string,
    query: Record<string, string>,
    listName: string,
  ): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const params = new URLSearchParams({
        ...query,
        page: String(page),
        perPage: String(this.perPage),
      });
      const body = (await this.getJson(`${path}?${params.toString()}`)) as CqcPage;
      const list = body[listName];
      if (!Array.isArray(list)) {
        throw new CqcApiError(
          'MALFORMED_JSON',
          `CQC's API answered ${path} page ${page} without a "${listName}" list`,
        );
      }
      rows.push(...(list as unknown[]));
      const totalPages = typeof body.totalPages === 'number' ? body.totalPages : null;
      const more = totalPages !== null ? page < totalPages : Boolean(body.nextPageUri);
      if (!more || list.length === 0) return rows;
    }
    throw new CqcApiError(
      'MALFORMED_JSON',
      `CQC's API kept offering pages of ${path} past ${MAX_PAGES}`,
    );
  }

  /** The subscription key, or a KEY_MISSING error saying where to get one. */
  requireKey(): string {
    const key = this.options.key?.trim();
    if (!key) {
      throw new CqcApiError(
        'KEY_MISSING',
        "CQC_API_KEY is not set: CQC's API needs a subscription key. Get one at https://api-portal.service.cqc.org.uk (sign up, subscribe to the public API, copy the primary key) and set CQC_API_KEY",
      );
    }
    return key;
  }

  private async getJson(pathAndQuery: string): Promise<CqcRecord> {
    const key = this.requireKey();
    const url = `${this.baseUrl}${pathAndQuery}`;
    const where = pathAndQuery.split('?')[0];
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      let failure: CqcApiError;
      let wait = this.backoffMs * 2 ** attempt;
      this.requestCount++;
      try {
        const response = await fetch(url, {
          headers: { 'Ocp-Apim-Subscription-Key': key, Accept: 'application/json' },
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'error',
        });
        const status = response.status;
        if (status === 200) {
          const text = await response.text();
          try {
            const json: unknown = JSON.parse(text);
            if (!isRecord(json)) throw new SyntaxError('not an object');
            return json;
          } catch {
            throw new CqcApiError(
              'MALFORMED_JSON',
              `CQC's API answered ${where} with something that is not a JSON object (${text.length} bytes starting "${text.slice(0, 40).replace(/\s+/g, ' ')}")`,
              status,
            );
          }
        }
        await response.body?.cancel().catch(() => undefined);
        if (status === 401 || status === 403) {
          throw new CqcApiError(
            'KEY_REFUSED',
            `CQC's API refused the subscription key (HTTP ${status}): check CQC_API_KEY is the primary or secondary key of an active subscription at https://api-portal.service.cqc.org.uk`,
            status,
          );
        }
        if (status === 404) {
          throw new CqcApiError('NOT_FOUND', `CQC's API has no ${where}`, status);
        }
        if (status === 429) {
          const retryAfter = retryAfterMs(response.headers.get('retry-after'));
          if (retryAfter !== null) wait = Math.min(retryAfter, this.maxRetryAfterMs);
          failure = new CqcApiError(
            'UNAVAILABLE',
            `CQC's API is throttling this client (HTTP 429) on ${where}; try again later`,
            status,
          );
        } else if (status >= 500) {
          failure = new CqcApiError(
            'UNAVAILABLE',
            `CQC's API failed on ${where} (HTTP ${status}) after ${attempt + 1} attempts`,
            status,
          );
        } else {
          throw new CqcApiError(
            'REQUEST_REFUSED',
            `CQC's API refused ${where} (HTTP ${status})`,
            status,
          );
        }
      } catch (error) {
        if (error instanceof CqcApiError) {
          if (error.kind !== 'UNAVAILABLE') throw error;
          failure = error;
        } else if (isTimeout(error)) {
          failure = new CqcApiError(
            'TIMEOUT',
            `CQC's API did not answer ${where} within ${this.timeoutMs} ms (${attempt + 1} attempts)`,
          );
        } else {
          failure = new CqcApiError(
            'UNAVAILABLE',
            `CQC's API could not be reached at ${this.baseUrl} (${(error as Error).message}${causeOf(error)})`,
          );
        }
      }
      if (last) throw failure;
      await this.sleep(wait);
    }
  }
}

/** CQC's changes feed wants UTC instants to the second with a Z. */
export function cqcTimestamp(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function isRecord(value: unknown): value is CqcRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `: ${cause.code ?? cause.message ?? ''}` : '';
}
