import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ActionsService } from '../actions/actions.service';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { todayDate } from '../common/dates';
import { IdParam } from '../common/request-params';
import { CoreServicesService } from '../core-services/core-services.service';
import { KEY_QUESTIONS } from '../cqc/key-questions';
import {
  CreateFindingDto,
  FindingDto,
  ListFindingsQueryDto,
  UpdateFindingDto,
} from '../findings/dto/finding.dto';
import { FINDING_TYPES } from '../findings/finding.entity';
import { FindingsService } from '../findings/findings.service';
import { ReadinessService } from '../readiness/readiness.service';
import { Choices, choicesOf } from './choices';
import {
  FINDING_LABELS,
  FINDING_TYPE_CHOICES,
  findingFromForm,
  formValuesOf,
  REGULATIONS_2014,
} from './finding-form';
import { attempt, dateParts, integer, text, toFormErrors, validateForm } from './forms';
import { DEFAULT_PAGE_LIMIT, paginationFor, readListQuery, toQueryString } from './list-pages';
import { PageRenderer } from './page-renderer';
import { requireFormRoleIn } from './trust-role';
import { TrustScopes } from './trust-scope';
import { labelOf } from './views';

/** The findings list (what the CQC said) and each core service's page (how ready it is). */
@ApiExcludeController()
@Controller()
export class FindingPagesController {
  constructor(
    private readonly findings: FindingsService,
    private readonly actions: ActionsService,
    private readonly coreServices: CoreServicesService,
    private readonly readiness: ReadinessService,
    private readonly scopes: TrustScopes,
    private readonly choices: Choices,
    private readonly pages: PageRenderer,
  ) {}

  @Get('findings')
  @Allow(...READ_ROLES)
  async list(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    // `withoutAction=true` (Home's queue links here) is the list's "No action planned yet".
    const { withoutAction, ...rest } = query;
    if (withoutAction === 'true' && rest.uncovered === undefined) rest.uncovered = 'true';
    const read = readListQuery(rest, {});
    const scope = await this.scopes.resolve(read.plain.organisationId);
    const params: Record<string, string> = {
      ...read.plain,
      organisationId: String(scope.current?.id ?? ''),
    };
    const { value, problems } = await validateForm(ListFindingsQueryDto, {
      ...params,
      limit: params.limit ?? DEFAULT_PAGE_LIMIT,
    });
    const page =
      problems.length || !scope.current
        ? { items: [], total: 0, limit: DEFAULT_PAGE_LIMIT, offset: 0 }
        : await this.findings.list(value);
    const { offset: _offset, ...filters } = params;
    const services = scope.current ? await this.choices.coreServices(scope.current.id) : [];
    const serviceNames = new Map(services.map((s) => [s.value, s.text]));
    this.pages.render(
      request,
      response,
      'findings',
      {
        title: 'Findings',
        scope,
        page,
        filters,
        serviceNames: Object.fromEntries(serviceNames),
        pagination: paginationFor('/findings', filters, page.total, page.limit, page.offset),
        exportQuery: toQueryString(filters),
        options: {
          coreServices: choicesOf(services, params.coreServiceId),
          types: choicesOf(
            FINDING_TYPES.map((t) => ({ value: t, text: labelOf(t) })),
            params.type,
          ),
          keyQuestions: choicesOf(
            KEY_QUESTIONS.map((k) => ({ value: k, text: k })),
            params.keyQuestion,
          ),
          coverage: choicesOf(
            [
              { value: 'true', text: 'No action planned yet' },
              { value: 'false', text: 'Has an action' },
            ],
            params.uncovered,
          ),
          sorts: choicesOf(
            [
              { value: 'reference', text: 'Reference' },
              { value: 'createdAt', text: 'Date added' },
            ],
            params.sort,
            'Reference',
          ),
          orders: choicesOf(
            [
              { value: 'asc', text: 'Ascending' },
              { value: 'desc', text: 'Descending' },
            ],
            params.order,
            'Ascending',
          ),
        },
        ...toFormErrors(problems, { q: 'Search', limit: 'Page size', offset: 'Page' }),
      },
      problems.length ? 400 : 200,
    );
  }

  @Get('findings/new')
  @Allow('quality_lead')
  async newFinding(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const scope = await this.scopes.resolve(query.organisationId);
    const values = { coreServiceId: text(query, 'coreServiceId') ?? '' };
    await this.showFindingForm(request, response, scope.current?.id, undefined, values, []);
  }

