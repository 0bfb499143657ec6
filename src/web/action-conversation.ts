import { Injectable } from '@nestjs/common';
import { ActionCommentsService, mayComment } from '../actions/action-comments.service';
import type { ActionDto } from '../actions/dto/action-read.dto';
import type { ActionCommentDto } from '../actions/dto/action-comment.dto';
import { TrustAccess } from '../auth/trust-access';
import type { User } from '../users/user.entity';

/** What the action page shows of the conversation and the findings links, and which forms it offers. */
export interface ActionConversationView {
  comments: ActionCommentDto[];
  /** The comment form is offered only to those the API lets post. */
  canComment: boolean;
  /** "Link to findings" is the quality lead's (and an admin's), as the API's PATCH is. */
  canLink: boolean;
}

/**
 * Kept apart from ActionPagesController so the action page's show() needs one line for it
 * (`partials/action-comments.njk` and `partials/action-links.njk` render it).
 */
@Injectable()
export class ActionConversation {
  constructor(private readonly comments: ActionCommentsService) {}

  async forAction(
    user: Pick<User, 'id' | 'role'>,
    action: Pick<ActionDto, 'id' | 'organisationId' | 'owner' | 'executiveLead'>,
  ): Promise<ActionConversationView> {
    const role = TrustAccess.roleIn(action.organisationId) ?? 'viewer';
    const people = {
      ownerId: action.owner?.id ?? null,
      executiveLeadId: action.executiveLead?.id ?? null,
    };
    return {
      comments: await this.comments.list(action.id),
      canComment: mayComment({ id: user.id, role }, people),
      canLink: role === 'admin' || role === 'quality_lead',
    };
  }
}
