import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentUser, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses, ErrorBodyDto } from '../common/error-body';
import { IdParam } from '../common/request-params';
import { User } from '../users/user.entity';
import { ActionCommentsService } from './action-comments.service';
import { ActionCommentDto, PostCommentDto } from './dto/action-comment.dto';

/**
 * An action's conversation. Everyone who reads the action reads it; its owner, its executive
 * lead and the trust's quality leads (and admins) post. There is deliberately no PUT, PATCH
 * or DELETE: a comment stands as posted.
 */
@ApiErrorResponses()
@ApiTags('actions')
@Controller('api/v1/actions')
export class ActionCommentsController {
  constructor(private readonly comments: ActionCommentsService) {}

  @Get(':id/comments')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: [ActionCommentDto], description: 'Oldest first' })
  list(@IdParam() id: number) {
    return this.comments.list(id);
  }

  @Post(':id/comments')
  @Allow('quality_lead', 'executive', 'owner')
  @ApiCreatedResponse({ type: ActionCommentDto })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: "Not the action's owner or executive lead, nor a quality lead of its trust",
  })
  post(@IdParam() id: number, @Body() dto: PostCommentDto, @CurrentUser() user: User) {
    return this.comments.post(id, dto, user);
  }
}
