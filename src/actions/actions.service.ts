import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { longDate, nowTimestamp, todayDate } from '../common/dates';
import { Page, toPage } from '../common/pagination';
import { expectedVersion } from '../common/request-params';
import { checkVersion } from '../common/sql';
import { Transactions } from '../database/transactions';
import { FindingsService } from '../findings/findings.service';
import { UsersService } from '../users/users.service';
import { ActionFactsRow } from '../delivery/action-facts.sql';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { checkAssurerIndependent } from './assurance-independence';
import {
  Actor,
  applyProgressUpdate,
  checkAssurance,
  checkLeadsAction,
  checkOwnsAction,
  checkTransition,
} from './action-rules';
import { Action, ActionStatus } from './action.entity';
import {
  addDueDateChange,
  addProgressEntry,
  changeAction,
  FindingLinkChange,
  createActions,
  relinkFindings,
} from './action-writer';
import {
  ActionDto,
  DueDateChangeDto,
  ListActionsQueryDto,
  ProgressUpdateDto,
} from './dto/action-read.dto';
import {
  AssignActionDto,
  AssureActionDto,
  CancelActionDto,
  ChangeDueDateDto,
  CreateActionDto,
  PostProgressDto,
  UpdateActionDto,
} from './dto/action-write.dto';
import { toActionDto, toDueDateChangeDto, toProgressUpdateDto } from './dto/action.mapper';
import { DueDateChange } from './due-date-change.entity';
import { countAcceptedInForce } from './evidence-validity';
import { ProgressUpdate } from './progress-update.entity';
import { closePendingDueDateRequests } from './pending-due-date-requests';

/** What a change to an action did: its new field values, and anything it created. */
export interface ActionChange {
  changes: Partial<Action>;
  created?: { entity: string; id: number };
  /** The findings relinked by this change, for its audit event. */
  links?: FindingLinkChange;
}

const ACTION_RELATIONS = {
  owner: true,
  executiveLead: true,
  assuredBy: true,
  findings: true,
} as const;

@Injectable()
export class ActionsService {
  constructor(
    @InjectRepository(Action) private readonly actions: Repository<Action>,
    @InjectRepository(ProgressUpdate) private readonly progressUpdates: Repository<ProgressUpdate>,
    @InjectRepository(DueDateChange) private readonly dueDateChanges: Repository<DueDateChange>,
    private readonly facts: ActionFactsRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListActionsQueryDto): Promise<Page<ActionDto>> {
    const asOf = query.asOf ?? todayDate();
    const { rows, total } = await this.facts.findPage(query, asOf);
    return toPage(await this.withEntities(rows, asOf), total, query);
  }

  /** The next batch after an id, in id order: how exports walk every matching action. */
  async batchAfter(
    query: ListActionsQueryDto,
    asOf: string,
    afterId: number,
    limit: number,
  ): Promise<ActionDto[]> {
    return this.withEntities(await this.facts.findBatchAfter(query, asOf, afterId, limit), asOf);
  }

  private async withEntities(rows: ActionFactsRow[], asOf: string): Promise<ActionDto[]> {
    const byId = await this.facts.findWithPeopleAndFindings(
      rows.map((row) => Number(row.id)),
      asOf,
    );
    return rows.map((row) => toActionDto(byId.get(Number(row.id))!, row, asOf));
  }

  async get(id: number, asOf = todayDate()): Promise<ActionDto> {
    const live = await this.actions.findOne({ where: { id }, relations: ACTION_RELATIONS });
    if (!live) throw notFound(id);
    TrustAccess.requireReadable(live.organisationId, () => notFound(id));
    const row = await this.facts.findOne(id, asOf);
    if (!row) throw new AppError('ACTION_NOT_FOUND', `Action ${id} did not exist on ${asOf}`);
    // Today the live row is the record; a past day reads the revisions (history/).
    const action =
      asOf >= todayDate()
        ? live
        : (await this.facts.findWithPeopleAndFindings([id], asOf)).get(id)!;
    return toActionDto(action, row, asOf);
  }

  async create(dto: CreateActionDto): Promise<ActionDto> {
    const [action] = await this.createMany([dto]);
    return action;
  }

