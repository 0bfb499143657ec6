import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { isActionPart, PART_FIELD } from '../actions/action-people';
import { OPEN_STATUSES } from '../actions/action-rules';
import { ReassignActionsDto, ReassignService } from '../actions/reassign.service';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { TrustAccess } from '../auth/trust-access';
import { AppError, FieldProblem } from '../common/app-error';
import { IdParam } from '../common/request-params';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Choices } from './choices';
import { attempt, integer, text, toFormErrors, validateForm } from './forms';
import { PageRenderer } from './page-renderer';
import { TrustScopes } from './trust-scope';

/** The most matches the search page lists; a narrower search finds the rest. */
const SEARCH_LIMIT = 50;

/** The fields a chosen person can be returned to. */
const PICKER_FIELDS = ['ownerId', 'executiveLeadId', 'toUserId'];

const notFound = () => new AppError('ORGANISATION_NOT_FOUND', 'No such trust');

/**
 * A form address to come back to: a path on this site only (never `//elsewhere`), so the
 * search page cannot be used to send someone off-site.
 */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && value.length <= 500
    ? value
    : '/';
}

/** The form's address with the chosen person in `field`, replacing any earlier choice. */
function withChoice(returnTo: string, field: string, id: number): string {
  const url = new URL(returnTo, 'http://tracker.invalid');
  url.searchParams.set(field, String(id));
  return `${url.pathname}${url.search}`;
}

/**
 * People at scale: the search page behind every person picker (it works without JavaScript),
 * the trust's people for a quality lead, and reassigning a leaver's actions.
 */
@ApiExcludeController()
@Controller('people')
export class PeoplePagesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly choices: Choices,
    private readonly scopes: TrustScopes,
    private readonly reassigning: ReassignService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('search')
  @Allow('quality_lead')
  async search(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const organisation = await this.organisation(query.organisationId);
    const role = isActionPart(query.role) ? query.role : 'owner';
    const field =
      typeof query.field === 'string' && PICKER_FIELDS.includes(query.field)
        ? query.field
        : PART_FIELD[role];
    const returnTo = safeReturnTo(query.returnTo);
    const q = text(query, 'q') ?? '';
    const found = await this.choices.people(organisation.id, role, q);
    const matches = found.slice(0, SEARCH_LIMIT).map((person) => ({
      ...person,
      href: withChoice(returnTo, field, person.value),
    }));
    this.pages.render(request, response, 'people-search', {
      title: role === 'owner' ? 'Choose an owner' : 'Choose an executive lead',
      organisation,
      role,
      field,
      returnTo,
      q,
      matches,
      more: found.length > SEARCH_LIMIT,
      breadcrumbs: [{ href: '/', text: 'Home' }],
    });
  }

  @Get()
  @Allow('quality_lead')
  async list(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('organisationId') organisationId?: string,
  ) {
    const scope = await this.scopes.resolve(organisationId);
    if (!scope.current) throw notFound();
    const organisation = scope.current;
    TrustAccess.requireWritable(organisation.id, notFound);
    const rows: {
      id: number;
      name: string;
      email: string;
      active: unknown;
      role: string;
      owned: unknown;
      open: unknown;
    }[] = await this.dataSource.query(
      `SELECT u.id AS id, u.name AS name, u.email AS email, u.active AS active, m.role AS role,
              (SELECT COUNT(*) FROM action a WHERE a.organisation_id = m.organisation_id AND a.owner_id = u.id) AS owned,
              (SELECT COUNT(*) FROM action a WHERE a.organisation_id = m.organisation_id AND a.owner_id = u.id
                 AND a.status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})) AS open
         FROM organisation_membership m JOIN app_user u ON u.id = m.user_id
        WHERE m.organisation_id = ${this.isPostgres ? '$1' : '?'}
        ORDER BY u.name, u.email`,
      [organisation.id],
    );
    this.pages.render(request, response, 'people', {
      title: 'People',
      scope,
      organisation,
      people: rows.map((row) => ({
        ...row,
        active: row.active === true || Number(row.active) === 1,
        owned: Number(row.owned),
        open: Number(row.open),
      })),
      breadcrumbs: [{ href: '/', text: 'Home' }],
    });
  }

  @Get(':id/reassign')
  @Allow('quality_lead')
  async reassignForm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Query() query: Record<string, unknown>,
  ) {
    await this.showReassign(request, response, id, query.organisationId, query, []);
  }

  @Post(':id/reassign')
  @Allow('quality_lead')
  async reassign(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Query('organisationId') organisationId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const organisation = await this.organisation(organisationId);
    const plain = {
      fromUserId: id,
      toUserId: integer(body, 'toUserId'),
      openOnly: text(body, 'openOnly') === 'yes',
    };
    const { value, problems } = await validateForm(ReassignActionsDto, plain);
    if (plain.toUserId === undefined)
      return this.showReassign(request, response, id, organisationId, body, [
        { field: 'toUserId', reason: 'Select who will own the actions' },
      ]);
    if (problems.length)
      return this.showReassign(request, response, id, organisationId, body, problems, 400);
    const result = await attempt(() => this.reassigning.reassign(organisation.id, value));
    if (!result.ok)
      return this.showReassign(
        request,
        response,
        id,
        organisationId,
        body,
        result.problems,
        result.status,
      );
    response.redirect(303, `/people?organisationId=${organisation.id}&done=reassigned`);
  }

  private async showReassign(
    request: AuthenticatedRequest,
    response: Response,
    id: number,
    organisationId: unknown,
    values: Record<string, unknown>,
    problems: FieldProblem[],
    status = problems.length ? 400 : 200,
  ) {
    const organisation = await this.organisation(organisationId);
    const membership = await this.dataSource.getRepository(OrganisationMembership).findOne({
      where: { userId: id, organisationId: organisation.id },
      relations: { user: true },
    });
    if (!membership?.user) throw new AppError('USER_NOT_FOUND', `No user ${id} in this trust`);
    const person = membership.user;
    const [owned, open, owners] = await Promise.all([
      this.reassigning.count(organisation.id, id, false),
      this.reassigning.count(organisation.id, id, true),
      this.choices.people(organisation.id, 'owner'),
    ]);
    const chosen = text(values, 'toUserId');
    this.pages.render(
      request,
      response,
      'reassign',
      {
        title: `Reassign ${person.name}'s actions`,
        organisation,
        person: { id: person.id, name: person.name },
        owned,
        open,
        values,
        owners: [
          { value: '', text: 'Choose a person' },
          ...owners
            .filter((o) => o.value !== person.id)
            .map((o) => ({ ...o, selected: String(o.value) === chosen })),
        ],
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/people?organisationId=${organisation.id}`, text: 'People' },
        ],
        ...toFormErrors(problems, { toUserId: 'New owner', fromUserId: 'Person' }),
      },
      status,
    );
  }

  /** The trust asked for, if the caller is a member (another trust's id is not found). */
  private async organisation(value: unknown): Promise<{ id: number; name: string }> {
    const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    // A quality lead of this trust (or an admin): a viewer here learns nothing of its people.
    TrustAccess.requireWritable(id, notFound);
    const found = await this.dataSource.getRepository(Organisation).findOneBy({ id });
    if (!found) throw notFound();
    return { id: found.id, name: found.name };
  }

  private get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }
}
