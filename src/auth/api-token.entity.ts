import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';

export const TOKEN_SCOPES = ['read', 'read-write', 'admin'] as const;
/** read: GET only; read-write: what its owner may do, short of admin; admin: everything its admin owner may. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A personal API token: shown once, stored as a SHA-256, named, scoped, expiring, revocable. */
@Entity('api_token')
@Index('ix_api_token_user', ['userId'])
export class ApiToken {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'varchar', length: 100 }) name: string;
  /** The first characters of the token, so its owner can tell tokens apart. */
  @Column({ type: 'varchar', length: 16 }) prefix: string;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash: string;
  @TimestampColumn() createdAt: string;
  @TimestampColumn({ nullable: true }) lastUsedAt: string | null;
  @TimestampColumn({ nullable: true }) revokedAt: string | null;
  @Column({ type: 'varchar', length: 10, default: 'read-write' }) scope: TokenScope;
  /** Null: never expires (tokens made before expiry existed). */
  @TimestampColumn({ nullable: true }) expiresAt: string | null;
}