  /**
   * Several actions in one transaction, each checked as one made alone: all are stored, or
   * none (planning a whole import's findings at once).
   */
  async createMany(dtos: CreateActionDto[]): Promise<ActionDto[]> {
    const ids = await this.transactions.run(async (manager) => {
      const inputs = [];
      for (const dto of dtos) {
        const findings = await FindingsService.requireAll(manager, dto.findingIds);
        const organisationId = findings[0].organisationId;
        TrustAccess.requireWritable(organisationId, () =>
          invalidReference('findingIds', `no finding ${dto.findingIds.join(', ')}`),
        );
        if (dto.ownerId)
          await UsersService.requireActive(manager, dto.ownerId, 'ownerId', organisationId);
        if (dto.executiveLeadId)
          await UsersService.requireActive(
            manager,
            dto.executiveLeadId,
            'executiveLeadId',
            organisationId,
          );
        inputs.push({
          organisationId,
          reference: dto.reference,
          title: dto.title,
          description: dto.description,
          successMeasure: dto.successMeasure,
          interimMitigation: dto.interimMitigation,
          ownerId: dto.ownerId,
          executiveLeadId: dto.executiveLeadId,
          startDate: dto.startDate,
          dueDate: dto.dueDate,
          findingIds: findings.map((f) => f.id),
        });
      }
      // Planned together, each event says so, so the audit trail shows one decision.
      const summary =
        dtos.length > 1 ? (i: number) => `Planned together: ${i + 1} of ${dtos.length}` : undefined;
      return createActions(manager, inputs, nowTimestamp(), { audit: this.audit, summary });
    });
    return Promise.all(ids.map((id) => this.get(id)));
  }

  async update(id: number, dto: UpdateActionDto, ifMatch?: number): Promise<ActionDto> {
    return this.mutate(
      id,
      expectedVersion(dto.version, ifMatch),
      'Details changed',
      async (manager, action) => {
        const { version: _version, findingIds, ...fields } = dto;
        if (fields.startDate !== undefined && fields.startDate > action.dueDate) {
          throw validationFailed('startDate', `must not be after the due date (${action.dueDate})`);
        }
        const links = findingIds
          ? await this.relinkFindings(manager, action, findingIds)
          : undefined;
        return {
          changes: { ...fields, ...(fields.title ? { title: fields.title.trim() } : {}) },
          links,
        };
      },
    );
  }

  async assign(id: number, dto: AssignActionDto, ifMatch?: number): Promise<ActionDto> {
    if (dto.ownerId === undefined && dto.executiveLeadId === undefined) {
      throw validationFailed('ownerId', 'name an ownerId, an executiveLeadId, or both');
    }
    return this.mutate(
      id,
      expectedVersion(dto.version, ifMatch),
      'Assigned',
      async (manager, action) => {
        const changes: Partial<Action> = {};
        if (dto.ownerId !== undefined) {
          changes.ownerId = (
            await UsersService.requireActive(manager, dto.ownerId, 'ownerId', action.organisationId)
          ).id;
        }
        if (dto.executiveLeadId !== undefined) {
          const lead = await UsersService.requireActive(
            manager,
            dto.executiveLeadId,
            'executiveLeadId',
            action.organisationId,
          );
          changes.executiveLeadId = lead.id;
        }
        return { changes };
      },
    );
  }

  async postProgress(
    id: number,
    dto: PostProgressDto,
    actor: Actor,
    ifMatch?: number,
  ): Promise<ActionDto> {
    return this.mutate(
      id,
      expectedVersion(dto.version, ifMatch),
      dto.note,
      async (manager, action, now) => {
        checkOwnsAction(TrustAccess.actorIn(actor, action.organisationId), action);
        const outcome = applyProgressUpdate(action, { progress: dto.progress, status: dto.status });
        const entryId = await this.recordHistory(manager, action, now, {
          authorId: actor.id,
          note: dto.note,
          progress: outcome.progress,
          statusTo: outcome.statusTo,
          offTrack: dto.offTrack ?? false,
        });
        const reopensAssured = outcome.statusTo === 'IN_PROGRESS' && action.status === 'ASSURED';
        return {
          changes: {
            progress: outcome.progress,
            ...(outcome.statusTo ? { status: outcome.statusTo } : {}),
            ...(reopensAssured ? { assuredById: null } : {}),
          },
          created: { entity: 'progress_update', id: entryId },
        };
      },
    );
  }

  /** Moves the due date at once: a quality lead, or the executive who leads the action. */
  async changeDueDate(
    id: number,
    dto: ChangeDueDateDto,
    actor: Actor,
    ifMatch?: number,
  ): Promise<ActionDto> {
    return this.mutate(
      id,
      expectedVersion(dto.version, ifMatch),
      dto.reason,
      async (manager, action, now) => {
        checkLeadsAction(TrustAccess.actorIn(actor, action.organisationId), action);
        const changeId = await this.moveDueDate(
          manager,
          action,
          dto.dueDate,
          dto.reason,
          actor.id,
          now,
        );
        return {
          changes: { dueDate: dto.dueDate },
          created: { entity: 'due_date_change', id: changeId },
        };
      },
    );
  }

  async assure(
    id: number,
    dto: AssureActionDto,
    actor: Actor,
    ifMatch?: number,
  ): Promise<ActionDto> {
    return this.mutate(
      id,
      expectedVersion(dto.version, ifMatch),
      dto.note ?? 'Assured',
      async (manager, action, now) => {
        checkLeadsAction(TrustAccess.actorIn(actor, action.organisationId), action);
        // Expired evidence no longer shows the action works (evidence-validity.ts).
        const acceptedEvidence = await countAcceptedInForce(manager, id, todayDate());
        checkAssurance({
          status: action.status,
          ownerId: action.ownerId,
          assurerId: actor.id,
          acceptedEvidence,
        });
        await checkAssurerIndependent(manager, id, actor.id);
        await this.recordHistory(manager, action, now, {
          authorId: actor.id,
          note: dto.note ?? 'Assured',
          progress: 100,
          statusTo: 'ASSURED',
          offTrack: false,
        });
        return { changes: { status: 'ASSURED', assuredById: actor.id } };
      },
    );
  }

