import { FieldProblem } from '../common/app-error';
import { dateInput } from './forms';

/** People page through lists 25 at a time; `limit` in the URL may ask for up to 100. */
export const PAGE_LIMITS = [25, 50, 100];
export const DEFAULT_PAGE_LIMIT = 25;

/**
 * Filters arrive as the URL's query string, so a view can be bookmarked and shared. Empty
 * fields are dropped; dates entered as day/month/year become `YYYY-MM-DD`, the form the URL
 * keeps them in.
 */
export function readListQuery(
  query: Record<string, unknown>,
  dateFields: Record<string, string>,
): { plain: Record<string, string>; problems: FieldProblem[]; rewritten: boolean } {
  const plain: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  let rewritten = false;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string' || value.trim() === '' || /\[(day|month|year)\]$/.test(key)) {
      continue;
    }
    plain[key] = value.trim();
  }
  for (const [field, label] of Object.entries(dateFields)) {
    if (!Object.keys(query).some((key) => key.startsWith(`${field}[`))) continue;
    rewritten = true;
    const { value, problem } = dateInput(query, field, label, false);
    if (problem) problems.push(problem);
    else if (value) plain[field] = value;
    else delete plain[field];
  }
  return { plain, problems, rewritten };
}

export function toQueryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The NHS.UK pagination component's items: numbered pages around the current one, with ellipses. */
export function paginationFor(
  path: string,
  params: Record<string, string>,
  total: number,
  limit: number,
  offset: number,
) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.floor(offset / limit) + 1;
  const href = (page: number) =>
    `${path}${toQueryString({ ...params, offset: page > 1 ? (page - 1) * limit : undefined })}`;
  const items: { number?: number; href?: string; current?: boolean; ellipsis?: boolean }[] = [];
  for (let page = 1; page <= pages; page++) {
    if (page === 1 || page === pages || Math.abs(page - current) <= 1) {
      items.push({ number: page, href: href(page), current: page === current });
    } else if (!items[items.length - 1]?.ellipsis) {
      items.push({ ellipsis: true });
    }
  }
  return {
    show: pages > 1,
    items,
    previous: current > 1 ? { href: href(current - 1) } : undefined,
    next: current < pages ? { href: href(current + 1) } : undefined,
    from: total ? offset + 1 : 0,
    to: Math.min(offset + limit, total),
  };
}
