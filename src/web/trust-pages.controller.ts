import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { CreateOrganisationDto } from '../organisations/dto/organisation.dto';
import { ORGANISATION_KINDS } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import { attempt, text, toFormErrors, validateForm } from './forms';
import { PageRenderer } from './page-renderer';

const KIND_LABELS: Record<(typeof ORGANISATION_KINDS)[number], string> = {
  community: 'Community health',
  mental_health: 'Mental health',
  acute: 'Acute (hospitals)',
  ambulance: 'Ambulance',
  combined: 'Combined (more than one of these)',
};

const LABELS = {
  name: 'Name',
  odsCode: 'ODS code',
  cqcProviderId: 'CQC provider ID',
  kind: 'Kind of trust',
};

/** Admin only, as `POST /api/v1/organisations`: a new trust starts with no members. */
@ApiExcludeController()
@Controller('trusts')
export class TrustPagesController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('new')
  @Allow()
  newForm(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    this.showForm(request, response, {}, []);
  }

  @Post()
  @Allow()
  async create(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const odsCode = text(body, 'odsCode')?.toUpperCase();
    const plain = {
      name: text(body, 'name'),
      odsCode,
      cqcProviderId: text(body, 'cqcProviderId'),
      kind: text(body, 'kind'),
    };
    const problems: FieldProblem[] = [];
    if (!plain.name) problems.push({ field: 'name', reason: "Enter the trust's name" });
    if (odsCode && !/^[A-Z0-9]{3,10}$/.test(odsCode))
      problems.push({ field: 'odsCode', reason: 'Enter an ODS code of 3 to 10 letters or digits' });
    if (plain.cqcProviderId && !/^[A-Za-z0-9-]{1,20}$/.test(plain.cqcProviderId))
      problems.push({
        field: 'cqcProviderId',
        reason: 'Enter a CQC provider ID of up to 20 letters, digits or dashes',
      });
    if (!plain.kind) problems.push({ field: 'kind', reason: 'Select the kind of trust' });
    const { value, problems: invalid } = await validateForm(CreateOrganisationDto, plain);
    const all = problems.length ? problems : invalid;
    if (all.length) return this.showForm(request, response, body, all, 400);
    const result = await attempt(() => this.organisations.create(value));
    if (!result.ok)
      return this.showForm(request, response, body, result.problems.map(inWords), result.status);
    response.redirect(303, `/?organisationId=${result.value.id}&done=trust-created`);
  }

  private showForm(
    request: AuthenticatedRequest,
    response: Response,
    values: Record<string, unknown>,
    problems: FieldProblem[],
    status = 200,
  ): void {
    this.pages.render(
      request,
      response,
      'trust-new',
      {
        title: 'Create a trust',
        values,
        kinds: ORGANISATION_KINDS.map((k) => ({
          value: k,
          text: KIND_LABELS[k],
          checked: values.kind === k,
        })),
        breadcrumbs: [{ href: '/', text: 'Home' }],
        ...toFormErrors(problems, LABELS),
      },
      status,
    );
  }
}

/** "odsCode already used by ..." read as people would say it. */
function inWords(p: FieldProblem): FieldProblem {
  if (p.field === 'odsCode') return { field: p.field, reason: 'Another trust has this ODS code' };
  if (p.field === 'cqcProviderId')
    return { field: p.field, reason: 'Another trust has this CQC provider ID' };
  return p;
}