  async cancel(
    id: number,
    dto: CancelActionDto,
    actor: Actor,
    ifMatch?: number,
  ): Promise<ActionDto> {
    return this.mutate(
      id,
      expectedVersion(dto.version, ifMatch),
      dto.reason,
      async (manager, action, now) => {
        checkTransition(action.status, 'CANCELLED');
        await this.recordHistory(manager, action, now, {
          authorId: actor.id,
          note: dto.reason,
          progress: action.progress,
          statusTo: 'CANCELLED',
          offTrack: false,
        });
        await closePendingDueDateRequests(manager, this.audit, action, {
          state: 'CLOSED',
          note: 'The action was cancelled before this request was decided.',
          actorId: actor.id,
          at: now,
        });
        return { changes: { status: 'CANCELLED', cancellationReason: dto.reason.trim() } };
      },
    );
  }

  async history(id: number): Promise<ProgressUpdateDto[]> {
    await this.requireExists(id);
    const rows = await this.progressUpdates.find({
      where: { actionId: id },
      relations: { author: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toProgressUpdateDto);
  }

  async dueDateHistory(id: number): Promise<DueDateChangeDto[]> {
    await this.requireExists(id);
    const rows = await this.dueDateChanges.find({
      where: { actionId: id },
      relations: { changedBy: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toDueDateChangeDto);
  }

  /** The action exists and is in one of the caller's trusts (else 404, revealing nothing). */
  async requireExists(id: number): Promise<void> {
    const action = await this.actions.findOne({
      where: { id },
      select: { id: true, organisationId: true },
    });
    TrustAccess.requireReadable(action?.organisationId, () => notFound(id));
  }

  /**
   * The shape of every write to an action: lock it, check the version the caller read, apply
   * the change, bump the version and write one audit event, all in one transaction; then
   * answer with the new state. The audit event names what the change created, if anything
   * (a progress update, a due-date change), or else the action itself.
   */
  async mutate(
    id: number,
    expectedVersion: number | undefined,
    summary: string,
    change: (manager: EntityManager, action: Action, now: string) => Promise<ActionChange>,
  ): Promise<ActionDto> {
    await this.transactions.run(async (manager) => {
      const action = await this.transactions.findForUpdate(manager, Action, id);
      if (!action) throw notFound(id);
      TrustAccess.requireWritable(action.organisationId, () => notFound(id));
      checkVersion('action', action.version, expectedVersion);
      const now = nowTimestamp();
      const { changes, created, links } = await change(manager, action, now);
      await changeAction(manager, action, changes, now, {
        audit: this.audit,
        links,
        entry: {
          action: created ? 'create' : 'update',
          entity: created?.entity ?? 'action',
          entityId: created?.id ?? id,
          subject: `action:${id}`,
          summary: created ? `On action ${id}: ${summary}` : summary,
        },
      });
    });
    return this.get(id);
  }

  /**
   * Writes a due-date change (the reason is required) inside a caller's transaction, and ends
   * any request for a new date still waiting: the date has now been set.
   */
  async moveDueDate(
    manager: EntityManager,
    action: Action,
    dueDate: string,
    reason: string,
    changedById: number,
    now: string,
  ): Promise<number> {
    const changeId = await addDueDateChange(manager, action, dueDate, reason, changedById, now);
    await closePendingDueDateRequests(manager, this.audit, action, {
      state: 'SUPERSEDED',
      note: `The due date was changed to ${longDate(dueDate)} before this request was decided.`,
      actorId: changedById,
      at: now,
    });
    return changeId;
  }

  private async relinkFindings(
    manager: EntityManager,
    action: Action,
    findingIds: number[],
  ): Promise<FindingLinkChange> {
    const findings = await FindingsService.requireAll(manager, findingIds);
    if (findings[0].organisationId !== action.organisationId) {
      throw validationFailed('findingIds', "findings must belong to the action's organisation");
    }
    return relinkFindings(
      manager,
      action.id,
      findings.map((f) => f.id),
    );
  }

  private async recordHistory(
    manager: EntityManager,
    action: Action,
    now: string,
    entry: {
      authorId: number;
      note: string;
      progress: number;
      statusTo: ActionStatus | null;
      offTrack: boolean;
    },
  ): Promise<number> {
    return addProgressEntry(manager, action, now, entry);
  }
}

function notFound(id: number): AppError {
  return new AppError('ACTION_NOT_FOUND', `No action ${id}`);
}
