import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, validationFailed } from '../common/app-error';
import { nowTimestamp, todayDate } from '../common/dates';
import { Transactions } from '../database/transactions';
import { toUserRef, UserRefDto } from '../users/dto/user.dto';
import { User } from '../users/user.entity';
import { Actor, checkLeadsAction, checkOwnsAction, OPEN_STATUSES } from './action-rules';
import { Action } from './action.entity';
import { ActionsService } from './actions.service';
import { ActionDto } from './dto/action-read.dto';
import { DecideDueDateRequestDto, RequestDueDateDto } from './dto/action-write.dto';
import {
  DUE_DATE_REQUEST_STATES,
  DueDateRequest,
  DueDateRequestState,
} from './due-date-request.entity';

export class DueDateRequestDto {
  @ApiProperty() id: number;
  @ApiProperty() actionId: number;
  @ApiProperty({ type: UserRefDto, nullable: true }) requestedBy: UserRefDto | null;
  @ApiProperty() requestedAt: string;
  @ApiProperty() newDueDate: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: DUE_DATE_REQUEST_STATES }) state: DueDateRequestState;
  @ApiProperty({ type: UserRefDto, nullable: true }) decidedBy: UserRefDto | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote: string | null;
}

function toDto(request: DueDateRequest): DueDateRequestDto {
  return {
    id: request.id,
    actionId: request.actionId,
    requestedBy: toUserRef(request.requestedBy),
    requestedAt: request.requestedAt,
    newDueDate: request.newDueDate,
    reason: request.reason,
    state: request.state,
    decidedBy: toUserRef(request.decidedBy),
    decidedAt: request.decidedAt,
    decisionNote: request.decisionNote,
  };
}

/**
 * An owner asks for a new due date with a reason; the executive who leads the action, or a
 * quality lead, approves (which moves the date, keeping the reason) or rejects it.
 */
@Injectable()
export class DueDateRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly actions: ActionsService,
    private readonly audit: AuditService,
  ) {}

  async list(actionId: number): Promise<DueDateRequestDto[]> {
    await this.actions.requireExists(actionId);
    const rows = await this.dataSource.getRepository(DueDateRequest).find({
      where: { actionId },
      relations: { requestedBy: true, decidedBy: true },
      order: { id: 'ASC' },
    });
    return rows.map(toDto);
  }

  async request(
    actionId: number,
    dto: RequestDueDateDto,
    actor: Actor,
  ): Promise<DueDateRequestDto> {
    const id = await this.transactions.run(async (manager) => {
      const action = await manager.findOneBy(Action, { id: actionId });
      if (!action) throw new AppError('ACTION_NOT_FOUND', `No action ${actionId}`);
      TrustAccess.requireWritable(
        action.organisationId,
        () => new AppError('ACTION_NOT_FOUND', `No action ${actionId}`),
      );
      checkOwnsAction(TrustAccess.actorIn(actor, action.organisationId), action);
      if (!OPEN_STATUSES.includes(action.status)) {
        throw new AppError(
          'ACTION_CLOSED',
          `This action is ${action.status}; its due date no longer moves`,
        );
      }
      // A date already gone cannot be worked to; today is the last day it can still be met.
      if (dto.dueDate < todayDate())
        throw validationFailed('dueDate', 'Enter a date in the future', 'isInPast');
      // One question at a time: the lead decides on one date before being asked another.
      if (await manager.existsBy(DueDateRequest, { actionId, state: 'PENDING' })) {
        throw new AppError(
          'DUE_DATE_REQUEST_PENDING',
          "You have already asked for a new due date; wait for the executive lead's decision",
        );
      }
      const saved = await manager.save(
        manager.create(DueDateRequest, {
          actionId,
          requestedById: actor.id,
          requestedAt: nowTimestamp(),
          newDueDate: dto.dueDate,
          reason: dto.reason.trim(),
          state: 'PENDING',
          decidedById: null,
          decidedAt: null,
          decisionNote: null,
        }),
      );
      await this.audit.record(manager, {
        action: 'create',
        entity: 'due_date_request',
        entityId: saved.id,
        subject: `action:${actionId}`,
        after: saved,
      });
      return saved.id;
    });
    return this.get(actionId, id);
  }

  async decide(
    actionId: number,
    requestId: number,
    dto: DecideDueDateRequestDto,
    actor: Actor,
  ): Promise<ActionDto> {
    return this.actions.mutate(
      actionId,
      undefined,
      `Due-date request ${requestId} ${dto.decision.toLowerCase()}`,
      async (manager, action, now) => {
        checkLeadsAction(TrustAccess.actorIn(actor, action.organisationId), action);
        const request = await this.transactions.findForUpdate(manager, DueDateRequest, requestId);
        if (!request || request.actionId !== actionId) {
          throw new AppError(
            'DUE_DATE_REQUEST_NOT_FOUND',
            `No due-date request ${requestId} on action ${actionId}`,
          );
        }
        if (request.state !== 'PENDING') {
          throw new AppError(
            'DUE_DATE_REQUEST_DECIDED',
            `This request was already ${request.state.toLowerCase()}`,
          );
        }
        await manager.update(
          DueDateRequest,
          { id: requestId },
          {
            state: dto.decision,
            decidedById: actor.id,
            decidedAt: now,
            decisionNote: dto.note?.trim() ?? null,
          },
        );
        if (dto.decision === 'REJECTED') return { changes: {}, created: undefined };
        // The board reads this beside the slipped date: who asked, in words.
        const requester = await manager.findOneBy(User, { id: request.requestedById });
        const reason = `${request.reason} (asked for by ${requester?.name ?? `user ${request.requestedById}`}, agreed)`;
        const changeId = await this.actions.moveDueDate(
          manager,
          action,
          request.newDueDate,
          reason,
          actor.id,
          now,
        );
        return {
          changes: { dueDate: request.newDueDate },
          created: { entity: 'due_date_change', id: changeId },
        };
      },
    );
  }

  private async get(actionId: number, id: number): Promise<DueDateRequestDto> {
    const found = await this.dataSource.getRepository(DueDateRequest).findOne({
      where: { id, actionId },
      relations: { requestedBy: true, decidedBy: true },
    });
    if (!found)
      throw new AppError(
        'DUE_DATE_REQUEST_NOT_FOUND',
        `No due-date request ${id} on action ${actionId}`,
      );
    return toDto(found);
  }
}
