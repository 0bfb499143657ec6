import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { IdParam } from '../common/request-params';
import { CoreServicesService } from '../core-services/core-services.service';
import { CreateCoreServiceDto, UpdateCoreServiceDto } from '../core-services/dto/core-service.dto';
import { AddRatingsDto } from '../core-services/dto/rating.dto';
import { RATING_SCOPES } from '../cqc/key-questions';
import { RATINGS } from '../cqc/ratings';
import { OrganisationsService } from '../organisations/organisations.service';
import { choicesOf } from './choices';
import { attempt, dateParts, text, toFormErrors, validateForm } from './forms';
import { dateAnswer } from './record-dates';
import { PageRenderer } from './page-renderer';
import { requireFormRoleIn } from './trust-role';

type FormName = 'reinspection' | 'rename' | 'ratings';

const TITLES: Record<FormName, string> = {
  reinspection: 'Set the reinspection date',
  rename: 'Rename this core service',
  ratings: 'Record new ratings',
};

/** The words people see for each field, for error messages. */
const LABELS: Record<string, string> = {
  name: 'Name',
  reinspectionDate: 'Reinspection date',
  reinspectionWindowEnd: 'End of the expected window',
  reinspectionConfirmed: 'Confirmed',
  ratedOn: 'Date of the ratings',
  ratings: 'Ratings',
};

/** One field's problem in the people's words (the API's say "reinspectionDate must ..."). */
const problem = (field: string, reason: string): FieldProblem => ({ field, reason });

/**
 * The steps of the record that keep a core service up to date: its reinspection date after an
 * import, its name, a trust's new service, and the ratings after a reinspection. Quality leads
 * only, as the API's `/api/v1/core-services` routes; the service checks the trust and audits.
 */
