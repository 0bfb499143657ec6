import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { TrustAccess } from '../auth/trust-access';
import { FieldProblem } from '../common/app-error';
import { Choices, choicesOf } from './choices';
import { IssueReportDto, ISSUED_FORMATS_OF } from '../reports/dto/issued-report.dto';
import { ISSUE_ROLES } from '../reports/issued-reports.controller';
import { IssuedReportsService } from '../reports/issued-reports.service';
import { attempt, dateInput, dateParts, integer, text, toFormErrors, validateForm } from './forms';
import { toQueryString } from './list-pages';
import { PageRenderer } from './page-renderer';
import { TrustScopes } from './trust-scope';
import {
  ASSURANCE_LABELS,
  ASSURANCE_LEVELS,
  BOARD_PURPOSES,
  DEFAULT_MARKING,
  PURPOSE_LABELS,
} from '../reports/board-cover';

/** The board paper's cover-sheet text fields on the form, with their longest allowed length. */
const COVER_TEXT: Record<string, { label: string; max: number }> = {
  meeting: { label: 'Meeting', max: 200 },
  agendaItem: { label: 'Agenda item', max: 50 },
  author: { label: 'Author', max: 200 },
  executiveSponsor: { label: 'Executive sponsor', max: 200 },
  strategicRisks: { label: 'Links to strategic risks', max: 500 },
  recommendation: { label: 'Recommendation', max: 1000 },
  marking: { label: 'Protective marking', max: 50 },
  version: { label: 'Version', max: 50 },
};

/**
 * The board paper's cover sheet as typed into the reports page: checked here with the page's
 * own words, then passed to the API route as its query parameters.
 */
function coverFromForm(query: Record<string, unknown>): {
  params: Record<string, string | undefined>;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const params: Record<string, string | undefined> = {};
  for (const [field, { label, max }] of Object.entries(COVER_TEXT)) {
    const value = text(query, field);
    if (value && value.length > max)
      problems.push({ field, reason: `${label} must be ${max} characters or fewer` });
    params[field] = value;
  }
  const meetingDate = dateInput(query, 'meetingDate', 'Date of meeting', false);
  if (meetingDate.problem) problems.push(meetingDate.problem);
  params.meetingDate = meetingDate.value;
  const purpose = text(query, 'purpose');
  if (purpose && !(BOARD_PURPOSES as readonly string[]).includes(purpose))
    problems.push({ field: 'purpose', reason: 'Select what the board is asked to do' });
  params.purpose = purpose;
  const assurance = text(query, 'assuranceLevel');
  if (assurance && !(ASSURANCE_LEVELS as readonly string[]).includes(assurance))
    problems.push({ field: 'assuranceLevel', reason: 'Select an assurance level' });
  params.assuranceLevel = assurance;
  return { params, problems };
}

/** Each report, the formats it comes in, and whether it is for one core service. */
const REPORTS: Record<string, { name: string; formats: string[]; perService?: boolean }> = {
  board: { name: 'Board report', formats: ['pdf', 'xlsx', 'html'] },
  'cqc-return': { name: 'CQC action plan return', formats: ['xlsx', 'pdf'] },
  'evidence-pack': { name: 'Evidence pack for a core service', formats: ['pdf'], perService: true },
  actions: { name: 'All actions', formats: ['xlsx', 'csv'] },
  findings: { name: 'All findings', formats: ['xlsx', 'csv'] },
};
const FORMAT_NAMES: Record<string, string> = {
  pdf: 'PDF',
  xlsx: 'Excel (.xlsx)',
  csv: 'CSV',
  html: 'Web page (printable)',
};

/**
 * Choose a report, a date and filters; the download itself comes from the API's report
 * routes, so the page and a script get byte-for-byte the same file.
 */
