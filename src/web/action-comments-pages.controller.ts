import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ActionCommentsService } from '../actions/action-comments.service';
import { ActionsService } from '../actions/actions.service';
import { PostCommentDto } from '../actions/dto/action-comment.dto';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { AppError, FieldProblem } from '../common/app-error';
import { IdParam } from '../common/request-params';
import { attempt, toFormErrors, validateForm } from './forms';
import { PageRenderer } from './page-renderer';

/** The form calls the DTO's `body` "comment" (an element id of "body" would read oddly). */
const LABELS: Record<string, string> = { comment: 'Comment' };
const POSTERS = ['quality_lead', 'executive', 'owner'] as const;

/**
 * `/actions/:id/comments`: the action page carries the "Add a comment" form; this posts it,
 * and shows it on a page of its own when there is something to correct.
 */
@ApiExcludeController()
@Controller('actions')
export class ActionCommentsPagesController {
  constructor(
    private readonly actions: ActionsService,
    private readonly comments: ActionCommentsService,
    private readonly pages: PageRenderer,
  ) {}

  @Get(':id/comments')
  @Allow(...POSTERS)
  async form(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    await this.requirePoster(request, id);
    return this.show(request, response, id);
  }

  @Post(':id/comments')
  @Allow(...POSTERS)
  async post(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const typed = typeof body.comment === 'string' ? body.comment : '';
    const { value, problems } = await validateForm(PostCommentDto, { body: typed });
    if (problems.length) return this.show(request, response, id, typed, problems, 400);
    const result = await attempt(() => this.comments.post(id, value, request.user!));
    if (!result.ok) return this.show(request, response, id, typed, result.problems, result.status);
    response.redirect(303, `/actions/${id}?done=comment#conversation`);
  }

  /** The form only for those who may post (the API refuses the rest anyway). */
  private async requirePoster(request: AuthenticatedRequest, id: number): Promise<void> {
    await this.actions.requireExists(id);
    if (!(await this.comments.canPost(id, request.user!))) {
      throw new AppError(
        'ROLE_NOT_ALLOWED',
        "Only the action's owner, its executive lead and quality leads can comment on it",
      );
    }
  }

  private async show(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    typed = '',
    problems: FieldProblem[] = [],
    status = 200,
  ): Promise<void> {
    const action = await this.actions.get(id);
    const reference = action.reference ?? `Action ${action.id}`;
    const shown = problems.map((p) => (p.field === 'body' ? { ...p, field: 'comment' } : p));
    this.pages.render(
      request,
      response,
      'action-comment',
      {
        title: `Add a comment on ${reference}`,
        action,
        comment: typed,
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/actions?organisationId=${action.organisationId}`, text: 'Actions' },
          { href: `/actions/${action.id}`, text: reference },
        ],
        ...toFormErrors(shown, LABELS, 'action.comment'),
      },
      status,
    );
  }
}
