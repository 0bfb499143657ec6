import { recordRevisions } from '../history/revisions';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { requireId } from '../common/id-field';
import { fetchPage, Page, toPage } from '../common/pagination';
import { endCredentials } from '../auth/credentials';
import { RequestContext } from '../common/request-context';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { Transactions } from '../database/transactions';
import { TrustAccess } from '../auth/trust-access';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import {
  CreateUserDto,
  ListUsersQueryDto,
  MembershipInputDto,
  toUserDto,
  UpdateUserDto,
  UserDto,
} from './dto/user.dto';
import { isMember, membershipsOf, replaceMemberships } from './memberships';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const qb = this.users.createQueryBuilder('u');
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    if (query.q) {
      const like = containsPattern(query.q);
      qb.andWhere(
        new Brackets((w) =>
          w
            .where(`LOWER(u.name) LIKE :like ${LIKE_ESCAPE}`, { like })
            .orWhere(`LOWER(u.email) LIKE :like ${LIKE_ESCAPE}`),
        ),
      );
    }
    const params: Record<string, unknown> = {};
    const shared = TrustAccess.sqlCondition('m.organisation_id', params);
    if (shared) {
      // People sharing a trust with the caller, and the caller.
      qb.andWhere(
        new Brackets((w) =>
          w
            .where(
              `u.id IN (SELECT m.user_id FROM organisation_membership m WHERE ${shared})`,
              params,
            )
            .orWhere('u.id = :callerId', { callerId: RequestContext.current()?.user?.id ?? 0 }),
        ),
      );
    }
    qb.orderBy('u.name', 'ASC').addOrderBy('u.id', 'ASC');
    const { rows, total } = await fetchPage(qb, query);
    const memberships = await membershipsOf(
      this.users.manager,
      rows.map((u) => u.id),
    );
    return toPage(
      rows.map((u) => toUserDto(u, memberships.get(u.id))),
      total,
      query,
    );
  }

  async get(id: number): Promise<UserDto> {
    const user = await this.find(id);
    if (!(await this.visible(user))) throw new AppError('USER_NOT_FOUND', `No user ${id}`);
    return this.withMemberships(this.users.manager, user);
  }

  /** An admin sees everyone; anyone else sees themselves and people sharing a trust. */
  private async visible(user: User): Promise<boolean> {
    if (TrustAccess.readableIds() === 'all') return true;
    if (user.id === RequestContext.current()?.user?.id) return true;
    const memberships = await membershipsOf(this.users.manager, [user.id]);
    return (memberships.get(user.id) ?? []).length > 0;
  }

  private async withMemberships(manager: EntityManager, user: User): Promise<UserDto> {
    const memberships = await membershipsOf(manager, [user.id]);
    return toUserDto(user, memberships.get(user.id));
  }

  /** Adds a trust to a user, or changes their role in it (admin only). */
  async addMembership(id: number, dto: MembershipInputDto): Promise<UserDto> {
    return this.transactions.run(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user) throw new AppError('USER_NOT_FOUND', `No user ${id}`);
      refuseAdminMemberships(user.role, [dto]);
      const current = await manager.find(OrganisationMembership, { where: { userId: id } });
      const wanted = [
        ...current
          .filter((m) => m.organisationId !== dto.organisationId)
          .map((m) => ({ organisationId: m.organisationId, role: m.role })),
        dto,
      ];
      await this.writeMemberships(manager, user, wanted, current);
      return this.withMemberships(manager, user);
    });
  }

  /** Takes a trust away from a user (admin only). */
  async removeMembership(id: number, organisationId: number): Promise<UserDto> {
    return this.transactions.run(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user) throw new AppError('USER_NOT_FOUND', `No user ${id}`);
      const current = await manager.find(OrganisationMembership, { where: { userId: id } });
      if (!current.some((m) => m.organisationId === organisationId)) {
        throw new AppError(
          'ORGANISATION_NOT_FOUND',
          `User ${id} is not a member of organisation ${organisationId}`,
        );
      }
      const wanted = current
        .filter((m) => m.organisationId !== organisationId)
        .map((m) => ({ organisationId: m.organisationId, role: m.role }));
      await this.writeMemberships(manager, user, wanted, current);
      return this.withMemberships(manager, user);
    });
  }

  /** Replaces the memberships and writes one audit event per trust whose role changed. */
  private async writeMemberships(
    manager: EntityManager,
    user: User,
    wanted: MembershipInputDto[],
    current?: OrganisationMembership[],
  ): Promise<void> {
    const before = new Map(
      (current ?? (await manager.find(OrganisationMembership, { where: { userId: user.id } }))).map(
        (m) => [m.organisationId, m.role as string],
      ),
    );
    await replaceMemberships(manager, user.id, wanted);
    const after = new Map(wanted.map((m) => [m.organisationId, m.role as string]));
    for (const organisationId of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(organisationId) ?? null;
      const is = after.get(organisationId) ?? null;
      if (was === is) continue;
      await this.audit.record(manager, {
        action: is === null ? 'delete' : was === null ? 'create' : 'update',
        entity: 'organisation_membership',
        entityId: `${user.id}:${organisationId}`,
        subject: `app_user:${user.id}`,
        organisationId,
        before: was === null ? null : { userId: user.id, organisationId, role: was },
        after: is === null ? null : { userId: user.id, organisationId, role: is },
        summary: `${user.email}: ${was ?? 'no role'} -> ${is ?? 'no role'}`,
      });
    }
  }

  async create(dto: CreateUserDto): Promise<UserDto> {
    return this.transactions.run(async (manager) => {
      const email = dto.email.trim().toLowerCase();
      await this.assertEmailFree(manager, email);
      const now = nowTimestamp();
      const user = manager.create(User, {
        name: dto.name.trim(),
        email,
        role: dto.role,
        active: dto.active ?? true,
        passwordHash: dto.password === undefined ? null : await checkedHash(dto.password, email),
        createdAt: now,
        updatedAt: now,
      });
      const saved = await UsersService.insert(manager, this.audit, user);
      if (dto.memberships) {
        refuseAdminMemberships(saved.role, dto.memberships);
        await this.writeMemberships(manager, saved, dto.memberships, []);
      }
      return this.withMemberships(manager, saved);
    });
  }

  /**
   * The one way a user row is created (the API, the CLI, a plan import that brings people in):
   * the row, its audit event, and its first revision valid from its creation.
   */
  static async insert(
    manager: EntityManager,
    audit: AuditService,
    user: User,
    summary?: string,
  ): Promise<User> {
    const saved = await manager.save(user);
    await audit.record(manager, {
      action: 'create',
      entity: 'app_user',
      entityId: saved.id,
      after: saved,
      summary,
    });
    await recordRevisions(manager, 'app_user', [saved.id], saved.createdAt);
    return saved;
  }

  async update(id: number, dto: UpdateUserDto): Promise<UserDto> {
    return this.transactions.run(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user) throw new AppError('USER_NOT_FOUND', `No user ${id}`);
      const before = { ...user };
      if (dto.email !== undefined) {
        const email = dto.email.trim().toLowerCase();
        if (email !== user.email) await this.assertEmailFree(manager, email);
        user.email = email;
      }
      if (dto.name !== undefined) user.name = dto.name.trim();
      const losesAdmin =
        before.role === 'admin' &&
        before.active &&
        ((dto.role !== undefined && dto.role !== 'admin') || dto.active === false);
      if (losesAdmin) await this.assertAnotherActiveAdmin(manager, id);
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.active !== undefined) user.active = dto.active;
      if (dto.password !== undefined)
        user.passwordHash = await checkedHash(dto.password, user.email);
      user.updatedAt = nowTimestamp();
      const saved = await manager.save(user);
      // The name is what reports print of a person: its history is kept (history/historised.ts).
      await recordRevisions(manager, 'app_user', [id], user.updatedAt);
      // A new password ends every other way in (a thief's session or token); deactivation ends
      // them all, for good: reactivating the account does not bring them back.
      const deactivated = before.active && dto.active === false;
      let ended = '';
      if (deactivated || dto.password !== undefined) {
        const context = RequestContext.current();
        const keep = !deactivated && context?.user?.id === id ? context.sessionId : undefined;
        const { sessions, tokens } = await endCredentials(manager, id, keep);
        ended = `; ended ${sessions} session(s) and revoked ${tokens} token(s)`;
      }
      await this.audit.record(manager, {
        action: 'update',
        entity: 'app_user',
        entityId: id,
        before,
        after: saved,
        summary:
          dto.password !== undefined
            ? `Password set${ended}`
            : ended
              ? `Deactivated${ended}`
              : undefined,
      });
      // An admin is system-wide; becoming one ends the memberships, which would mean nothing.
      if (dto.memberships || saved.role === 'admin') {
        const wanted = saved.role === 'admin' ? [] : dto.memberships!;
        if (dto.memberships) refuseAdminMemberships(saved.role, dto.memberships);
        await this.writeMemberships(manager, saved, wanted);
      }
      return this.withMemberships(manager, saved);
    });
  }

  async find(id: number): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new AppError('USER_NOT_FOUND', `No user ${id}`);
    return user;
  }

  /**
   * A user named in a body field must exist and be active, and, when the record belongs to a
   * trust, be a member of it (or an admin): nobody is given work in a trust they cannot see.
   */
  static async requireActive(
    manager: EntityManager,
    id: number,
    field: string,
    organisationId?: number,
  ): Promise<User> {
    const user = await manager.findOneBy(User, { id: requireId(id, field) });
    if (!user) throw invalidReference(field, `no user ${id}`);
    if (
      organisationId !== undefined &&
      user.role !== 'admin' &&
      !(await isMember(manager, id, organisationId))
    ) {
      throw invalidReference(field, `no user ${id} in this trust`, 'isNotInTrust');
    }
    if (!user.active)
      throw new AppError('USER_INACTIVE', `${field}: user ${id} is not active`, [
        { field, reason: 'user is not active' },
      ]);
    return user;
  }

  /**
   * The last active admin cannot be demoted or deactivated: nobody could manage users after.
   * On PostgreSQL the active admins' rows are locked first, so two admins demoting each other
   * at once cannot both succeed.
   */
  private async assertAnotherActiveAdmin(manager: EntityManager, id: number): Promise<void> {
    const query = manager
      .createQueryBuilder(User, 'u')
      .select(['u.id'])
      .where('u.role = :role', { role: 'admin' })
      .andWhere('u.active = :active', { active: true });
    if (this.transactions.isPostgres) query.setLock('pessimistic_write');
    const admins = await query.getMany();
    if (!admins.some((admin) => admin.id !== id)) {
      throw new AppError(
        'LAST_ADMIN',
        'This is the last active admin; make another user an admin before demoting or deactivating this one',
        [
          {
            field: 'role',
            reason: 'the last active admin stays an active admin',
            constraint: 'isLastAdmin',
          },
        ],
      );
    }
  }

  private async assertEmailFree(manager: EntityManager, email: string): Promise<void> {
    if (await manager.existsBy(User, { email })) {
      throw new AppError('ALREADY_EXISTS', `A user with email ${email} already exists`, [
        { field: 'email', reason: 'already in use', constraint: 'isTaken' },
      ]);
    }
  }
}

function refuseAdminMemberships(role: string, memberships: MembershipInputDto[]): void {
  if (role === 'admin' && memberships.length > 0) {
    throw validationFailed('memberships', 'an admin is system-wide and holds no memberships');
  }
}

/** Refuses a weak password with a 400 naming the field; never logs or stores it in clear. */
export async function checkedHash(password: string, email: string): Promise<string> {
  const problem = passwordProblem(password, email);
  if (problem) throw validationFailed('password', `password ${problem}`);
  return hashPassword(password);
}
