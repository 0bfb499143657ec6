import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { AppError, FieldProblem, validationFailed } from '../common/app-error';
import { insertRows, insertRowsReturningIds, rowsPerStatement } from '../database/batch-insert';
import { refreshCurrentFacts } from '../delivery/current-facts';
import { recordLinks, recordRevisions } from '../history/revisions';
import { requireAssignable } from './action-people';
import { applyProgressUpdate, OPEN_STATUSES } from './action-rules';
import { Action, ActionStatus } from './action.entity';
import { DueDateChange } from './due-date-change.entity';
import { ProgressUpdate } from './progress-update.entity';

/*
 * The one place actions and their history are written. Every door (the API and the pages
 * through ActionsService, the plan import, the demo loader, the generator) calls these
 * functions inside its own transaction, so the same rules hold, the same history rows are
 * written and every change to a historised column gets its revision (history/revisions.ts)
 * valid from the same instant as the row's updated_at. The functions take an EntityManager
 * rather than Nest providers so the CLI, the demo loader and the generator can use them too.
 */

/** The longest text each action field takes: the API's limits (dto/action-write.dto.ts). */
export const ACTION_TEXT_LIMITS = {
  reference: 30,
  title: 300,
  description: 5000,
  successMeasure: 5000,
  interimMitigation: 5000,
  cancellationReason: 5000,
  note: 5000,
} as const;

export type ActionTextField = keyof typeof ACTION_TEXT_LIMITS;

/** Characters as the API's validator counts them (a surrogate pair is one). */
const lengthOf = (text: string) => [...text].length;

/**
 * What is wrong with the text fields given: too long, or present but blank where the API
 * needs words. Refused, never truncated: text the API refuses is refused by every door.
 */
export function actionTextProblems(
  fields: Partial<Record<ActionTextField, string | null | undefined>>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, value] of Object.entries(fields) as [ActionTextField, unknown][]) {
    if (typeof value !== 'string') continue;
    const text = value;
    const limit = ACTION_TEXT_LIMITS[field];
    if (lengthOf(text) > limit)
      problems.push({
        field,
        reason: `must be at most ${limit} characters (got ${lengthOf(text)})`,
      });
    else if (field === 'title' && !text.trim())
      problems.push({ field, reason: 'must not be empty' });
  }
  return problems;
}

function requireText(fields: Partial<Record<ActionTextField, string | null | undefined>>): void {
  const problems = actionTextProblems(fields);
  if (problems.length)
    throw new AppError('VALIDATION_FAILED', 'The request is not valid', problems);
}

/** Why the due date cannot move to `dueDate`, or null when it can. */
export function dueDateMoveProblem(
  action: Pick<Action, 'status' | 'dueDate' | 'startDate'>,
  dueDate: string,
): AppError | null {
  if (!OPEN_STATUSES.includes(action.status)) {
    return new AppError(
      'ACTION_CLOSED',
      `This action is ${action.status}; its due date no longer moves`,
    );
  }
  if (dueDate === action.dueDate) {
    return new AppError('DUE_DATE_UNCHANGED', `The action is already due on ${dueDate}`, [
      { field: 'dueDate', reason: 'same as the current due date', constraint: 'isUnchanged' },
    ]);
  }
  if (action.startDate && dueDate < action.startDate) {
    return validationFailed(
      'dueDate',
      `must not be before startDate (${action.startDate})`,
      'isNotBefore',
    );
  }
  return null;
}

/** A new action as every door describes it. */
export interface NewAction {
  organisationId: number;
  reference?: string | null;
  title: string;
  description?: string | null;
  successMeasure?: string | null;
  interimMitigation?: string | null;
  ownerId?: number | null;
  executiveLeadId?: number | null;
  startDate?: string | null;
  dueDate: string;
  /** The date first committed to, when an imported plan says it has slipped since. */
  originalDueDate?: string | null;
  findingIds: number[];
  /** Why the due date moved from the original one (a due_date_change row); needed when it did. */
  dueDateReason?: string;
  /** Who the first due_date_change is by (the importer). */
  changedById?: number;
  /**
   * Where a plan says the action already stands: its first progress entry, applied by the
   * same rule as a progress update through the API (applyProgressUpdate).
   */
  firstUpdate?: {
    authorId: number;
    note: string;
    progress?: number;
    status?: ActionStatus;
    offTrack: boolean;
  } | null;
}

