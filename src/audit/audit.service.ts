import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertRows } from '../database/batch-insert';
import { nowTimestamp } from '../common/dates';
import { RequestContext } from '../common/request-context';
import { AuditAction, AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  action: AuditAction;
  entity: string;
  entityId?: number | string | null;
  /** The record this belongs to (`action:4`); defaults to the entity itself. */
  subject?: string;
  before?: object | null;
  after?: object | null;
  summary?: string;
  /** Defaults to the signed-in user of the current request. */
  actorId?: number | null;
  /**
   * The trust the event belongs to. Defaults to the record's own `organisationId`, or the
   * organisation itself; events of no trust (sign-ins, accounts) are read by admins only.
   */
  organisationId?: number | null;
}

/** Fields never written to the audit trail. */
const SECRET_FIELDS = new Set(['passwordHash', 'tokenHash', 'csrfToken', 'password']);

/**
 * Writes audit events inside the caller's transaction, so an event exists exactly when the
 * change it records was committed. Updates keep only the fields that changed.
 */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEvent, eventOf(entry));
  }

  /** Many events in as few statements as the database allows (a plan import's thousands). */
  async recordMany(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    await insertRows(manager, AuditEvent, entries.map(eventOf));
  }
}

function eventOf(entry: AuditEntry): QueryDeepPartialEntity<AuditEvent> {
  const context = RequestContext.current();
  const changes = diff(entry.before ?? null, entry.after ?? null);
  const entityId =
    entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId);
  return {
    at: nowTimestamp(),
    actorId: entry.actorId !== undefined ? entry.actorId : (context?.user?.id ?? null),
    requestId: context?.requestId ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entityId,
    subject: entry.subject ?? (entityId === null ? null : `${entry.entity}:${entityId}`),
    changes: changes ? JSON.stringify(changes) : null,
    summary: entry.summary?.slice(0, 500) ?? null,
    organisationId: organisationOf(entry),
  };
}

function organisationOf(entry: AuditEntry): number | null {
  if (entry.organisationId !== undefined) return entry.organisationId;
  if (entry.entity === 'organisation' && entry.entityId) return Number(entry.entityId);
  for (const record of [entry.after, entry.before]) {
    const value = (record as { organisationId?: unknown } | null | undefined)?.organisationId;
    if (typeof value === 'number') return value;
  }
  return null;
}

function plain(value: object | null): Record<string, unknown> | null {
  if (!value) return null;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (
      SECRET_FIELDS.has(key) ||
      (typeof field === 'object' && field !== null && !Array.isArray(field))
    )
      continue;
    result[key] = field;
  }
  return result;
}

/** `{ before, after }` limited to the fields that differ (all fields for a create). */
export function diff(
  before: object | null,
  after: object | null,
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null {
  const b = plain(before);
  const a = plain(after);
  if (!b || !a) return b || a ? { before: b, after: a } : null;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (key) => JSON.stringify(b[key]) !== JSON.stringify(a[key]),
  );
  return {
    before: Object.fromEntries(keys.map((key) => [key, b[key] ?? null])),
    after: Object.fromEntries(keys.map((key) => [key, a[key] ?? null])),
  };
}