  @Post('findings')
  @Allow('quality_lead')
  async createFinding(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const organisationId = integer(body, 'organisationId');
    const { plain, problems } = findingFromForm(body);
    const { value, problems: invalid } = await validateForm(CreateFindingDto, {
      ...plain,
      organisationId,
    });
    const all = problems.length ? problems : invalid;
    const trust = typeof organisationId === 'number' ? organisationId : undefined;
    if (all.length)
      return this.showFindingForm(request, response, trust, undefined, body, all, 400);
    const result = await attempt(() => this.findings.create(value));
    if (!result.ok) {
      return this.showFindingForm(
        request,
        response,
        trust,
        undefined,
        body,
        result.problems,
        result.status,
      );
    }
    response.redirect(
      303,
      `/findings?organisationId=${result.value.organisationId}&done=finding-added`,
    );
  }

  @Get('findings/:id/edit')
  @Allow('quality_lead')
  async editFinding(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const finding = await this.findings.get(id);
    await this.showFindingForm(
      request,
      response,
      finding.organisationId,
      finding,
      formValuesOf(finding),
      [],
    );
  }

  @Post('findings/:id/edit')
  @Allow('quality_lead')
  async correctFinding(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const finding = await this.findings.get(id);
    const org = finding.organisationId;
    const { plain, problems } = findingFromForm(body, finding);
    const { value, problems: invalid } = await validateForm(UpdateFindingDto, plain);
    const all = problems.length ? problems : invalid;
    if (all.length) return this.showFindingForm(request, response, org, finding, body, all, 400);
    const result = await attempt(() => this.findings.update(id, value));
    if (!result.ok) {
      const shown = result.code === 'VERSION_CONFLICT' ? [STALE_FINDING] : result.problems;
      const typed = result.code === 'VERSION_CONFLICT' ? { ...body, version: undefined } : body;
      return this.showFindingForm(request, response, org, finding, typed, shown, result.status);
    }
    response.redirect(303, `/findings?organisationId=${org}&done=finding-corrected`);
  }

  /** Adding and correcting share one form: the same questions, prefilled when correcting. */
  private async showFindingForm(
    request: AuthenticatedRequest,
    response: Response,
    organisationId: number | undefined,
    finding: FindingDto | undefined,
    values: Record<string, unknown>,
    problems: FieldProblem[],
    status = 200,
  ): Promise<void> {
    // Only the person's own trusts; another trust's id falls back to their first.
    const scope = await this.scopes.resolve(String(organisationId ?? ''));
    const trust = scope.current;
    if (trust) requireFormRoleIn(trust.id);
    const services = trust ? await this.choices.coreServices(trust.id) : [];
    const ticked = ([] as unknown[]).concat(values.regulations ?? []).map(String);
    const type = typeof values.type === 'string' ? values.type : undefined;
    this.pages.render(
      request,
      response,
      'finding-form',
      {
        title: finding ? 'Correct a finding' : 'Add a finding',
        finding,
        trust,
        values,
        version: integer(values, 'version') ?? finding?.version,
        types: FINDING_TYPE_CHOICES.map((t) => ({
          value: t.value,
          text: t.text,
          hint: { text: t.hint },
          checked: type === t.value,
        })),
        coreServices: choicesOf(
          services,
          text(values, 'coreServiceId'),
          'Trust-wide (not one core service)',
        ),
        keyQuestions: choicesOf(
          KEY_QUESTIONS.map((k) => ({ value: k, text: k })),
          text(values, 'keyQuestion'),
          'Not given',
        ),
        regulations: REGULATIONS_2014.map((r) => ({
          value: r.number,
          text: `Regulation ${r.number}: ${r.title}`,
          checked: ticked.includes(r.number),
        })),
        deadline: dateParts(values, 'deadline', finding?.deadline),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/findings?organisationId=${trust?.id ?? ''}`, text: 'Findings' },
        ],
        ...toFormErrors(problems, FINDING_LABELS),
      },
      status,
    );
  }

  @Get('core-services/:id')
  @Allow(...READ_ROLES)
  async coreService(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const service = await this.coreServices.get(id);
    const [readiness, findings, actions] = await Promise.all([
      this.readiness.forCoreService(id),
      this.findings.list(
        Object.assign(new ListFindingsQueryDto(), { coreServiceId: id, limit: 500, offset: 0 }),
      ),
      this.actions.list(
        Object.assign(new ListActionsQueryDto(), { coreServiceId: id, limit: 500, offset: 0 }),
      ),
    ]);
    this.pages.render(request, response, 'core-service', {
      title: service.name,
      service,
      readiness,
      findings: findings.items,
      actions: actions.items,
      today: todayDate(),
      keyQuestions: [...KEY_QUESTIONS, 'Overall'],
      breadcrumbs: [
        { href: '/', text: 'Home' },
        { href: `/?organisationId=${service.organisationId}`, text: 'Trust overview' },
      ],
    });
  }
}

const STALE_FINDING: FieldProblem = {
  field: 'form',
  reason:
    'Someone else changed this finding while you had it open. The page now shows what you typed against the latest version; check it and save again.',
};