/** The problems of one new action: the same rules whichever door it comes in by. */
export function newActionProblems(input: NewAction): FieldProblem[] {
  const problems = actionTextProblems({
    reference: input.reference,
    title: input.title,
    description: input.description,
    successMeasure: input.successMeasure,
    interimMitigation: input.interimMitigation,
  });
  if (!input.findingIds.length)
    problems.push({ field: 'findingIds', reason: 'an action addresses at least one finding' });
  if (input.startDate && input.startDate > input.dueDate)
    problems.push({
      field: 'startDate',
      reason: `must not be after dueDate (${input.dueDate})`,
      constraint: 'isNotAfter',
    });
  if (input.originalDueDate && input.startDate && input.originalDueDate < input.startDate)
    problems.push({
      field: 'originalDueDate',
      reason: `must not be before startDate (${input.startDate})`,
    });
  if (input.firstUpdate) problems.push(...actionTextProblems({ note: input.firstUpdate.note }));
  if (input.originalDueDate && input.originalDueDate !== input.dueDate && !input.changedById)
    problems.push({ field: 'changedById', reason: 'a moved due date names who moved it' });
  return problems;
}

/** How a batch is audited: one event per action, by whom and why; null audits nothing. */
export interface WriteAudit {
  audit: AuditService;
  summary?: (index: number) => string | undefined;
  actorId?: number | null;
}

/**
 * Creates actions in batches (the API makes one, the plan import thousands): checks every
 * one with the same rules first (nothing is written if any fails, the first problem is the
 * error, prefixed by `label(i)` when given), then inserts the rows, their links to findings,
 * a due-date change where the original date has slipped, the audit events, their first
 * revisions and open link-history rows, all valid from `at`. Returns the new ids in order.
 */
