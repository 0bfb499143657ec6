import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ActionsService } from '../actions/actions.service';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { todayDate } from '../common/dates';
import { IdParam } from '../common/request-params';
import { CoreServicesService } from '../core-services/core-services.service';
import { KEY_QUESTIONS } from '../cqc/key-questions';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import { FINDING_TYPES } from '../findings/finding.entity';
import { FindingsService } from '../findings/findings.service';
import { ReadinessService } from '../readiness/readiness.service';
import { Choices, choicesOf } from './choices';
import { toFormErrors, validateForm } from './forms';
import { DEFAULT_PAGE_LIMIT, paginationFor, readListQuery, toQueryString } from './list-pages';
import { PageRenderer } from './page-renderer';
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
    const read = readListQuery(query, {});
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
