import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { endOfDay } from '../common/dates';
import { ReadSnapshot } from '../database/read-snapshot';
import type { Finding, FindingType, RegulationCitation } from '../findings/finding.entity';
import { tablesAsAt } from './as-at-tables';

/** What reports read of a finding, as it stood at the end of a day. */
export type FindingAsAt = Pick<
  Finding,
  | 'id'
  | 'organisationId'
  | 'coreServiceId'
  | 'keyQuestion'
  | 'qualityStatement'
  | 'type'
  | 'deadline'
  | 'regulations'
  | 'reference'
  | 'text'
>;

/**
 * The findings of a trust as they stood at the end of `asOf` (text, type, regulations, core
 * service and the rest from their revisions), in id order; optionally only some types or one
 * core service.
 */
export async function findingsAsAt(
  dataSource: DataSource,
  organisationId: number,
  asOf: string,
  filter: { types?: FindingType[]; coreServiceId?: number } = {},
): Promise<FindingAsAt[]> {
  const t = tablesAsAt(dataSource, asOf);
  const where = ['f.organisation_id = :organisationId', 'f.created_at <= :asOfEnd'];
  const params: Record<string, unknown> = { organisationId, asOfEnd: endOfDay(asOf) };
  if (filter.types) {
    where.push('f.type IN (:...types)');
    params.types = filter.types;
  }
  if (filter.coreServiceId) {
    where.push('f.core_service_id = :coreServiceId');
    params.coreServiceId = filter.coreServiceId;
  }
  const rows = await query<Record<string, unknown>>(
    dataSource,
    `SELECT f.id, f.organisation_id, f.core_service_id, f.key_question, f.quality_statement,
            f.type, f.deadline, f.regulations, f.reference, f.text
     FROM ${t.finding} f WHERE ${where.join(' AND ')} ORDER BY f.id`,
    params,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    organisationId: Number(row.organisation_id),
    coreServiceId: row.core_service_id === null ? null : Number(row.core_service_id),
    keyQuestion: row.key_question as Finding['keyQuestion'],
    qualityStatement: row.quality_statement as string | null,
    type: row.type as FindingType,
    deadline: row.deadline as string | null,
    regulations: parseRegulations(row.regulations),
    reference: row.reference as string | null,
    text: row.text as string,
  }));
}

/** The names of a trust's core services as they stood at the end of `asOf`, by id. */
export async function coreServiceNamesAsAt(
  dataSource: DataSource,
  organisationId: number,
  asOf: string,
): Promise<Map<number, string>> {
  const t = tablesAsAt(dataSource, asOf);
  const rows = await query<{ id: number; name: string }>(
    dataSource,
    `SELECT cs.id, cs.name FROM ${t.core_service} cs
     WHERE cs.organisation_id = :organisationId ORDER BY cs.id`,
    { organisationId, asOfEnd: endOfDay(asOf) },
  );
  return new Map(rows.map((row) => [Number(row.id), row.name]));
}

/** `simple-json` is text on both engines (PostgreSQL's driver may hand back parsed JSON). */
function parseRegulations(value: unknown): RegulationCitation[] {
  if (Array.isArray(value)) return value as RegulationCitation[];
  return typeof value === 'string' && value ? (JSON.parse(value) as RegulationCitation[]) : [];
}

function query<T>(
  dataSource: DataSource,
  sql: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const [text, values] = dataSource.driver.escapeQueryWithParameters(sql, params, {});
  return ReadSnapshot.manager(dataSource).query(text, values);
}

/** People's names as they stood at the end of `asOf` (what reports print of them), by id. */
export async function userNamesAsAt(
  dataSource: DataSource,
  ids: readonly number[],
  asOf: string,
): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const t = tablesAsAt(dataSource, asOf);
  const rows = await query<{ id: number; name: string }>(
    dataSource,
    `SELECT u.id, u.name FROM ${t.app_user} u WHERE u.id IN (:...ids)`,
    { ids: unique, asOfEnd: endOfDay(asOf) },
  );
  return new Map(rows.map((row) => [Number(row.id), row.name]));
}

/**
 * Puts the names people had at the end of `asOf` on loaded relations (authors, reviewers):
 * entities load today's names, and a report as at a past day must print the names of then.
 */
export async function renamePeopleAsAt(
  dataSource: DataSource,
  people: ({ id: number; name: string } | null | undefined)[],
  asOf: string,
): Promise<void> {
  const present = people.filter((p): p is { id: number; name: string } => !!p);
  const names = await userNamesAsAt(
    dataSource,
    present.map((p) => p.id),
    asOf,
  );
  for (const person of present) person.name = names.get(person.id) ?? person.name;
}

/**
 * A raw row of an as-at source turned into an entity object, each column converted the way
 * TypeORM converts a loaded column (JSON text, booleans, dates), so the read side can hand it
 * to the same DTO mappers as a loaded entity.
 */
export function hydrate<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = dataSource.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    const value: unknown = dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
    (entity as Record<string, unknown>)[column.propertyName] = value;
  }
  return entity;
}

/** A trust's name as it stood at the end of `asOf`; its name now if it had none yet. */
export async function organisationNameAsAt(
  dataSource: DataSource,
  organisation: { id: number; name: string },
  asOf: string,
): Promise<string> {
  const t = tablesAsAt(dataSource, asOf);
  const [row] = await query<{ name: string }>(
    dataSource,
    `SELECT o.name FROM ${t.organisation} o WHERE o.id = :id`,
    { id: organisation.id, asOfEnd: endOfDay(asOf) },
  );
  return row?.name ?? organisation.name;
}

/** Inspections' publication dates as they stood at the end of `asOf`, by id. */
export async function publicationDatesAsAt(
  dataSource: DataSource,
  ids: readonly number[],
  asOf: string,
): Promise<Map<number, string | null>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const t = tablesAsAt(dataSource, asOf);
  const rows = await query<{ id: number; published_on: string | null }>(
    dataSource,
    `SELECT i.id, i.published_on FROM ${t.inspection} i WHERE i.id IN (:...ids)`,
    { ids: unique, asOfEnd: endOfDay(asOf) },
  );
  return new Map(rows.map((row) => [Number(row.id), row.published_on]));
}