export async function createActions(
  manager: EntityManager,
  inputs: NewAction[],
  at: string,
  audit: WriteAudit | null,
  label?: (index: number) => string,
): Promise<number[]> {
  if (!inputs.length) return [];
  inputs.forEach((input, i) => {
    const problems = newActionProblems(input);
    if (problems.length) {
      const prefix = label ? `${label(i)} ` : '';
      throw new AppError(
        'VALIDATION_FAILED',
        `${prefix}is not valid`.trim(),
        problems.map((p) => ({ field: `${prefix}${p.field}`.trim(), reason: p.reason })),
      );
    }
  });
  // Nobody is given an action they could not act on, whichever door it comes in by.
  await requireAssignable(manager, inputs, label);
  const notStarted: ActionStatus = 'NOT_STARTED';
  // The first progress entry's outcome, by the API's rule; a refusal names the row.
  const outcomes = inputs.map((input, i) => {
    const first = input.firstUpdate;
    if (!first) return null;
    try {
      return applyProgressUpdate(
        { status: notStarted, progress: 0 },
        { progress: first.progress, status: first.status },
      );
    } catch (error) {
      if (error instanceof AppError && label)
        throw new AppError(error.code, `${label(i)}: ${error.message}`, [
          { field: label(i), reason: error.message },
        ]);
      throw error;
    }
  });
  const rows = inputs.map((input, i) => ({
    organisationId: input.organisationId,
    reference: input.reference?.trim() || null,
    title: input.title.trim(),
    description: input.description ?? null,
    successMeasure: input.successMeasure ?? null,
    interimMitigation: input.interimMitigation ?? null,
    ownerId: input.ownerId ?? null,
    executiveLeadId: input.executiveLeadId ?? null,
    startDate: input.startDate ?? null,
    dueDate: input.dueDate,
    originalDueDate: input.originalDueDate ?? input.dueDate,
    progress: outcomes[i]?.progress ?? 0,
    status: outcomes[i]?.statusTo ?? notStarted,
    cancellationReason: null,
    assuredById: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  }));
  const ids = await insertRowsReturningIds(manager, Action, rows);
  await insertLinks(
    manager,
    inputs.flatMap((input, i) => [...new Set(input.findingIds)].map((f) => [ids[i], f] as const)),
  );
  // A plan's revised target date is the action's first slip, kept as its history says.
  await insertRows(
    manager,
    DueDateChange,
    rows.flatMap((row, i) =>
      row.originalDueDate !== row.dueDate
        ? [
            {
              actionId: ids[i],
              previousDueDate: row.originalDueDate,
              newDueDate: row.dueDate,
              reason: inputs[i].dueDateReason ?? 'Revised target date',
              changedById: inputs[i].changedById!,
              createdAt: at,
            },
          ]
        : [],
    ),
  );
  await insertRows(
    manager,
    ProgressUpdate,
    inputs.flatMap(({ firstUpdate }, i) => {
      const outcome = outcomes[i];
      return firstUpdate && outcome
        ? [
            {
              actionId: ids[i],
              authorId: firstUpdate.authorId,
              createdAt: at,
              note: firstUpdate.note.trim(),
              progress: outcome.progress,
              statusFrom: outcome.statusTo ? notStarted : null,
              statusTo: outcome.statusTo,
              offTrack: firstUpdate.offTrack,
            },
          ]
        : [];
    }),
  );
  if (audit)
    await audit.audit.recordMany(
      manager,
      rows.map((row, i) => ({
        action: 'create' as const,
        entity: 'action',
        entityId: ids[i],
        after: { id: ids[i], ...row, findingIds: inputs[i].findingIds },
        summary: audit.summary?.(i),
        ...(audit.actorId !== undefined ? { actorId: audit.actorId } : {}),
      })),
    );
  await recordRevisions(manager, 'action', ids, at);
  await recordLinks(manager, ids, at);
  return ids;
}

/** action_finding rows (a join table with no entity of its own), in multi-row INSERTs. */
async function insertLinks(
  manager: EntityManager,
  pairs: (readonly [number, number])[],
): Promise<void> {
  const postgres = manager.connection.options.type === 'postgres';
  const size = rowsPerStatement(manager, 2);
  for (let start = 0; start < pairs.length; start += size) {
    const chunk = pairs.slice(start, start + size);
    const values = chunk
      .map((_, i) => (postgres ? `($${2 * i + 1}, $${2 * i + 2})` : '(?, ?)'))
      .join(', ');
    await manager.query(
      `INSERT INTO action_finding (action_id, finding_id) VALUES ${values}`,
      chunk.flat(),
    );
  }
}

/** The finding ids an action addressed before a relink and after it, each ascending. */
export interface FindingLinkChange {
  before: number[];
  after: number[];
}

const ascending = (ids: number[]) => [...ids].sort((a, b) => a - b);

/**
 * The findings an action addresses become exactly `findingIds` (already checked to exist).
 * Returns the ids before and after, so the write's audit event can say what was linked and
 * unlinked (the action row itself does not change when only its links do).
 */
export async function relinkFindings(
  manager: EntityManager,
  actionId: number,
  findingIds: number[],
): Promise<FindingLinkChange> {
  const links = manager.createQueryBuilder().relation(Action, 'findings').of(actionId);
  const current = (await links.loadMany<{ id: number }>()).map((f) => f.id);
  const wanted = [...new Set(findingIds)];
  await links.addAndRemove(
    wanted.filter((f) => !current.includes(f)),
    current.filter((c) => !wanted.includes(c)),
  );
  return { before: ascending(current), after: ascending(wanted) };
}

