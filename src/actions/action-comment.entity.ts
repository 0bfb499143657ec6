import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';
import { Action } from './action.entity';

export const COMMENT_MAX = 2000;

/**
 * A message in an action's conversation ("please add the ward 3 audit"). Append-only: never
 * edited or deleted, so the record of what was asked and answered stands.
 */
@Entity('action_comment')
@Index('ix_action_comment_action_time', ['actionId', 'createdAt'])
export class ActionComment {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Action;
  @Column({ type: 'integer' }) authorId: number;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: User;
  @Column({ type: 'text' }) body: string;
  @TimestampColumn() createdAt: string;
}
