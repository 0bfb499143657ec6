import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { Choices, choicesOf } from './choices';
import { dateInput, dateParts, text, toFormErrors } from './forms';
import { toQueryString } from './list-pages';
import { PageRenderer } from './page-renderer';
import { TrustScopes } from './trust-scope';

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
      if (!problems.length) {
        const params = {
          organisationId: spec!.perService ? undefined : scope.current.id,
          coreServiceId,
          executiveLeadId: spec!.perService ? undefined : text(query, 'executiveLeadId'),
          asOf: asOf.value,
          format,
        };
        return response.redirect(303, `/api/v1/reports/${report}${toQueryString(params)}`);
      }
    }
    const [services, leads] = scope.current
      ? await Promise.all([
          this.choices.coreServices(scope.current.id),
          this.choices.people(['executive', 'quality_lead', 'admin']),
        ])
      : [[], []];
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
        ...toFormErrors(problems, {
          report: 'Report',
          format: 'Format',
          asOf: 'As at',
          coreServiceId: 'Core service',
        }),
      },
      problems.length ? 400 : 200,
    );
  }
}
