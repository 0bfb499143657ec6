import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ActionsService } from '../actions/actions.service';
import { ActionDto } from '../actions/dto/action-read.dto';
import { CancelActionDto, UpdateActionDto } from '../actions/dto/action-write.dto';
import { DueDateRequestDto, DueDateRequestsService } from '../actions/due-date-requests.service';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { TrustAccess } from '../auth/trust-access';
import { AppError, FieldProblem } from '../common/app-error';
import { longDate } from '../common/dates';
import { IdParam } from '../common/request-params';
import { ActionPermissions, permissionsFor } from './action-permissions';
import { attempt, dateInput, dateParts, integer, text, toFormErrors, validateForm } from './forms';
import { PageRenderer } from './page-renderer';

type ChangeForm = 'decide' | 'details' | 'cancel';

const TITLES: Record<ChangeForm, string> = {
  decide: 'Agree or refuse a new due date',
  details: 'Edit the details',
  cancel: 'Cancel this action',
};

/** Which permission opens each page (action-permissions.ts). */
const PERMISSION: Record<ChangeForm, keyof ActionPermissions> = {
  decide: 'decideDueDate',
  details: 'editDetails',
  cancel: 'cancel',
};

/** Said instead of the form to someone who may not use it here. */
const NOT_YOURS: Record<ChangeForm, string> = {
  decide:
    "Only the action's executive lead or a quality lead can agree or refuse a new due date, while the action is open.",
  details: 'Only a quality lead can edit the details of an action that has not been cancelled.',
  cancel:
    'Only a quality lead can cancel an action, and only while it is open (not completed, assured or already cancelled).',
};

const LABELS: Record<string, string> = {
  decision: 'Decision',
  note: 'Reason',
  title: 'Title',
  description: 'Description',
  successMeasure: 'Success measure',
  interimMitigation: 'Interim mitigation',
  reference: 'Reference',
  startDate: 'Start date',
  reason: 'Reason',
  version: 'This action',
};

const STALE_VERSION: FieldProblem = {
  field: 'form',
  reason:
    'Someone else changed this action while you had it open. The page now shows the latest version; check it and send your change again.',
};

const OUTCOME: Record<string, string> = {
  APPROVED: 'agreed',
  REJECTED: 'refused',
  SUPERSEDED: 'overtaken by a change of due date',
  CLOSED: 'closed when the action was cancelled',
};

/**
 * The pages that replace API-only steps on one action: deciding a request for a new due date,
 * editing the details, cancelling. Each posts through the same service as the API (and so the
 * same checks, write path, history and audit), with the same DTO where the API has one.
 */
@ApiExcludeController()
@Controller('actions')
export class ActionChangePagesController {
  constructor(
    private readonly actions: ActionsService,
    private readonly dueDateRequests: DueDateRequestsService,
    private readonly pages: PageRenderer,
  ) {}

