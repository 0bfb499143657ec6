import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { AppError, invalidReference, validationFailed } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { requireId } from '../common/id-field';
import { fetchPage, Page, toPage } from '../common/pagination';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { Transactions } from '../database/transactions';
import {
  CreateUserDto,
  ListUsersQueryDto,
  toUserDto,
  UpdateUserDto,
  UserDto,
} from './dto/user.dto';
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
    qb.orderBy('u.name', 'ASC').addOrderBy('u.id', 'ASC');
    const { rows, total } = await fetchPage(qb, query);
    return toPage(rows.map(toUserDto), total, query);
  }

  async get(id: number): Promise<UserDto> {
    return toUserDto(await this.find(id));
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
      const saved = await manager.save(user);
      await this.audit.record(manager, {
        action: 'create',
        entity: 'app_user',
        entityId: saved.id,
        after: saved,
      });
      return toUserDto(saved);
    });
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
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.active !== undefined) user.active = dto.active;
      if (dto.password !== undefined)
        user.passwordHash = await checkedHash(dto.password, user.email);
      user.updatedAt = nowTimestamp();
      const saved = await manager.save(user);
      await this.audit.record(manager, {
        action: 'update',
        entity: 'app_user',
        entityId: id,
        before,
        after: saved,
        summary: dto.password !== undefined ? 'Password set' : undefined,
      });
      return toUserDto(saved);
    });
  }

  async find(id: number): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new AppError('USER_NOT_FOUND', `No user ${id}`);
    return user;
  }

  /** A user named in a body field must exist and be active. */
  static async requireActive(manager: EntityManager, id: number, field: string): Promise<User> {
    const user = await manager.findOneBy(User, { id: requireId(id, field) });
    if (!user) throw invalidReference(field, `no user ${id}`);
    if (!user.active)
      throw new AppError('USER_INACTIVE', `${field}: user ${id} is not active`, [
        { field, reason: 'user is not active' },
      ]);
    return user;
  }

  private async assertEmailFree(manager: EntityManager, email: string): Promise<void> {
    if (await manager.existsBy(User, { email })) {
      throw new AppError('ALREADY_EXISTS', `A user with email ${email} already exists`, [
        { field: 'email', reason: 'already in use' },
      ]);
    }
  }
}

/** Refuses a weak password with a 400 naming the field; never logs or stores it in clear. */
export async function checkedHash(password: string, email: string): Promise<string> {
  const problem = passwordProblem(password, email);
  if (problem) throw validationFailed('password', `password ${problem}`);
  return hashPassword(password);
}