/** A progress entry (a note, maybe a status change) on `action` as it stands before it. */
export async function addProgressEntry(
  manager: EntityManager,
  action: Pick<Action, 'id' | 'status'>,
  at: string,
  entry: {
    authorId: number;
    note: string;
    progress: number;
    statusTo: ActionStatus | null;
    offTrack: boolean;
  },
): Promise<number> {
  requireText({ note: entry.note });
  const inserted = await manager.insert(ProgressUpdate, {
    actionId: action.id,
    createdAt: at,
    authorId: entry.authorId,
    note: entry.note.trim(),
    progress: entry.progress,
    statusFrom: entry.statusTo ? action.status : null,
    statusTo: entry.statusTo,
    offTrack: entry.offTrack,
  });
  await refreshCurrentFacts(manager, { actionIds: [action.id] });
  return Number(inserted.identifiers[0].id);
}

/** A due-date move, checked (open action, a new date, not before the start), with its reason. */
export async function addDueDateChange(
  manager: EntityManager,
  action: Pick<Action, 'id' | 'status' | 'dueDate' | 'startDate'>,
  dueDate: string,
  reason: string,
  changedById: number,
  at: string,
): Promise<number> {
  const problem = dueDateMoveProblem(action, dueDate);
  if (problem) throw problem;
  requireText({ note: reason });
  const inserted = await manager.insert(DueDateChange, {
    actionId: action.id,
    previousDueDate: action.dueDate,
    newDueDate: dueDate,
    reason: reason.trim(),
    changedById,
    createdAt: at,
  });
  await refreshCurrentFacts(manager, { actionIds: [action.id] });
  return Number(inserted.identifiers[0].id);
}

/**
 * Writes `changes` to the live row (version + 1, updated_at = `at`), then the action's
 * revision and link history valid from the same `at`, then the audit event (unless `audit`
 * is null: the bulk loaders replaying a past), with any relink's finding ids when given.
 * Text is checked against the API's limits.
 */
export async function changeAction(
  manager: EntityManager,
  action: Action,
  changes: Partial<Action>,
  at: string,
  audit: {
    audit: AuditService;
    entry: Omit<AuditEntry, 'before' | 'after'>;
    /** A relink in the same write: its finding ids go into the event's before and after. */
    links?: FindingLinkChange;
  } | null,
): Promise<Action> {
  requireText({
    reference: changes.reference,
    title: changes.title,
    description: changes.description,
    successMeasure: changes.successMeasure,
    interimMitigation: changes.interimMitigation,
    cancellationReason: changes.cancellationReason,
  });
  if (changes.ownerId || changes.executiveLeadId)
    await requireAssignable(manager, [
      {
        organisationId: action.organisationId,
        ownerId: changes.ownerId,
        executiveLeadId: changes.executiveLeadId,
      },
    ]);
  const after = { ...changes, version: action.version + 1, updatedAt: at };
  await manager.update(Action, { id: action.id }, after);
  // Every write records a revision: version and updated_at are historised too, so a record
  // as at a past day shows the version it had then (history/historised.ts).
  await recordRevisions(manager, 'action', [action.id], at);
  await recordLinks(manager, [action.id], at);
  const { findings: _findings, ...before } = action;
  if (audit) {
    const links = audit.links;
    await audit.audit.record(manager, {
      ...audit.entry,
      before: links ? { ...before, findingIds: links.before } : before,
      after: { ...before, ...after, ...(links ? { findingIds: links.after } : {}) },
    });
  }
  return Object.assign(action, after);
}

/** The writer for Nest code: the same functions, with the app's audit service. */
@Injectable()
export class ActionWriter {
  constructor(readonly audit: AuditService) {}

  createMany(
    manager: EntityManager,
    inputs: NewAction[],
    at: string,
    summary?: (index: number) => string | undefined,
    label?: (index: number) => string,
  ): Promise<number[]> {
    return createActions(manager, inputs, at, { audit: this.audit, summary }, label);
  }

  change(
    manager: EntityManager,
    action: Action,
    changes: Partial<Action>,
    at: string,
    entry: Omit<AuditEntry, 'before' | 'after'>,
  ): Promise<Action> {
    return changeAction(manager, action, changes, at, { audit: this.audit, entry });
  }
}
