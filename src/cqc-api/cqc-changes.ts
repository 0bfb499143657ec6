import type { CqcRecord } from './cqc-api.client';
import type { InboxKind } from './cqc-inbox-item.entity';

/** What the watcher found in one provider or location record: one future inbox item. */
export interface DetectedChange {
  kind: InboxKind;
  dedupeKey: string;
  subjectType: 'provider' | 'location';
  subjectId: string;
  subjectName: string;
  reportLinkId: string | null;
  reportDate: string | null;
  reportUri: string | null;
  inspectionDate: string | null;
  oldRating: string | null;
  newRating: string | null;
  summary: string;
}

interface Report {
  linkId: string;
  reportDate: string;
  firstVisitDate: string | null;
  reportUri: string | null;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;
const isoDate = (value: unknown): string | null => {
  const found = text(value)?.match(/^\d{4}-\d{2}-\d{2}/);
  return found ? found[0] : null;
};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** CQC's public page for a provider or location: where a person reads the report. */
export function cqcPageUrl(subjectType: 'provider' | 'location', subjectId: string): string {
  return `https://www.cqc.org.uk/${subjectType}/${encodeURIComponent(subjectId)}`;
}

/**
 * Reads one provider or location record (as CQC's API gives it) for news since `since`
 * (YYYY-MM-DD): each report published on or after that day (with the overall rating before and
 * after, when the report set the current rating); a current rating that changed on or after it
 * without a report in the list; and an inspection visited after the latest published report
 * ("report expected"). Pure: the watcher stores what this returns, once per dedupe key.
 */
export function detectChanges(
  record: CqcRecord,
  subjectType: 'provider' | 'location',
  since: string,
): DetectedChange[] {
  const subjectId = text(subjectType === 'provider' ? record.providerId : record.locationId);
  if (!subjectId) return [];
  const subjectName = (text(record.name) ?? subjectId).slice(0, 200);
  const base = { subjectType, subjectId, subjectName };
  const keyOf = (tail: string) => `${subjectType}:${subjectId}:${tail}`.slice(0, 200);

  const reports: Report[] = list(record.reports)
    .filter(isObject)
    .map((r) => ({
      linkId: text(r.linkId) ?? '',
      reportDate: isoDate(r.reportDate) ?? '',
      firstVisitDate: isoDate(r.firstVisitDate),
      reportUri: text(r.reportUri),
    }))
    .filter((r) => r.linkId && r.reportDate);

  const current = isObject(record.currentRatings) ? record.currentRatings : {};
  const overall = isObject(current.overall) ? current.overall : {};
  const currentRating = text(overall.rating);
  const currentDate = isoDate(overall.reportDate) ?? isoDate(current.reportDate);
  const currentLink = text(overall.reportLinkId);
  const previousRating = previousOverallRating(record, currentDate);

  const changes: DetectedChange[] = [];
  const recent = reports.filter((r) => r.reportDate >= since);
  for (const report of recent) {
    const setsRating = currentRating !== null && report.linkId === currentLink;
    const oldRating = setsRating ? previousRating : null;
    const newRating = setsRating ? currentRating : null;
    changes.push({
      ...base,
      kind: 'REPORT_PUBLISHED',
      dedupeKey: keyOf(`report:${report.linkId}`),
      reportLinkId: report.linkId.slice(0, 60),
      reportDate: report.reportDate,
      reportUri: report.reportUri?.slice(0, 300) ?? null,
      inspectionDate: report.firstVisitDate,
      oldRating,
      newRating,
      summary: publishedSummary(subjectName, report.reportDate, oldRating, newRating),
    });
  }

  if (
    currentRating &&
    currentDate &&
    currentDate >= since &&
    previousRating &&
    previousRating !== currentRating &&
    !recent.some((r) => r.linkId === currentLink)
  ) {
    changes.push({
      ...base,
      kind: 'RATING_CHANGED',
      dedupeKey: keyOf(`rating:${currentLink ?? currentDate}:${currentRating}`),
      reportLinkId: currentLink?.slice(0, 60) ?? null,
      reportDate: currentDate,
      reportUri: null,
      inspectionDate: null,
      oldRating: previousRating,
      newRating: currentRating,
      summary: `${subjectName}: overall rating changed from ${previousRating} to ${currentRating} (${currentDate}).`,
    });
  }

  const visited = isObject(record.lastInspection) ? isoDate(record.lastInspection.date) : null;
  const published = reports.some(
    (r) =>
      (r.firstVisitDate !== null && r.firstVisitDate >= (visited ?? '')) ||
      r.reportDate >= (visited ?? ''),
  );
  const lastPublished = isObject(record.lastReport)
    ? isoDate(record.lastReport.publicationDate)
    : null;
  if (visited && !published && !(lastPublished && lastPublished >= visited)) {
    changes.push({
      ...base,
      kind: 'REPORT_EXPECTED',
      dedupeKey: keyOf(`expected:${visited}`),
      reportLinkId: null,
      reportDate: null,
      reportUri: null,
      inspectionDate: visited,
      oldRating: null,
      newRating: null,
      summary: `${subjectName}: inspected on ${visited}; report expected (not yet published).`,
    });
  }
  return changes;
}

/** The overall rating in force before `before`: the latest historic one dated earlier. */
function previousOverallRating(record: CqcRecord, before: string | null): string | null {
  let best: { date: string; rating: string } | null = null;
  for (const entry of list(record.historicRatings)) {
    if (!isObject(entry)) continue;
    const rating = isObject(entry.overall) ? text(entry.overall.rating) : null;
    const date = isoDate(entry.reportDate);
    if (!rating || !date || (before !== null && date >= before)) continue;
    if (!best || date > best.date) best = { date, rating };
  }
  return best?.rating ?? null;
}

function publishedSummary(
  name: string,
  date: string,
  oldRating: string | null,
  newRating: string | null,
): string {
  const head = `${name}: new report published ${date}`;
  if (!newRating) return `${head}.`;
  if (!oldRating) return `${head}; rated ${newRating} overall.`;
  if (oldRating === newRating) return `${head}; overall rating unchanged (${newRating}).`;
  return `${head}; overall rating changed from ${oldRating} to ${newRating}.`;
}
