import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, validationFailed } from '../common/app-error';
import { RequestContext } from '../common/request-context';
import { nowTimestamp } from '../common/dates';
import { Transactions } from '../database/transactions';
import { User } from '../users/user.entity';
import { ApiToken, TOKEN_SCOPES, TokenScope } from './api-token.entity';
import { CreateTokenDto, DEFAULT_TOKEN_DAYS } from './auth.dto';
import { randomSecret, sha256 } from './secrets';

export const TOKEN_PREFIX = 'cqct_';
/** Live (unrevoked) tokens one user may hold. */
export const MAX_TOKENS_PER_USER = 20;
const TOUCH_EVERY_MS = 60_000;

export class ApiTokenDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The start of the token, to tell tokens apart' }) prefix: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ enum: TOKEN_SCOPES }) scope: TokenScope;
  @ApiProperty({ nullable: true, type: String, description: 'Null: never expires' })
  expiresAt: string | null;
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The token itself: shown this once, never again' }) token: string;
}

function toDto(token: ApiToken): ApiTokenDto {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    scope: token.scope,
    expiresAt: token.expiresAt,
  };
}

const SCOPE_RANK: Record<TokenScope, number> = { read: 0, 'read-write': 1, admin: 2 };

/**
 * A token made with another token (a script, or whoever holds a leaked token) gets no more
 * than that token has: no wider scope, and no later expiry. Otherwise a short-lived read-write
 * token could make itself an admin token, or one that never ends. Sessions and the CLI are not
 * limited by this.
 */
function requireWithinCallingToken(scope: TokenScope, expiresAt: string): void {
  const calling = RequestContext.current()?.token;
  if (!calling) return;
  if (SCOPE_RANK[scope] > SCOPE_RANK[calling.scope]) {
    throw new AppError(
      'TOKEN_SCOPE_INSUFFICIENT',
      `A token of scope ${calling.scope} cannot make a token of scope ${scope}; sign in to make it`,
    );
  }
  if (calling.expiresAt && expiresAt > calling.expiresAt) {
    throw validationFailed(
      'expiresInDays',
      `must not make the new token outlast the token making it (which expires at ${calling.expiresAt}); sign in to make a longer-lived one`,
    );
  }
}

@Injectable()
export class TokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** A name alone makes a read-write token for 90 days. */
  async create(user: User, request: CreateTokenDto | string): Promise<CreatedApiTokenDto> {
    const dto = typeof request === 'string' ? { name: request } : request;
    const scope = dto.scope ?? 'read-write';
    // Admin powers travel by token only when an admin asks for them by name.
    if (scope === 'admin' && user.role !== 'admin') {
      throw new AppError('ROLE_NOT_ALLOWED', 'Only an admin may make a token with scope admin');
    }
    const days = dto.expiresInDays ?? DEFAULT_TOKEN_DAYS;
    const createdAt = nowTimestamp();
    let expiresAt = new Date(Date.parse(createdAt) + days * 86_400_000).toISOString();
    // Made with a token and no length asked for: the default stops when the maker's token does.
    const callingExpiry = RequestContext.current()?.token?.expiresAt;
    if (dto.expiresInDays === undefined && callingExpiry && callingExpiry < expiresAt)
      expiresAt = callingExpiry;
    requireWithinCallingToken(scope, expiresAt);
    return this.transactions.run(async (manager) => {
      // Locks the user's row on PostgreSQL, so concurrent creations are counted one by one.
      await this.transactions.findForUpdate(manager, User, user.id);
      const live = await manager.countBy(ApiToken, { userId: user.id, revokedAt: IsNull() });
      if (live >= MAX_TOKENS_PER_USER) {
        throw new AppError(
          'TOO_MANY_TOKENS',
          `You already have ${live} tokens, the most one person may hold; revoke one you no longer use`,
        );
      }
      const token = `${TOKEN_PREFIX}${randomSecret(30)}`;
      const saved = await manager.save(
        manager.create(ApiToken, {
          userId: user.id,
          name: dto.name.trim(),
          prefix: token.slice(0, 12),
          tokenHash: sha256(token),
          createdAt,
          lastUsedAt: null,
          revokedAt: null,
          scope,
          expiresAt,
        }),
      );
      await this.audit.record(manager, {
        action: 'create',
        entity: 'api_token',
        entityId: saved.id,
        after: toDto(saved),
      });
      return { ...toDto(saved), token };
    });
  }

  async list(user: User): Promise<ApiTokenDto[]> {
    const tokens = await this.dataSource
      .getRepository(ApiToken)
      .find({ where: { userId: user.id }, order: { id: 'ASC' } });
    return tokens.map(toDto);
  }

  async revoke(user: User, id: number): Promise<ApiTokenDto> {
    return this.transactions.run(async (manager) => {
      const token = await manager.findOneBy(ApiToken, { id, userId: user.id });
      if (!token) throw new AppError('TOKEN_NOT_FOUND', `You have no token ${id}`);
      if (!token.revokedAt) {
        const before = toDto(token);
        token.revokedAt = nowTimestamp();
        await manager.save(token);
        await this.audit.record(manager, {
          action: 'update',
          entity: 'api_token',
          entityId: id,
          before,
          after: toDto(token),
        });
      }
      return toDto(token);
    });
  }

  /**
   * The user a bearer token belongs to and the token's scope. Revocation and expiry take effect
   * at once, each refused with its own code so a script's owner knows what to do. Last use is
   * written at most once a minute, so a busy script costs one small write a minute.
   */
  async resolve(
    token: string,
  ): Promise<{ user: User; scope: TokenScope; expiresAt: string | null } | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const found = await this.dataSource.getRepository(ApiToken).findOne({
      where: { tokenHash: sha256(token) },
      relations: { user: true },
    });
    if (!found?.user) return null;
    if (found.revokedAt) {
      throw new AppError('TOKEN_REVOKED', `That API token was revoked at ${found.revokedAt}`);
    }
    const now = nowTimestamp();
    if (found.expiresAt && found.expiresAt <= now) {
      throw new AppError(
        'TOKEN_EXPIRED',
        `That API token expired at ${found.expiresAt}; make a new one`,
      );
    }
    if (!found.lastUsedAt || Date.parse(now) - Date.parse(found.lastUsedAt) > TOUCH_EVERY_MS) {
      await this.transactions.run((manager) =>
        manager.update(ApiToken, { id: found.id }, { lastUsedAt: now }),
      );
    }
    return { user: found.user, scope: found.scope, expiresAt: found.expiresAt };
  }
}