@ApiExcludeController()
@Controller()
export class CoreServicePagesController {
  constructor(
    private readonly coreServices: CoreServicesService,
    private readonly organisations: OrganisationsService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('core-services/:id/reinspection')
  @Allow('quality_lead')
  reinspectionForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'reinspection');
  }

  @Post('core-services/:id/reinspection')
  @Allow('quality_lead')
  async setReinspection(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const date = dateAnswer(body, 'reinspectionDate', LABELS.reinspectionDate, true);
    const end = dateAnswer(body, 'reinspectionWindowEnd', LABELS.reinspectionWindowEnd, false);
    const problems = [date.problem, end.problem].filter((p): p is FieldProblem => !!p);
    if (date.value && end.value && end.value < date.value) {
      problems.push(
        problem(
          'reinspectionWindowEnd',
          'Enter an end of the window that is on or after the reinspection date',
        ),
      );
    }
    const confirmed = text(body, 'reinspectionConfirmed');
    if (confirmed !== 'yes' && confirmed !== 'no') {
      problems.push(problem('reinspectionConfirmed', 'Select whether CQC has confirmed the date'));
    }
    const plain = {
      reinspectionDate: date.value,
      reinspectionWindowEnd: end.value ?? null,
      reinspectionConfirmed: confirmed === 'yes',
    };
    await this.submit(request, response, id, 'reinspection', body, problems, plain);
  }

  @Get('core-services/:id/rename')
  @Allow('quality_lead')
  renameForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'rename');
  }

  @Post('core-services/:id/rename')
  @Allow('quality_lead')
  async rename(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const name = text(body, 'name');
    const problems = name ? [] : [problem('name', 'Enter the name of the core service')];
    await this.submit(request, response, id, 'rename', body, problems, { name });
  }

  @Get('core-services/:id/ratings')
  @Allow('quality_lead')
  ratingsForm(@Req() r: AuthenticatedRequest, @Res() s: Response, @IdParam() id: number) {
    return this.showForm(r, s, id, 'ratings');
  }

  @Post('core-services/:id/ratings')
  @Allow('quality_lead')
  async addRatings(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const ratedOn = dateAnswer(body, 'ratedOn', LABELS.ratedOn, true);
    const problems = ratedOn.problem ? [ratedOn.problem] : [];
    const ratings = RATING_SCOPES.flatMap((scope) => {
      const rating = text(body, fieldOf(scope));
      return rating ? [{ scope, rating, ratedOn: ratedOn.value }] : [];
    });
    if (!ratings.length) {
      problems.push(problem(fieldOf(RATING_SCOPES[0]), 'Select at least one new rating'));
    }
    if (problems.length)
      return this.showForm(request, response, id, 'ratings', body, problems, 400);
    const { value, problems: invalid } = await validateForm(AddRatingsDto, { ratings });
    if (invalid.length) {
      // The date was read above, so the DTO's only complaint about it is a day yet to come.
      const shown = invalid.map((p) =>
        p.constraint === 'isNotInFuture'
          ? problem('ratedOn', 'Enter a date that is today or in the past')
          : problem(fieldOf(RATING_SCOPES[0]), 'Select a rating from the list'),
      );
      return this.showForm(request, response, id, 'ratings', body, shown, 400);
    }
    const result = await attempt(() => this.coreServices.addRatings(id, value.ratings));
    if (!result.ok)
      return this.showForm(request, response, id, 'ratings', body, result.problems, result.status);
    response.redirect(303, `/core-services/${id}?done=ratings-recorded`);
  }

  @Get('trusts/:id/core-services/new')
  @Allow('quality_lead')
  async newForm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() organisationId: number,
  ) {
    await this.showNewForm(request, response, organisationId, {}, []);
  }

  @Post('trusts/:id/core-services')
  @Allow('quality_lead')
  async create(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() organisationId: number,
    @Body() body: Record<string, unknown>,
  ) {
    const name = text(body, 'name');
    const date = dateAnswer(body, 'reinspectionDate', LABELS.reinspectionDate, false);
    const problems = [
      ...(name ? [] : [problem('name', 'Enter the name of the core service')]),
      ...(date.problem ? [date.problem] : []),
    ];
    const plain = { organisationId, name, reinspectionDate: date.value };
    const { value, problems: invalid } = await validateForm(CreateCoreServiceDto, plain);
    const all = problems.length ? problems : invalid;
    if (all.length) return this.showNewForm(request, response, organisationId, body, all, 400);
    const result = await attempt(() => this.coreServices.create(value));
    if (!result.ok) {
      return this.showNewForm(
        request,
        response,
        organisationId,
        body,
        result.problems.map(inWords),
        result.status,
      );
    }
    response.redirect(303, `/core-services/${result.value.id}?done=core-service-added`);
  }

  private async submit(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    form: FormName,
    body: Record<string, unknown>,
    problems: FieldProblem[],
    plain: Record<string, unknown>,
  ): Promise<void> {
    if (problems.length) return this.showForm(request, response, id, form, body, problems, 400);
    const { value, problems: invalid } = await validateForm(UpdateCoreServiceDto, plain);
    if (invalid.length) return this.showForm(request, response, id, form, body, invalid, 400);
    const result = await attempt(() => this.coreServices.update(id, value));
    if (!result.ok) {
      const shown = result.problems.map(inWords);
      return this.showForm(request, response, id, form, body, shown, result.status);
    }
    const done = form === 'rename' ? 'core-service-renamed' : 'reinspection-set';
    response.redirect(303, `/core-services/${id}?done=${done}`);
  }

  private async showForm(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    form: FormName,
    body: Record<string, unknown> = {},
    problems: FieldProblem[] = [],
    status = 200,
  ): Promise<void> {
    // Another trust's service is "not found" here, as in the API.
    const service = await this.coreServices.get(id);
    requireFormRoleIn(service.organisationId);
    const fresh = Object.keys(body).length === 0;
    const confirmed = fresh
      ? service.reinspectionDate
        ? service.reinspectionConfirmed
          ? 'yes'
          : 'no'
        : undefined
      : text(body, 'reinspectionConfirmed');
    this.pages.render(
      request,
      response,
      'core-service-form',
      {
        title: TITLES[form],
        form,
        service,
        values: fresh ? { name: service.name, reinspectionConfirmed: confirmed } : body,
        reinspectionDate: dateParts(body, 'reinspectionDate', service.reinspectionDate),
        reinspectionWindowEnd: dateParts(
          body,
          'reinspectionWindowEnd',
          service.reinspectionWindowEnd,
        ),
        ratedOn: dateParts(body, 'ratedOn'),
        scopes: RATING_SCOPES.map((scope) => ({
          scope,
          field: fieldOf(scope),
          current: service.ratings[scope],
          options: choicesOf(
            RATINGS.map((r) => ({ value: r, text: r })),
            text(body, fieldOf(scope)),
            'No new rating',
          ),
        })),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/core-services/${service.id}`, text: service.name },
        ],
        ...toFormErrors(problems, LABELS),
      },
      status,
    );
  }

  private async showNewForm(
    request: AuthenticatedRequest,
    response: Response,
    organisationId: number,
    body: Record<string, unknown>,
    problems: FieldProblem[],
    status = 200,
  ): Promise<void> {
    // Another trust reads as not found, as in the API.
    const organisation = await this.organisations.get(organisationId);
    requireFormRoleIn(organisation.id);
    this.pages.render(
      request,
      response,
      'core-service-new',
      {
        title: 'Add a core service',
        organisation,
        values: body,
        reinspectionDate: dateParts(body, 'reinspectionDate'),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/findings?organisationId=${organisation.id}`, text: 'Findings' },
        ],
        ...toFormErrors(problems, LABELS),
      },
      status,
    );
  }
}

/** `Safe` is `rating_Safe`; `Well-led` is `rating_Well-led` (ids and names allow the dash). */
function fieldOf(scope: string): string {
  return `rating_${scope}`;
}

/** The service's refusals named for people: a name already used. */
function inWords(p: FieldProblem): FieldProblem {
  if (p.field === 'name' && /already exists/.test(p.reason)) {
    return problem('name', 'This trust already has a core service with that name');
  }
  return p;
}