  @Get(':id/due-date-requests/:requestId')
  @Allow('quality_lead', 'executive')
  decideForm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @IdParam('requestId') requestId: number,
  ) {
    return this.show(request, response, id, 'decide', {}, [], 200, requestId);
  }

  @Post(':id/due-date-requests/:requestId')
  @Allow('quality_lead', 'executive')
  async decide(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @IdParam('requestId') requestId: number,
    @Body() body: Record<string, unknown>,
  ) {
    const decision = text(body, 'decision');
    const note = text(body, 'note');
    // Refusing needs a reason here (the owner reads it), though the API leaves it optional.
    const problems: FieldProblem[] = [];
    if (decision !== 'APPROVED' && decision !== 'REJECTED') {
      problems.push({ field: 'decision', reason: 'Select whether you agree or refuse' });
    } else if (decision === 'REJECTED' && !note) {
      problems.push({ field: 'note', reason: 'Enter why you are refusing the new due date' });
    } else if (note && note.length > 5000) {
      problems.push({ field: 'note', reason: 'Reason must be 5,000 characters or fewer' });
    }
    if (problems.length)
      return this.show(request, response, id, 'decide', body, problems, 400, requestId);
    const result = await attempt(() =>
      this.dueDateRequests.decide(
        id,
        requestId,
        { decision: decision as 'APPROVED' | 'REJECTED', note },
        request.user!,
      ),
    );
    if (!result.ok) {
      return this.show(
        request,
        response,
        id,
        'decide',
        body,
        result.problems,
        result.status,
        requestId,
      );
    }
    const done = decision === 'APPROVED' ? 'due-date-agreed' : 'due-date-refused';
    response.redirect(303, `/actions/${id}?done=${done}`);
  }

  @Get(':id/details')
  @Allow('quality_lead')
  detailsForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.show(r, s, id, 'details');
  }

  @Post(':id/details')
  @Allow('quality_lead')
  async editDetails(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const action = await this.actions.get(id);
    const start = dateInput(body, 'startDate', LABELS.startDate, false);
    const problems: FieldProblem[] = [];
    const title = text(body, 'title');
    if (!title) problems.push({ field: 'title', reason: 'Enter what will be done' });
    if (start.problem) problems.push(start.problem);
    // Said here in words; the service's own check would name the date as the API writes it.
    if (start.value && start.value > action.dueDate) {
      problems.push({
        field: 'startDate',
        reason: `Enter a start date that is on or before the due date (${longDate(action.dueDate)})`,
      });
    }
    // An optional field left empty clears it (the API takes null for that).
    const plain = {
      title,
      description: text(body, 'description') ?? null,
      successMeasure: text(body, 'successMeasure') ?? null,
      interimMitigation: text(body, 'interimMitigation') ?? null,
      reference: text(body, 'reference') ?? null,
      startDate: start.problem ? undefined : (start.value ?? null),
      version: integer(body, 'version'),
    };
    const { value, problems: invalid } = await validateForm(UpdateActionDto, plain);
    const all = [...problems, ...invalid.filter((p) => !problems.some((q) => q.field === p.field))];
    if (all.length) return this.show(request, response, id, 'details', body, all, 400);
    await this.run(request, response, id, 'details', body, 'details-changed', () =>
      this.actions.update(id, value),
    );
  }

  @Get(':id/cancel')
  @Allow('quality_lead')
  cancelForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.show(r, s, id, 'cancel');
  }

  @Post(':id/cancel')
  @Allow('quality_lead')
  async cancel(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const reason = text(body, 'reason');
    if (!reason) {
      const problem = { field: 'reason', reason: 'Enter why the action is being cancelled' };
      return this.show(request, response, id, 'cancel', body, [problem], 400);
    }
    const plain = { reason, version: integer(body, 'version') };
    const { value, problems } = await validateForm(CancelActionDto, plain);
    if (problems.length) return this.show(request, response, id, 'cancel', body, problems, 400);
    await this.run(request, response, id, 'cancel', body, 'cancelled', () =>
      this.actions.cancel(id, value, request.user!),
    );
  }

  /** Runs a versioned change; a stale version shows what was typed again against the latest. */
  private async run(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    form: ChangeForm,
    body: Record<string, unknown>,
    done: string,
    change: () => Promise<unknown>,
  ): Promise<void> {
    const result = await attempt(change);
    if (!result.ok) {
      if (result.code !== 'VERSION_CONFLICT') {
        return this.show(request, response, id, form, body, result.problems, result.status);
      }
      const { version: _stale, ...typed } = body;
      return this.show(request, response, id, form, typed, [STALE_VERSION], result.status);
    }
    response.redirect(303, `/actions/${id}?done=${done}`);
  }

  private async show(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    form: ChangeForm,
    body: Record<string, unknown> = {},
    problems: FieldProblem[] = [],
    status = 200,
    requestId?: number,
  ): Promise<void> {
    const action: ActionDto = await this.actions.get(id);
    let dueDateRequest: DueDateRequestDto | undefined;
    if (requestId !== undefined) {
      dueDateRequest = (await this.dueDateRequests.list(id)).find((r) => r.id === requestId);
      if (!dueDateRequest) {
        throw new AppError(
          'DUE_DATE_REQUEST_NOT_FOUND',
          `No due-date request ${requestId} on action ${id}`,
        );
      }
    }
    const person = TrustAccess.actorIn(request.user!, action.organisationId);
    const allowed = permissionsFor(person, action, { acceptedEvidence: 0, independent: false })[
      PERMISSION[form]
    ];
    // A page that cannot succeed says why instead of offering a form (a fresh visit only;
    // after a post the service's own answer is shown).
    const decided =
      status === 200 && dueDateRequest?.state !== 'PENDING' ? dueDateRequest?.state : undefined;
    const forbidden = status === 200 && !allowed;
    const refusal = forbidden
      ? NOT_YOURS[form]
      : decided
        ? `This request was already ${OUTCOME[decided]}.`
        : null;
    const reference = action.reference ?? `Action ${action.id}`;
    this.pages.render(
      request,
      response,
      'action-change',
      {
        title: TITLES[form],
        documentTitle: `${TITLES[form]} – ${reference}`,
        form,
        action,
        dueDateRequest,
        refusal,
        values: {
          title: action.title,
          description: action.description ?? '',
          successMeasure: action.successMeasure ?? '',
          interimMitigation: action.interimMitigation ?? '',
          reference: action.reference ?? '',
          ...body,
        },
        version: integer(body, 'version') ?? action.version,
        startDate: dateParts(body, 'startDate', action.startDate),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/actions?organisationId=${action.organisationId}`, text: 'Actions' },
          { href: `/actions/${action.id}`, text: reference },
        ],
        ...toFormErrors(problems, LABELS),
      },
      forbidden ? 403 : status,
    );
  }
}