@ApiExcludeController()
@Controller('reports')
export class ReportPagesController {
  constructor(
    private readonly scopes: TrustScopes,
    private readonly choices: Choices,
    private readonly pages: PageRenderer,
    private readonly issued: IssuedReportsService,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  async form(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const scope = await this.scopes.resolve(query.organisationId);
    const problems: FieldProblem[] = [];
    if (query.download !== undefined && scope.current) {
      const report = text(query, 'report');
      const spec = report ? REPORTS[report] : undefined;
      const format = text(query, 'format');
      const coreServiceId = text(query, 'coreServiceId');
      const asOf = dateInput(query, 'asOf', 'As at', false);
      if (!spec) problems.push({ field: 'report', reason: 'Select a report' });
      if (spec && (!format || !spec.formats.includes(format)))
        problems.push({
          field: 'format',
          reason: `${spec.name} comes as ${spec.formats.map((f) => FORMAT_NAMES[f]).join(' or ')}`,
        });
      if (spec?.perService && !coreServiceId)
        problems.push({ field: 'coreServiceId', reason: 'Select the core service' });
      if (asOf.problem) problems.push(asOf.problem);
      problems.push(...(await this.otherTrustChoices(scope.current.id, query)));
      const cover = report === 'board' ? coverFromForm(query) : { params: {}, problems: [] };
      problems.push(...cover.problems);
      if (!problems.length) {
        const params = {
          organisationId: spec!.perService ? undefined : scope.current.id,
          coreServiceId,
          executiveLeadId: spec!.perService ? undefined : text(query, 'executiveLeadId'),
          asOf: asOf.value,
          format,
          ...cover.params,
        };
        return response.redirect(303, `/api/v1/reports/${report}${toQueryString(params)}`);
      }
    }
    await this.show(request, response, query, scope, problems, [], {});
  }

  /**
   * "Issue this report": the board report or CQC return built now and kept as issued, for a
   * meeting. The same service and DTO as `POST /api/v1/reports/issued`.
   */
  @Post('issue')
  @Allow(...ISSUE_ROLES)
  async issue(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const scope = await this.scopes.resolve(body.organisationId);
    const asOf = dateInput(body, 'issueAsOf', 'As at', false);
    const plain = {
      kind: text(body, 'kind'),
      organisationId: integer(body, 'organisationId'),
      format: text(body, 'issueFormat'),
      asOf: asOf.value,
      // Left blank is "must not be empty", as people expect, not "must be a string".
      meeting: text(body, 'meeting') ?? '',
      coreServiceId: integer(body, 'issueCoreServiceId'),
    };
    const { value, problems } = await validateForm(IssueReportDto, plain);
    if (asOf.problem) problems.push({ ...asOf.problem, field: 'asOf' });
    if (!problems.length) {
      const outcome = await attempt(() => this.issued.issue(value, request.user!));
      if (outcome.ok)
        return response.redirect(
          303,
          `/reports/issued${toQueryString({ organisationId: outcome.value.organisationId, done: 'issued' })}`,
        );
      problems.push(...outcome.problems);
    }
    await this.show(request, response, {}, scope, [], problems, body);
  }

  /** The reports an organisation has issued, newest first, each downloadable as issued. */
  @Get('issued')
  @Allow(...READ_ROLES)
  async issuedList(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const scope = await this.scopes.resolve(query.organisationId);
    const page = scope.current
      ? await this.issued.list({ organisationId: scope.current.id, limit: 500, offset: 0 })
      : { items: [], total: 0 };
    this.pages.render(request, response, 'issued-reports', {
      title: 'Issued reports',
      scope,
      total: page.total,
      items: page.items.map((item) => ({
        ...item,
        kindName: REPORTS[item.kind].name,
        formatName: FORMAT_NAMES[item.format],
        issuedOn: item.issuedAt.slice(0, 10),
        sizeKb: Math.max(1, Math.round(item.size / 1024)),
      })),
      breadcrumbs: [
        {
          href: `/reports${toQueryString({ organisationId: scope.current?.id })}`,
          text: 'Reports',
        },
      ],
    });
  }

  /**
   * A core service or executive lead not of the trust shown (a stale bookmark, an edited
   * address): said on the page, where the API would answer with its JSON 400.
   */
  private async otherTrustChoices(
    organisationId: number,
    query: Record<string, unknown>,
  ): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const coreServiceId = text(query, 'coreServiceId');
    const executiveLeadId = text(query, 'executiveLeadId');
    if (coreServiceId) {
      const services = await this.choices.coreServices(organisationId);
      if (!services.some((s) => String(s.value) === coreServiceId))
        problems.push({ field: 'coreServiceId', reason: 'Select a core service of this trust' });
    }
    if (executiveLeadId) {
      const leads = await this.choices.people(organisationId, 'executiveLead');
      if (!leads.some((l) => String(l.value) === executiveLeadId))
        problems.push({
          field: 'executiveLeadId',
          reason: 'Select an executive lead of this trust',
        });
    }
    return problems;
  }

