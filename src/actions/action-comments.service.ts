import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TrustAccess } from '../auth/trust-access';
import { AppError } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { Transactions } from '../database/transactions';
import { Actor } from './action-rules';
import { Action } from './action.entity';
import { ActionComment } from './action-comment.entity';
import { ActionCommentDto, PostCommentDto, toActionCommentDto } from './dto/action-comment.dto';

/** The people in an action's conversation: its owner and executive lead, and the trust's quality leads and admins. */
export function mayComment(
  actor: Actor,
  action: Pick<Action, 'ownerId' | 'executiveLeadId'>,
): boolean {
  if (actor.role === 'admin' || actor.role === 'quality_lead') return true;
  if (actor.role === 'viewer') return false;
  return action.ownerId === actor.id || action.executiveLeadId === actor.id;
}

/**
 * Comments on an action: posted, listed, never edited or deleted (there is no method to).
 * A comment changes nothing on the action itself, so it does not bump the action's version
 * and needs no revision; the audit event is its record of who said what, when.
 */
@Injectable()
export class ActionCommentsService {
  constructor(
    @InjectRepository(ActionComment) private readonly comments: Repository<ActionComment>,
    @InjectRepository(Action) private readonly actions: Repository<Action>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(actionId: number): Promise<ActionCommentDto[]> {
    const action = await this.actions.findOne({
      where: { id: actionId },
      select: { id: true, organisationId: true },
    });
    TrustAccess.requireReadable(action?.organisationId, () => notFound(actionId));
    const rows = await this.comments.find({
      where: { actionId },
      relations: { author: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toActionCommentDto);
  }

  /** Whether this person may post on this action (for the pages, which offer the form only then). */
  async canPost(actionId: number, actor: Actor): Promise<boolean> {
    const action = await this.actions.findOneBy({ id: actionId });
    if (!action || !TrustAccess.canRead(action.organisationId)) return false;
    return mayComment(TrustAccess.actorIn(actor, action.organisationId), action);
  }

  async post(actionId: number, dto: PostCommentDto, actor: Actor): Promise<ActionCommentDto> {
    const id = await this.transactions.run(async (manager) => {
      const action = await manager.findOneBy(Action, { id: actionId });
      if (!action) throw notFound(actionId);
      TrustAccess.requireWritable(action.organisationId, () => notFound(actionId));
      if (!mayComment(TrustAccess.actorIn(actor, action.organisationId), action)) {
        throw new AppError(
          'ROLE_NOT_ALLOWED',
          "Only the action's owner, its executive lead and quality leads can comment on it",
        );
      }
      const saved = await manager.save(
        manager.create(ActionComment, {
          actionId,
          authorId: actor.id,
          body: dto.body.trim(),
          createdAt: nowTimestamp(),
        }),
      );
      await this.audit.record(manager, {
        action: 'create',
        entity: 'action_comment',
        entityId: saved.id,
        subject: `action:${actionId}`,
        after: { ...saved },
        summary: `Comment on action ${actionId}`,
        organisationId: action.organisationId,
      });
      return saved.id;
    });
    const saved = await this.comments.findOneOrFail({ where: { id }, relations: { author: true } });
    return toActionCommentDto(saved);
  }
}

function notFound(id: number): AppError {
  return new AppError('ACTION_NOT_FOUND', `No action ${id}`);
}
