import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn, TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';
import { Action } from './action.entity';

/**
 * SUPERSEDED: the due date was changed directly (or by approving another request) while this
 * one waited; CLOSED: the action was cancelled while it waited. Both end the request undecided.
 */
export const DUE_DATE_REQUEST_STATES = [
  'PENDING',
  'APPROVED',
  'REJECTED',
  'SUPERSEDED',
  'CLOSED',
] as const;
export type DueDateRequestState = (typeof DUE_DATE_REQUEST_STATES)[number];

/** An owner asks for a new due date; an executive lead or quality lead decides. */
@Entity('due_date_request')
@Index('ix_due_date_request_action', ['actionId'])
export class DueDateRequest {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Action;
  @Column({ type: 'integer' }) requestedById: number;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_by_id' })
  requestedBy?: User;
  @TimestampColumn() requestedAt: string;
  @DateColumn() newDueDate: string;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'varchar', length: 10 }) state: DueDateRequestState;
  @Column({ type: 'integer', nullable: true }) decidedById: number | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by_id' })
  decidedBy?: User;
  @TimestampColumn({ nullable: true }) decidedAt: string | null;
  @Column({ type: 'text', nullable: true }) decisionNote: string | null;
}
