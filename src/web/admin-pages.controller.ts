import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { TRUST_ROLES } from '../organisations/organisation-membership.entity';
import { TrustScopes } from './trust-scope';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AUDIT_ACTIONS } from '../audit/audit-event.entity';
import { ListAuditQueryDto } from '../audit/audit.dto';
import { AuditQueryService } from '../audit/audit-query.service';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { IdParam } from '../common/request-params';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from '../users/dto/user.dto';
import { USER_ROLES } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { Choices, choicesOf } from './choices';
import { attempt, dateParts, text, toFormErrors, validateForm } from './forms';
import { DEFAULT_PAGE_LIMIT, paginationFor, readListQuery } from './list-pages';
import { PageRenderer } from './page-renderer';
import { labelOf } from './views';

const USER_LABELS = { name: 'Name', email: 'Email address', role: 'Role', password: 'Password' };

/** Admin only (no roles named): the people who use the tracker, and the audit trail. */
@ApiExcludeController()
@Controller()
export class AdminPagesController {
  constructor(
    private readonly users: UsersService,
    private readonly auditEvents: AuditQueryService,
    private readonly choices: Choices,
    private readonly pages: PageRenderer,
    private readonly trusts: TrustScopes,
  ) {}

  @Get('users')
  @Allow()
  async listUsers(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const { plain } = readListQuery(query, {});
    const { value, problems } = await validateForm(ListUsersQueryDto, {
      ...plain,
      limit: plain.limit ?? 100,
    });
    const page = problems.length
      ? { items: [], total: 0, limit: 100, offset: 0 }
      : await this.users.list(value);
    const { offset: _offset, ...filters } = plain;
    this.pages.render(request, response, 'users', {
      title: 'Users',
      page,
      filters,
      roles: choicesOf(
        USER_ROLES.map((r) => ({ value: r, text: labelOf(r) })),
        plain.role,
      ),
      pagination: paginationFor('/users', filters, page.total, page.limit, page.offset),
      ...toFormErrors(problems, { q: 'Search' }),
    });
  }

  @Get('users/new')
  @Allow()
  async newUser(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    await this.showUserForm(request, response, null, {}, []);
  }

  @Post('users')
  @Allow()
  async createUser(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const plain = {
      name: text(body, 'name'),
      email: text(body, 'email'),
      role: text(body, 'role'),
      password: typeof body.password === 'string' && body.password ? body.password : undefined,
      memberships: body.role === 'admin' ? undefined : membershipsFrom(body),
    };
    const { value, problems } = await validateForm(CreateUserDto, plain);
    if (problems.length)
      return await this.showUserForm(request, response, null, body, problems, 400);
    const result = await attempt(() => this.users.create(value));
    if (!result.ok)
      return await this.showUserForm(request, response, null, body, result.problems, result.status);
    response.redirect(303, '/users?done=user-created');
  }

  @Get('users/:id')
  @Allow()
  async editUser(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const user = await this.users.get(id);
    const values: Record<string, unknown> = { ...user, active: user.active ? 'yes' : 'no' };
    for (const m of user.memberships) values[`trust_${m.organisationId}`] = m.role;
    await this.showUserForm(request, response, id, values, []);
  }

  @Post('users/:id')
  @Allow()
  async updateUser(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    // The form shows every field filled in: one cleared is refused, never read as "unchanged".
    const plain = {
      name: text(body, 'name') ?? '',
      email: text(body, 'email') ?? '',
      role: text(body, 'role') ?? '',
      active: body.active === 'yes',
      password: typeof body.password === 'string' && body.password ? body.password : undefined,
      memberships: body.role === 'admin' ? undefined : membershipsFrom(body),
    };
    const { value, problems } = await validateForm(UpdateUserDto, plain);
    if (problems.length) return await this.showUserForm(request, response, id, body, problems, 400);
    const result = await attempt(() => this.users.update(id, value));
    if (!result.ok)
      return await this.showUserForm(request, response, id, body, result.problems, result.status);
    response.redirect(303, '/users?done=user-updated');
  }

  @Get('audit')
  @Allow()
  async audit(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const read = readListQuery(query, { from: 'From', to: 'To' });
    if (read.rewritten && !read.problems.length) {
      const search = new URLSearchParams(read.plain).toString();
      return response.redirect(302, `/audit${search ? `?${search}` : ''}`);
    }
    const { value, problems } = await validateForm(ListAuditQueryDto, {
      ...read.plain,
      limit: read.plain.limit ?? DEFAULT_PAGE_LIMIT * 2,
    });
    const all: FieldProblem[] = [...read.problems, ...problems];
    const page = all.length
      ? { items: [], total: 0, limit: DEFAULT_PAGE_LIMIT, offset: 0 }
      : await this.auditEvents.list(value);
    const { offset: _offset, ...filters } = read.plain;
    this.pages.render(
      request,
      response,
      'audit',
      {
        title: 'Audit trail',
        page,
        people: Object.fromEntries((await this.choices.people()).map((p) => [p.value, p.text])),
        filters,
        actions: choicesOf(
          AUDIT_ACTIONS.map((a) => ({ value: a, text: labelOf(a) })),
          read.plain.action,
        ),
        from: dateParts(query, 'from', read.plain.from),
        to: dateParts(query, 'to', read.plain.to),
        pagination: paginationFor('/audit', filters, page.total, page.limit, page.offset),
        ...toFormErrors(all, { subject: 'Record', from: 'From', to: 'To', actorId: 'Person' }),
      },
      all.length ? 400 : 200,
    );
  }

  private async showUserForm(
    request: AuthenticatedRequest,
    response: Response,
    id: number | null,
    values: Record<string, unknown>,
    problems: FieldProblem[],
    status = 200,
  ) {
    // "Role in each trust": one choice per trust (not a member, or a role there).
    const { organisations } = await this.trusts.resolve(undefined);
    const trustRoles = organisations.map((o) => ({
      id: o.id,
      name: o.name,
      options: [
        { value: '', text: 'Not a member', selected: !values[`trust_${o.id}`] },
        ...TRUST_ROLES.map((r) => ({
          value: r,
          text: labelOf(r),
          selected: values[`trust_${o.id}`] === r,
        })),
      ],
    }));
    this.pages.render(
      request,
      response,
      'user-form',
      {
        title: id ? 'Change a user' : 'Add a user',
        id,
        values,
        roles: USER_ROLES.map((r) => ({
          value: r,
          text: labelOf(r),
          checked: values.role === r,
        })),
        trustRoles,
        breadcrumbs: [{ href: '/users', text: 'Users' }],
        ...toFormErrors(problems, USER_LABELS, 'user'),
      },
      status,
    );
  }
}

/** The form's `trust_<id>` fields as memberships: a role for each trust that has one. */
function membershipsFrom(
  body: Record<string, unknown>,
): { organisationId: number; role: string }[] {
  return Object.entries(body)
    .filter(([key, role]) => /^trust_\d+$/.test(key) && typeof role === 'string' && role !== '')
    .map(([key, role]) => ({ organisationId: Number(key.slice(6)), role: role as string }));
}
