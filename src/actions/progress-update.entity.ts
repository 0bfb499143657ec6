import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';
import { Action, type ActionStatus } from './action.entity';

/**
 * Append-only history of an action: progress reports, and every status change (completion,
 * assurance, reopening, cancellation) with the progress at that moment. Never updated.
 */
@Entity('progress_update')
@Index('ix_progress_update_action_time', ['actionId', 'createdAt'])
export class ProgressUpdate {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Action;
  @Column({ type: 'integer' }) authorId: number;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: User;
  @TimestampColumn() createdAt: string;
  @Column({ type: 'text' }) note: string;
  @Column({ type: 'integer' }) progress: number;
  @Column({ type: 'varchar', length: 20, nullable: true }) statusFrom: ActionStatus | null;
  /** Set when this entry changed the status. */
  @Column({ type: 'varchar', length: 20, nullable: true }) statusTo: ActionStatus | null;
  @Column({ type: 'boolean' }) offTrack: boolean;
}
