import { canonicalCoreServiceName } from '../cqc/core-services';
import { KEY_QUESTIONS, KeyQuestion, RatingScope } from '../cqc/key-questions';
import { normaliseRating, Rating, RATINGS_NEEDING_IMPROVEMENT } from '../cqc/ratings';
import type { OrganisationKind } from '../organisations/organisation.entity';
import { parseUkDate } from './uk-dates';
import type { ImportWarning } from './report-parser';

export interface CqcRatingRow {
  coreService: string | null;
  scope: RatingScope;
  rating: Rating;
  ratedOn: string;
}

export interface CqcRatingFinding {
  coreService: string | null;
  keyQuestion: KeyQuestion | null;
  text: string;
  reference: string;
}

export interface ParsedCqcRecord {
  organisation: {
    name: string;
    odsCode: string | null;
    cqcProviderId: string;
    kind: OrganisationKind;
  };
  coreServices: string[];
  ratings: CqcRatingRow[];
  findings: CqcRatingFinding[];
  warnings: ImportWarning[];
}

export class NotACqcRecordError extends Error {}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const KINDS_BY_CATEGORY: Record<string, OrganisationKind> = {
  H1: 'acute',
  H6: 'community',
  H9: 'mental_health',
};

/**
 * Reads a provider or location record in the shape of CQC's public API. Unknown fields are
 * ignored and missing parts are fine; an unknown rating is a warning, never a failure. Every
 * current "Requires improvement" or "Inadequate" rating becomes a RATING finding.
 */
export function parseCqcRecord(input: unknown): ParsedCqcRecord {
  if (
    !isObject(input) ||
    !(text(input.providerId) || text(input.locationId)) ||
    !text(input.name)
  ) {
    throw new NotACqcRecordError(
      'This is not a CQC provider or location record: it needs providerId (or locationId) and name',
    );
  }
  const warnings: ImportWarning[] = [];
  const cqcProviderId = text(input.providerId) ?? text(input.locationId)!;
  const name = text(input.providerName) ?? text(input.name)!;
  const organisation = { name, odsCode: text(input.odsCode), cqcProviderId, kind: kindOf(input) };

  const ratings: CqcRatingRow[] = [];
  const coreServices = new Set<string>();
  const readRating = (
    coreService: string | null,
    scope: RatingScope,
    raw: unknown,
    date: unknown,
    where: string,
  ) => {
    const value = text(raw);
    if (!value) return;
    const rating = normaliseRating(value);
    const ratedOn = parseUkDate(date);
    if (!rating) {
      warnings.push({ message: `${where}: rating "${value}" is not one CQC uses; left out` });
      return;
    }
    if (!ratedOn) {
      warnings.push({ message: `${where}: rating has no readable reportDate; left out` });
      return;
    }
    ratings.push({ coreService, scope, rating, ratedOn });
  };
  const readBlock = (
    block: unknown,
    coreService: string | null,
    fallbackDate: unknown,
    where: string,
  ) => {
    if (!isObject(block)) return;
    const date = block.reportDate ?? fallbackDate;
    readRating(coreService, 'Overall', block.rating, date, `${where} overall`);
    for (const entry of list(block.keyQuestionRatings)) {
      if (!isObject(entry)) continue;
      const question = keyQuestion(entry.name);
      if (!question) {
        warnings.push({
          message: `${where}: key question "${String(entry.name)}" is not one of ${KEY_QUESTIONS.join(', ')}; left out`,
        });
        continue;
      }
      readRating(
        coreService,
        question,
        entry.rating,
        entry.reportDate ?? date,
        `${where} ${question}`,
      );
    }
  };
  const readServices = (services: unknown, fallbackDate: unknown) => {
    for (const service of list(services)) {
      if (!isObject(service) || !text(service.name)) continue;
      const serviceName = canonicalCoreServiceName(text(service.name)!).name;
      coreServices.add(serviceName);
      readBlock(service, serviceName, fallbackDate, serviceName);
    }
  };

  const current = isObject(input.currentRatings) ? input.currentRatings : {};
  readBlock(current.overall, null, current.reportDate, 'Trust');
  readServices(current.serviceRatings, current.reportDate);
  const currentRatings = [...ratings];
  for (const historic of list(input.historicRatings)) {
    if (!isObject(historic)) continue;
    readBlock(historic.overall, null, historic.reportDate, 'Historic trust');
    readServices(historic.serviceRatings, historic.reportDate);
  }

  let counter = 0;
  const findings: CqcRatingFinding[] = currentRatings
    .filter((row) => RATINGS_NEEDING_IMPROVEMENT.includes(row.rating))
    .map((row) => ({
      coreService: row.coreService,
      keyQuestion: row.scope === 'Overall' ? null : row.scope,
      text: `${row.coreService ?? 'The trust'} was rated ${row.rating.toLowerCase()} ${row.scope === 'Overall' ? 'overall' : `for ${row.scope.toLowerCase()}`} (report of ${row.ratedOn}).`,
      reference: `RI${++counter}`,
    }));

  return {
    organisation,
    coreServices: [...coreServices],
    ratings: dedupe(ratings),
    findings,
    warnings,
  };
}

function keyQuestion(value: unknown): KeyQuestion | null {
  const wanted = (typeof value === 'string' ? value : '').trim().toLowerCase().replace(/\s+/g, '-');
  return KEY_QUESTIONS.find((question) => question.toLowerCase() === wanted) ?? null;
}

function kindOf(record: Json): OrganisationKind {
  const kinds = new Set(
    list(record.inspectionCategories)
      .filter(isObject)
      .map((category) => KINDS_BY_CATEGORY[String(category.code)])
      .filter(Boolean),
  );
  if (kinds.size === 1) return [...kinds][0];
  return 'combined';
}

function dedupe(rows: CqcRatingRow[]): CqcRatingRow[] {
  const seen = new Map<string, CqcRatingRow>();
  for (const row of rows) seen.set(`${row.coreService ?? ''}|${row.scope}|${row.ratedOn}`, row);
  return [...seen.values()];
}
