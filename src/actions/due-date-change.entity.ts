import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn, TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';
import { Action } from './action.entity';

/** A committed due date moved, and why. Append-only. */
@Entity('due_date_change')
@Index('ix_due_date_change_action_time', ['actionId', 'createdAt'])
export class DueDateChange {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Action;
  @DateColumn() previousDueDate: string;
  @DateColumn() newDueDate: string;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'integer' }) changedById: number;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'changed_by_id' })
  changedBy?: User;
  @TimestampColumn() createdAt: string;
}
