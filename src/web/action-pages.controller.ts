import {
  Body,
  Controller,
  Get,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { checkAssurerIndependent } from '../actions/assurance-independence';
import { TrustAccess } from '../auth/trust-access';
import { ActionsService } from '../actions/actions.service';
import { ActionDto, EvidenceDto } from '../actions/dto/action-read.dto';
import {
  AddEvidenceDto,
  AssignActionDto,
  AssureActionDto,
  ChangeDueDateDto,
  PostProgressDto,
  RequestDueDateDto,
  ReviewEvidenceDto,
  UploadEvidenceDto,
} from '../actions/dto/action-write.dto';
import { EvidenceFilesService } from '../evidence-files/evidence-files.service';
import { EvidenceUpload, UploadedEvidenceFile } from '../evidence-files/evidence-upload';
import { megabytes } from '../imports/import-limits';
import { DueDateRequestsService } from '../actions/due-date-requests.service';
import { EvidenceService } from '../actions/evidence.service';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { IdParam } from '../common/request-params';
import { EVIDENCE_CATEGORIES } from '../cqc/evidence-categories';
import { FindingsService } from '../findings/findings.service';
import { ActionConversation } from './action-conversation';
import {
  ActionPermissions,
  assuranceExplanation,
  AssuranceFacts,
  canReview,
  permissionsFor,
  reviewExplanation,
} from './action-permissions';
import { Choices, choicesOf } from './choices';
import { attempt, dateInput, dateParts, integer, text, toFormErrors, validateForm } from './forms';
import { PageRenderer } from './page-renderer';

type FormName =
  | 'progress'
  | 'complete'
  | 'evidence'
  | 'review'
  | 'assure'
  | 'due-date'
  | 'request-due-date'
  | 'assign';

const TITLES: Record<FormName, string> = {
  progress: 'Post an update',
  complete: 'Mark as complete',
  evidence: 'Add evidence',
  review: 'Review evidence',
  assure: 'Assure this action',
  'due-date': 'Change the due date',
  'request-due-date': 'Ask for a new due date',
  assign: 'Change the owner or executive lead',
};

/** How a decided (or overtaken) request for a new due date reads on the action. */
const DUE_DATE_REQUEST_OUTCOMES: Record<string, string> = {
  APPROVED: 'Agreed',
  REJECTED: 'Refused',
  SUPERSEDED: 'Overtaken',
  CLOSED: 'Closed',
};

/** The words people see for each field, for error messages. */
const LABELS: Record<string, string> = {
  note: 'Update',
  progress: 'Progress',
  kind: 'Kind of evidence',
  title: 'Title',
  url: 'Web address',
  category: 'Category',
  decision: 'Decision',
  reviewNote: 'Reason',
  dueDate: 'New due date',
  reason: 'Reason',
  ownerId: 'Owner',
  executiveLeadId: 'Executive lead',
  evidenceNote: 'Note',
  file: 'File',
  effectiveDate: 'Date the evidence is from',
  expiryDate: 'Date the evidence expires',
  version: 'This action',
};

/** `/actions/:id` and the forms that change one action, one thing per page (the NHS.UK pattern). */
@ApiExcludeController()
@Controller('actions')
export class ActionPagesController {
  constructor(
    private readonly actions: ActionsService,
    private readonly evidence: EvidenceService,
    private readonly evidenceFiles: EvidenceFilesService,
    private readonly evidenceUpload: EvidenceUpload,
    private readonly dueDateRequests: DueDateRequestsService,
    private readonly findings: FindingsService,
    private readonly choices: Choices,
    private readonly pages: PageRenderer,
    private readonly conversation: ActionConversation,
    private readonly dataSource: DataSource,
  ) {}

  @Get(':id')
  @Allow(...READ_ROLES)
  async show(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const action = await this.actions.get(id);
    const [history, dueDateChanges, evidence, requests, findings] = await Promise.all([
      this.actions.history(id),
      this.actions.dueDateHistory(id),
      this.evidence.list(id),
      this.dueDateRequests.list(id),
      Promise.all(action.findingIds.map((findingId) => this.findings.get(findingId))),
    ]);
    const person = TrustAccess.actorIn(request.user!, action.organisationId);
    const facts = await this.assuranceFacts(person, action, evidence);
    const conversation = await this.conversation.forAction(request.user!, action);
    this.pages.render(request, response, 'action', {
      title: action.reference ? `${action.reference}: ${action.title}` : action.title,
      action,
      history: [...history].reverse(),
      dueDateChanges,
      evidence: evidence.map((item) => ({
        ...item,
        canReview: canReview(person, action, item),
        cannotReview: reviewExplanation(person, action, item),
      })),
      pendingRequests: requests.filter((r) => r.state === 'PENDING'),
      decidedRequests: requests.filter((r) => r.state !== 'PENDING').reverse(),
      dueDateRequestOutcomes: DUE_DATE_REQUEST_OUTCOMES,
      findings,
      conversation,
      can: permissionsFor(person, action, facts),
      cannotAssure: assuranceExplanation(person, action, facts),
      breadcrumbs: [
        { href: '/', text: 'Home' },
        { href: `/actions?organisationId=${action.organisationId}`, text: 'Actions' },
      ],
    });
  }

  /** What the assurance rule needs, read the way the service reads it (independence included), so Assure is shown only when it would succeed. */
  private async assuranceFacts(
    person: { id: number; role: string },
    action: ActionDto,
    evidence: { reviewState: string; expired: boolean }[],
  ): Promise<AssuranceFacts> {
    // Expired evidence no longer counts (evidence-validity.ts), as in the assure rule.
    const acceptedEvidence = evidence.filter(
      (item) => item.reviewState === 'ACCEPTED' && !item.expired,
    ).length;
    if (
      action.status !== 'COMPLETED' ||
      !['admin', 'quality_lead', 'executive'].includes(person.role)
    )
      return { acceptedEvidence, independent: true };
    const independent = await checkAssurerIndependent(this.dataSource.manager, action.id, person.id)
      .then(() => true)
      .catch(() => false);
    return { acceptedEvidence, independent };
  }

  @Get(':id/progress')
  @Allow('quality_lead', 'owner')
  progressForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'progress');
  }

  @Post(':id/progress')
  @Allow('quality_lead', 'owner')
  async postProgress(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const plain = {
      note: text(body, 'note'),
      progress: integer(body, 'progress'),
      offTrack: body.offTrack === 'yes',
      version: integer(body, 'version'),
    };
    await this.submit(request, response, id, 'progress', body, PostProgressDto, plain, (dto) =>
      this.actions.postProgress(id, dto, request.user!),
    );
  }

  @Get(':id/complete')
  @Allow('quality_lead', 'owner')
  completeForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'complete');
  }

  @Post(':id/complete')
  @Allow('quality_lead', 'owner')
  async complete(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const plain = {
      note: text(body, 'note'),
      progress: 100,
      status: 'COMPLETED',
      version: integer(body, 'version'),
    };
    await this.submit(request, response, id, 'complete', body, PostProgressDto, plain, (dto) =>
      this.actions.postProgress(id, dto, request.user!),
    );
  }

  @Get(':id/evidence')
  @Allow('quality_lead', 'owner')
  evidenceForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'evidence');
  }

  /**
   * The evidence form posts multipart (it may carry a document; its CSRF token is in the
   * address, as the guard runs before the body is read). A document goes to the same upload
   * the API uses (evidence-files/), with its type read from its bytes and its size bounded.
   */
  @Post(':id/evidence')
  @Allow('quality_lead', 'owner')
  @UseInterceptors(EvidenceUpload)
  async addEvidence(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() posted: Record<string, unknown>,
    @UploadedFile() file?: UploadedEvidenceFile,
  ) {
    const body = flattenDateParts(posted);
    const kind = text(body, 'kind');
    const effective = dateInput(body, 'effectiveDate', LABELS.effectiveDate, false);
    const expiry = dateInput(body, 'expiryDate', LABELS.expiryDate, false);
    const dates = { effectiveDate: effective.value, expiryDate: expiry.value };
    const problem = effective.problem ?? expiry.problem;
    if (kind === 'file') {
      const plain = {
        title: text(body, 'title'),
        note: text(body, 'evidenceNote'),
        category: text(body, 'category'),
        ...dates,
      };
      return this.submit(
        request,
        response,
        id,
        'evidence',
        body,
        UploadEvidenceDto,
        plain,
        (dto) =>
          this.evidenceFiles.upload(id, dto, file, request.user!, this.evidenceUpload.maxBytes),
        problem,
      );
    }
    const plain = {
      kind,
      title: text(body, 'title'),
      url: kind === 'link' ? text(body, 'url') : undefined,
      note: kind === 'note' ? text(body, 'evidenceNote') : undefined,
      category: text(body, 'category'),
      ...dates,
    };
    await this.submit(
      request,
      response,
      id,
      'evidence',
      body,
      AddEvidenceDto,
      plain,
      (dto) => this.evidence.add(id, dto, request.user!),
      problem,
    );
  }

  @Get(':id/evidence/:evidenceId/review')
  @Allow('quality_lead')
  async reviewForm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @IdParam('evidenceId') evidenceId: number,
  ) {
    return this.showForm(request, response, id, 'review', {}, [], 200, evidenceId);
  }

  @Post(':id/evidence/:evidenceId/review')
  @Allow('quality_lead')
  async review(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @IdParam('evidenceId') evidenceId: number,
    @Body() body: Record<string, unknown>,
  ) {
    const plain = { decision: text(body, 'decision'), note: text(body, 'reviewNote') };
    const { value, problems } = await validateForm(ReviewEvidenceDto, plain);
    const renamed = problems.map((p) => (p.field === 'note' ? { ...p, field: 'reviewNote' } : p));
    if (renamed.length)
      return this.showForm(request, response, id, 'review', body, renamed, 400, evidenceId);
    const result = await attempt(() => this.evidence.review(id, evidenceId, value, request.user!));
    if (!result.ok) {
      return this.showForm(request, response, id, 'review', body, result.problems, result.status);
    }
    response.redirect(303, `/actions/${id}?done=review`);
  }

  @Get(':id/assure')
  @Allow('quality_lead', 'executive')
  assureForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'assure');
  }

  @Post(':id/assure')
  @Allow('quality_lead', 'executive')
  async assure(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const plain = { note: text(body, 'note'), version: integer(body, 'version') };
    await this.submit(request, response, id, 'assure', body, AssureActionDto, plain, (dto) =>
      this.actions.assure(id, dto, request.user!),
    );
  }

  @Get(':id/due-date')
  @Allow('quality_lead', 'executive')
  dueDateForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'due-date');
  }

  @Post(':id/due-date')
  @Allow('quality_lead', 'executive')
  async changeDueDate(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const date = dateInput(body, 'dueDate', LABELS.dueDate, true);
    const plain = {
      dueDate: date.value,
      reason: text(body, 'reason'),
      version: integer(body, 'version'),
    };
    await this.submit(
      request,
      response,
      id,
      'due-date',
      body,
      ChangeDueDateDto,
      plain,
      (dto) => this.actions.changeDueDate(id, dto, request.user!),
      date.problem,
    );
  }

  @Get(':id/request-due-date')
  @Allow('quality_lead', 'owner')
  requestDueDateForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'request-due-date');
  }

  @Post(':id/request-due-date')
  @Allow('quality_lead', 'owner')
  async requestDueDate(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const date = dateInput(body, 'dueDate', LABELS.dueDate, true);
    const plain = { dueDate: date.value, reason: text(body, 'reason') };
    await this.submit(
      request,
      response,
      id,
      'request-due-date',
      body,
      RequestDueDateDto,
      plain,
      (dto) => this.dueDateRequests.request(id, dto, request.user!),
      date.problem,
    );
  }

  @Get(':id/assign')
  @Allow('quality_lead')
  assignForm(
    @Req() r: AuthenticatedRequest,
    @Res() s: Response,
    @IdParam() id: number,
    @Query() query: Record<string, unknown>,
  ) {
    // A person chosen on the people search page comes back in the address.
    const { ownerId, executiveLeadId } = query;
    return this.showForm(r, s, id, 'assign', { ownerId, executiveLeadId });
  }

  @Post(':id/assign')
  @Allow('quality_lead')
  async assign(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const plain = {
      ownerId: integer(body, 'ownerId'),
      executiveLeadId: integer(body, 'executiveLeadId'),
      version: integer(body, 'version'),
    };
    await this.submit(request, response, id, 'assign', body, AssignActionDto, plain, (dto) =>
      this.actions.assign(id, dto),
    );
  }

  /** Validates with the API's own DTO, runs the change, and redirects to the action; or shows the form again with what is wrong. */
  private async submit<T extends object>(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    form: FormName,
    body: Record<string, unknown>,
    type: new () => T,
    plain: Record<string, unknown>,
    change: (dto: T) => Promise<unknown>,
    extraProblem?: FieldProblem,
  ): Promise<void> {
    const { value, problems } = await validateForm(type, plain);
    const all = [...(extraProblem ? [extraProblem] : []), ...problems];
    const shown = form === 'evidence' ? all.map(renameEvidenceNote) : all;
    if (shown.length) return this.showForm(request, response, id, form, body, shown, 400);
    const result = await attempt(() => change(value));
    if (!result.ok) {
      if (result.code !== 'VERSION_CONFLICT') {
        return this.showForm(request, response, id, form, body, result.problems, result.status);
      }
      // Show what they typed again, against the version that is there now.
      const { version: _stale, ...typed } = body;
      return this.showForm(request, response, id, form, typed, [STALE_VERSION], result.status);
    }
    const done: Record<FormName, string> = {
      progress: 'progress',
      complete: 'progress',
      evidence: 'evidence',
      review: 'review',
      assure: 'assured',
      'due-date': 'due-date',
      'request-due-date': 'due-date-requested',
      assign: 'assigned',
    };
    response.redirect(303, `/actions/${id}?done=${done[form]}`);
  }

  /** Why this person cannot use this form on this action now, or null when they can. */
  private async refusalFor(
    request: AuthenticatedRequest,
    action: ActionDto,
    form: FormName,
    evidence: EvidenceDto[],
    item: EvidenceDto | undefined,
  ): Promise<string | null> {
    const person = TrustAccess.actorIn(request.user!, action.organisationId);
    const facts = await this.assuranceFacts(person, action, evidence);
    const can = permissionsFor(person, action, facts);
    if (form === 'review') {
      return item && canReview(person, action, item) ? null : FORM_REFUSALS.review;
    }
    if (form === 'assure' && !can.assure) {
      return assuranceExplanation(person, action, facts) ?? FORM_REFUSALS.assure;
    }
    const needed: Record<Exclude<FormName, 'review'>, keyof ActionPermissions> = {
      progress: 'postProgress',
      complete: 'complete',
      evidence: 'addEvidence',
      assure: 'assure',
      'due-date': 'changeDueDate',
      'request-due-date': 'requestDueDate',
      assign: 'assign',
    };
    return can[needed[form]] ? null : FORM_REFUSALS[form];
  }

  private async showForm(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    form: FormName,
    body: Record<string, unknown> = {},
    problems: FieldProblem[] = [],
    status = 200,
    evidenceId?: number,
  ): Promise<void> {
    const action: ActionDto = await this.actions.get(id);
    const evidenceList = await this.evidence.list(id);
    const evidenceItem =
      evidenceId !== undefined ? evidenceList.find((item) => item.id === evidenceId) : undefined;
    // A fresh visit to a form that cannot succeed says why instead (after a post, the
    // service's own answer is shown on the form).
    if (status === 200) {
      const refusal = await this.refusalFor(request, action, form, evidenceList, evidenceItem);
      if (refusal) {
        const reference = action.reference ?? `Action ${action.id}`;
        return this.pages.render(
          request,
          response,
          'action-change',
          {
            title: TITLES[form],
            documentTitle: `${TITLES[form]} – ${reference}`,
            form: 'none',
            action,
            refusal,
            breadcrumbs: [
              { href: '/', text: 'Home' },
              { href: `/actions?organisationId=${action.organisationId}`, text: 'Actions' },
              { href: `/actions/${action.id}`, text: reference },
            ],
          },
          403,
        );
      }
    }
    const [owners, leads] =
      form === 'assign'
        ? await Promise.all([
            this.choices.people(action.organisationId, 'owner'),
            this.choices.people(action.organisationId, 'executiveLead'),
          ])
        : [[], []];
    this.pages.render(
      request,
      response,
      'action-form',
      {
        title: TITLES[form],
        // Unique per action and form, so tabs and browser history tell them apart.
        documentTitle: `${TITLES[form]} – ${action.reference ?? `Action ${action.id}`}`,
        form,
        action,
        evidenceItem,
        values: body,
        version: integer(body, 'version') ?? action.version,
        dueDate: dateParts(body, 'dueDate', form === 'due-date' ? action.dueDate : null),
        evidenceMaxMegabytes: megabytes(this.evidenceUpload.maxBytes),
        effectiveDate: dateParts(body, 'effectiveDate', null),
        expiryDate: dateParts(body, 'expiryDate', null),
        categories: choicesOf(
          EVIDENCE_CATEGORIES.map((c) => ({ value: c, text: c })),
          text(body, 'category'),
          'Not given',
        ),
        owners: choicesOf(owners, text(body, 'ownerId') ?? action.owner?.id, 'Nobody yet'),
        leads: choicesOf(
          leads,
          text(body, 'executiveLeadId') ?? action.executiveLead?.id,
          'Nobody yet',
        ),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/actions?organisationId=${action.organisationId}`, text: 'Actions' },
          { href: `/actions/${action.id}`, text: action.reference ?? `Action ${action.id}` },
        ],
        ...toFormErrors(problems, LABELS, `action.${form}`),
      },
      status,
    );
  }
}

/** The evidence form calls its note "evidenceNote", so it cannot be confused with an update's. */
function renameEvidenceNote(problem: FieldProblem): FieldProblem {
  return problem.field === 'note' ? { ...problem, field: 'evidenceNote' } : problem;
}

/** Said instead of a form that cannot succeed for this person on this action. */
const FORM_REFUSALS: Record<FormName, string> = {
  progress:
    "Only the action's owner or a quality lead can post an update, until it is assured or cancelled.",
  complete: "Only the action's owner or a quality lead can mark it as complete, while it is open.",
  evidence:
    "Only the action's owner or a quality lead can add evidence, until it is assured or cancelled.",
  review:
    'You cannot review this evidence: it has already been reviewed, or you submitted it or own the action.',
  assure:
    "Only the action's executive lead or a quality lead, independent of the work, can assure it.",
  'due-date':
    "Only the action's executive lead or a quality lead can change the due date, while it is open.",
  'request-due-date': "Only the action's owner can ask for a new due date, while it is open.",
  assign:
    'Only a quality lead can change the owner or executive lead, until it is assured or cancelled.',
};

const STALE_VERSION: FieldProblem = {
  field: 'form',
  reason:
    'Someone else changed this action while you had it open. The page now shows the latest version; check it and send your change again.',
};

/**
 * Multipart fields named `expiryDate[day]` arrive nested (multer reads the brackets) where
 * the URL-encoded forms' parser leaves them flat; the form helpers read the flat names.
 */
function flattenDateParts(body: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body ?? {})) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [part, partValue] of Object.entries(value as Record<string, unknown>))
        flat[`${name}[${part}]`] = partValue;
    } else flat[name] = value;
  }
  return flat;
}
