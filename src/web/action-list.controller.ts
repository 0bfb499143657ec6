import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ACTION_STATUSES } from '../actions/action.entity';
import { ActionsService } from '../actions/actions.service';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { CreateActionDto } from '../actions/dto/action-write.dto';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { todayDate } from '../common/dates';
import { FindingsService } from '../findings/findings.service';
import { BRAG_COLOURS } from '../delivery/brag';
import { DELIVERY_STATUSES } from '../delivery/delivery-status';
import { Choices, choicesOf } from './choices';
import { attempt, dateInput, dateParts, integer, text, toFormErrors, validateForm } from './forms';
import { DEFAULT_PAGE_LIMIT, paginationFor, readListQuery, toQueryString } from './list-pages';
import { PageRenderer } from './page-renderer';
import { actionListHeading } from './list-titles';
import { labelOf } from './views';
import { TrustScopes } from './trust-scope';

const DATE_FILTERS = { dueAfter: 'Due from', dueBefore: 'Due by' };
const SORTS = [
  { value: 'dueDate', text: 'Due date' },
  { value: 'updatedAt', text: 'Last updated' },
  { value: 'reference', text: 'Reference' },
];
const YES_NO = [
  { value: 'true', text: 'Yes' },
  { value: 'false', text: 'No' },
];
const CREATE_LABELS: Record<string, string> = {
  title: 'Title',
  reference: 'Reference',
  description: 'Description',
  successMeasure: 'Success measure',
  interimMitigation: 'Interim mitigation',
  ownerId: 'Owner',
  executiveLeadId: 'Executive lead',
  startDate: 'Start date',
  dueDate: 'Due date',
  findingIds: 'Finding',
};

/** The actions list, with every filter in the URL, and the form that plans a new action. */
@ApiExcludeController()
@Controller('actions')
export class ActionListController {
  constructor(
    private readonly actions: ActionsService,
    private readonly findings: FindingsService,
    private readonly scopes: TrustScopes,
    private readonly choices: Choices,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  async list(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const read = readListQuery(query, DATE_FILTERS);
    // Dates typed as day/month/year go into the URL as one value, so the view can be bookmarked.
    if (read.rewritten && !read.problems.length) {
      return response.redirect(302, `/actions${toQueryString(read.plain)}`);
    }
    const scope = await this.scopes.resolve(read.plain.organisationId);
    const params: Record<string, string> = {
      ...read.plain,
      organisationId: String(scope.current?.id ?? ''),
    };
    const { value, problems } = await validateForm(ListActionsQueryDto, {
      ...params,
      limit: params.limit ?? DEFAULT_PAGE_LIMIT,
    });
    const all: FieldProblem[] = [...read.problems, ...problems];
    const page =
      all.length || !scope.current
        ? { items: [], total: 0, limit: DEFAULT_PAGE_LIMIT, offset: 0 }
        : await this.actions.list(value);
    const { offset: _offset, ...filters } = params;
    const [services, people, leads] = scope.current
      ? await Promise.all([
          this.choices.coreServices(scope.current.id),
          this.choices.people(scope.current.id),
          this.choices.people(scope.current.id, 'executiveLead'),
        ])
      : [[], [], []];
    const heading = actionListHeading(filters, {
      owners: namesOf(people),
      leads: namesOf(leads),
      services: namesOf(services),
    });
    const pageNumber = Math.floor(page.offset / page.limit) + 1;
    this.pages.render(
      request,
      response,
      'actions',
      {
        title: [
          heading,
          scope.current ? ` – ${scope.current.name}` : '',
          pageNumber > 1 ? ` (page ${pageNumber})` : '',
        ].join(''),
        heading,
        scope,
        page,
        today: todayDate(),
        filters,
        filterCount: Object.keys(filters).filter(
          (k) => !['organisationId', 'sort', 'order', 'limit'].includes(k),
        ).length,
        pagination: paginationFor('/actions', filters, page.total, page.limit, page.offset),
        exportQuery: toQueryString(filters),
        options: {
          coreServices: choicesOf(services, params.coreServiceId),
          statuses: choicesOf(
            ACTION_STATUSES.map((s) => ({ value: s, text: labelOf(s) })),
            params.status,
          ),
          deliveryStatuses: choicesOf(
            DELIVERY_STATUSES.map((s) => ({ value: s, text: labelOf(s) })),
            params.deliveryStatus,
          ),
          brags: choicesOf(
            BRAG_COLOURS.map((b) => ({ value: b, text: labelOf(b) })),
            params.brag,
          ),
          owners: choicesOf(people, params.ownerId),
          leads: choicesOf(leads, params.executiveLeadId),
          queues: {
            evidence: choicesOf(
              [
                { value: 'toReview', text: 'Waiting for review' },
                { value: 'returned', text: 'Sent back to the owner' },
              ],
              params.evidence,
            ),
            dueDateRequest: choicesOf(
              [{ value: 'pending', text: 'Waiting for a decision' }],
              params.dueDateRequest,
            ),
            awaiting: choicesOf(
              [{ value: 'assurance', text: 'Assurance (evidence accepted)' }],
              params.awaiting,
            ),
            open: choicesOf(YES_NO, params.open),
            overdue: choicesOf(YES_NO, params.overdue),
          },
          sorts: choicesOf(SORTS, params.sort, 'Due date'),
          orders: choicesOf(
            [
              { value: 'asc', text: 'Ascending' },
              { value: 'desc', text: 'Descending' },
            ],
            params.order,
            'Ascending',
          ),
        },
        dueAfter: dateParts(query, 'dueAfter', read.plain.dueAfter),
        dueBefore: dateParts(query, 'dueBefore', read.plain.dueBefore),
        ...toFormErrors(all, {
          ...DATE_FILTERS,
          q: 'Search',
          limit: 'Page size',
          offset: 'Page',
        }),
      },
      all.length ? 400 : 200,
    );
  }

  @Get('new')
  @Allow('quality_lead')
  async newForm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('findingId') findingId?: string,
  ) {
    await this.showCreateForm(request, response, { findingId }, []);
  }