  private async show(
    request: AuthenticatedRequest,
    response: Response,
    query: Record<string, unknown>,
    scope: Awaited<ReturnType<TrustScopes['resolve']>>,
    problems: FieldProblem[],
    issueProblems: FieldProblem[],
    issueValues: Record<string, unknown>,
  ) {
    const [services, leads] = scope.current
      ? await Promise.all([
          this.choices.coreServices(scope.current.id),
          this.choices.people(scope.current.id, 'executiveLead'),
        ])
      : [[], []];
    const download = toFormErrors(
      problems,
      {
        report: 'Report',
        format: 'Format',
        asOf: 'As at',
        coreServiceId: 'Core service',
        executiveLeadId: 'Executive lead',
        meetingDate: 'Date of meeting',
        purpose: 'Purpose',
        assuranceLevel: 'Assurance level',
        ...Object.fromEntries(Object.entries(COVER_TEXT).map(([f, { label }]) => [f, label])),
      },
      'reports.download',
    );
    const issue = issueForm(issueValues, issueProblems, services);
    // Issuing needs the role in this trust; viewers and owners are not offered the form.
    const role = scope.current ? TrustAccess.roleIn(scope.current.id) : null;
    const canIssue = role === 'admin' || ISSUE_ROLES.some((r) => r === role);
    this.pages.render(
      request,
      response,
      'reports',
      {
        title: 'Reports',
        scope,
        values: query,
        reports: Object.entries(REPORTS).map(([value, spec]) => ({
          value,
          text: spec.name,
          hint: { text: spec.formats.map((f) => FORMAT_NAMES[f]).join(', ') },
          checked: query.report === value,
        })),
        formats: choicesOf(
          Object.entries(FORMAT_NAMES).map(([value, name]) => ({ value, text: name })),
          text(query, 'format'),
          'Choose a format',
        ),
        coreServices: choicesOf(services, text(query, 'coreServiceId'), 'All core services'),
        leads: choicesOf(leads, text(query, 'executiveLeadId'), 'All executive leads'),
        asOf: dateParts(query, 'asOf'),
        meetingDate: dateParts(query, 'meetingDate'),
        purposes: BOARD_PURPOSES.map((value) => ({
          value,
          text: PURPOSE_LABELS[value],
          checked: query.purpose === value,
        })),
        assuranceLevels: choicesOf(
          ASSURANCE_LEVELS.map((value) => ({ value, text: ASSURANCE_LABELS[value] })),
          text(query, 'assuranceLevel'),
          'Not given',
        ),
        defaultMarking: DEFAULT_MARKING,
        errors: download.errors,
        // One summary at the top of the page, for whichever form was sent.
        errorList: [...download.errorList, ...issue.errorList],
        canIssue,
        issue,
      },
      problems.length || issueProblems.length ? 400 : 200,
    );
  }
}

/** The "Issue this report" form's choices, values and problems (ids apart from the download form's). */
function issueForm(
  values: Record<string, unknown>,
  problems: FieldProblem[],
  services: { value: string | number; text: string }[],
) {
  // The API names fields as the DTO does; the form's own ids keep them apart on the page.
  const ids: Record<string, string> = {
    format: 'issueFormat',
    asOf: 'issueAsOf',
    coreServiceId: 'issueCoreServiceId',
  };
  const renamed = problems.map((p) => {
    const field = p.field.split(/[.[]/)[0];
    return {
      ...p,
      field: ids[field] ?? field,
      reason: p.reason.replace(new RegExp(`^${field} `), ''),
    };
  });
  const kinds = Object.keys(ISSUED_FORMATS_OF);
  return {
    values,
    kinds: kinds.map((value) => ({
      value,
      text: REPORTS[value].name,
      hint: {
        text: ISSUED_FORMATS_OF[value as keyof typeof ISSUED_FORMATS_OF]
          .map((f) => FORMAT_NAMES[f])
          .join(', '),
      },
      checked: values.kind === value,
    })),
    formats: choicesOf(
      ['pdf', 'xlsx', 'html'].map((value) => ({ value, text: FORMAT_NAMES[value] })),
      text(values, 'issueFormat'),
      'The usual format (PDF for the board, Excel for CQC)',
    ),
    coreServices: choicesOf(services, text(values, 'issueCoreServiceId'), 'All core services'),
    asOf: dateParts(values, 'issueAsOf'),
    ...toFormErrors(
      renamed,
      {
        kind: 'Report',
        issueFormat: 'Format',
        issueAsOf: 'As at',
        meeting: 'Meeting',
        organisationId: 'Trust',
        issueCoreServiceId: 'Core service',
        form: '',
      },
      'reports.issue',
    ),
  };
}
