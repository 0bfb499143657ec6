import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

export const USER_ROLES = ['admin', 'quality_lead', 'executive', 'owner', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

// "user" is a reserved word in PostgreSQL.
@Entity('app_user')
@Index('ux_app_user_oidc_subject', ['oidcIssuer', 'oidcSubject'], { unique: true })
export class User {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 254, unique: true }) email: string;
  @Column({ type: 'varchar', length: 20 }) role: UserRole;
  @Column({ type: 'boolean' }) active: boolean;
  /** argon2id; null until a password is set. Never leaves the server. */
  @Column({ type: 'varchar', length: 200, nullable: true }) passwordHash: string | null;
  /** The OpenID provider and its subject this user signs in as, once matched (docs/security.md). */
  @Column({ type: 'varchar', length: 500, nullable: true }) oidcIssuer: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) oidcSubject: string | null;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() updatedAt: string;
}