  @Post()
  @Allow('quality_lead')
  async create(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const start = dateInput(body, 'startDate', CREATE_LABELS.startDate, false);
    const due = dateInput(body, 'dueDate', CREATE_LABELS.dueDate, true);
    const findingId = integer(body, 'findingId');
    const plain = {
      findingIds: findingId === undefined ? [] : [findingId],
      reference: text(body, 'reference'),
      title: text(body, 'title'),
      description: text(body, 'description'),
      successMeasure: text(body, 'successMeasure'),
      interimMitigation: text(body, 'interimMitigation'),
      ownerId: integer(body, 'ownerId'),
      executiveLeadId: integer(body, 'executiveLeadId'),
      startDate: start.value,
      dueDate: due.value,
    };
    const { value, problems } = await validateForm(CreateActionDto, plain);
    const dateProblems = [start.problem, due.problem].filter((p): p is FieldProblem => !!p);
    const all = [
      ...dateProblems,
      ...problems.filter((p) => !dateProblems.some((d) => d.field === p.field)),
    ];
    if (all.length) return this.showCreateForm(request, response, body, all, 400);
    const result = await attempt(() => this.actions.create(value));
    if (!result.ok)
      return this.showCreateForm(request, response, body, result.problems, result.status);
    response.redirect(303, `/actions/${result.value.id}?done=created`);
  }

  private async showCreateForm(
    request: AuthenticatedRequest,
    response: Response,
    body: Record<string, unknown>,
    problems: FieldProblem[],
    status = 200,
  ) {
    const findingId = integer(body, 'findingId');
    if (typeof findingId !== 'number') {
      return response.redirect(303, '/findings?uncovered=true');
    }
    const finding = await this.findings.get(findingId);
    const [owners, leads] = await Promise.all([
      this.choices.people(finding.organisationId, 'owner'),
      this.choices.people(finding.organisationId, 'executiveLead'),
    ]);
    this.pages.render(
      request,
      response,
      'action-new',
      {
        title: 'Plan an action',
        finding,
        values: body,
        owners: choicesOf(owners, text(body, 'ownerId'), 'Nobody yet'),
        leads: choicesOf(leads, text(body, 'executiveLeadId'), 'Nobody yet'),
        startDate: dateParts(body, 'startDate'),
        dueDate: dateParts(body, 'dueDate'),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/findings?organisationId=${finding.organisationId}`, text: 'Findings' },
        ],
        ...toFormErrors(problems, CREATE_LABELS, 'action.new'),
      },
      status,
    );
  }
}

function namesOf(
  options: { value: string | number; text: string; name?: string }[],
): Map<string, string> {
  return new Map(options.map((o) => [String(o.value), o.name ?? o.text]));
}
