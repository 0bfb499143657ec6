import {
  Column,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Finding } from '../findings/finding.entity';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';

export const ACTION_STATUSES = [
  'NOT_STARTED',
  'IN_PROGRESS',
  'COMPLETED',
  'ASSURED',
  'CANCELLED',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * What the trust will do about one or more findings. `status` and `progress` are the latest
 * values; every change to them is also a row in the append-only progress history, from which
 * the state as at any past date is derived.
 */
@Entity('action')
@Index('ix_action_organisation_due', ['organisationId', 'dueDate'])
@Index('ix_action_owner', ['ownerId'])
@Index('ix_action_executive_lead', ['executiveLeadId'])
@Index('ix_action_organisation_status_due', ['organisationId', 'status', 'dueDate'])
@Index('ix_action_owner_due', ['ownerId', 'dueDate'])
@Index('ix_action_executive_lead_due', ['executiveLeadId', 'dueDate'])
@Index('ix_action_reinspection', ['reinspectionAt'])
export class Action {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'varchar', length: 30, nullable: true }) reference: string | null;
  @Column({ type: 'varchar', length: 300 }) title: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  /** "How we will know": the measure that shows the action worked. */
  @Column({ type: 'text', nullable: true }) successMeasure: string | null;
  /**
   * What keeps people using the service safe until the action is done (the CQC action plan's
   * "interim mitigation"); optional.
   */
  @Column({ type: 'text', nullable: true }) interimMitigation: string | null;
  @Column({ type: 'integer', nullable: true }) ownerId: number | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User;
  @Column({ type: 'integer', nullable: true }) executiveLeadId: number | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'executive_lead_id' })
  executiveLead?: User;
  @DateColumn({ nullable: true }) startDate: string | null;
  /** The committed due date; every change is a row in due_date_change. */
  @DateColumn() dueDate: string;
  /** The first committed due date; never changes. */
  @DateColumn() originalDueDate: string;
  @Column({ type: 'integer' }) progress: number;
  @Column({ type: 'varchar', length: 20 }) status: ActionStatus;
  @Column({ type: 'text', nullable: true }) cancellationReason: string | null;
  @Column({ type: 'integer', nullable: true }) assuredById: number | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assured_by_id' })
  assuredBy?: User;
  @Column({ type: 'integer' }) version: number;
  /*
   * Facts as at now kept from the history for today's lists (delivery/current-facts.ts);
   * written only by refreshCurrentFacts, so never selected into the entity.
   */
  @Column({ type: 'boolean', nullable: true, select: false }) offTrack?: boolean | null;
  @TimestampColumn({ nullable: true, select: false }) lastActivityAt?: string | null;
  @DateColumn({ nullable: true, select: false }) reinspectionAt?: string | null;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() updatedAt: string;
  @ManyToMany(() => Finding)
  @JoinTable({
    name: 'action_finding',
    joinColumn: { name: 'action_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'finding_id', referencedColumnName: 'id' },
  })
  findings?: Finding[];
}
