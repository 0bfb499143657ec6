import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User, UserRole } from '../users/user.entity';
import { Organisation } from './organisation.entity';

/** The roles a person can hold in a trust; admin is system-wide and never a membership. */
export const TRUST_ROLES = ['quality_lead', 'executive', 'owner', 'viewer'] as const;
export type TrustRole = (typeof TRUST_ROLES)[number] & UserRole;

/**
 * A person's place in one trust and their role there. Everything a non-admin reads or changes
 * is limited to the trusts they hold a membership in; a regional or ICB reviewer is simply a
 * viewer membership in each trust they were granted.
 */
@Entity('organisation_membership')
@Index('ux_organisation_membership', ['userId', 'organisationId'], { unique: true })
@Index('ix_organisation_membership_organisation', ['organisationId'])
export class OrganisationMembership {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'varchar', length: 20 }) role: TrustRole;
  @TimestampColumn() createdAt: string;
}
