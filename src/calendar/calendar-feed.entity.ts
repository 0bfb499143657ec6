import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** A user's private calendar feed; the secret lives only in the URL they were given. */
@Entity('calendar_feed')
@Index('ix_calendar_feed_user', ['userId'])
export class CalendarFeed {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash: string;
  @TimestampColumn() createdAt: string;
  @TimestampColumn({ nullable: true }) revokedAt: string | null;
}
