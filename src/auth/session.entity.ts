import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';

/**
 * A signed-in browser. Kept in the database, not in process memory, so any app instance can
 * serve it; the cookie holds a random secret of which only the SHA-256 is stored.
 */
@Entity('user_session')
@Index('ix_user_session_user', ['userId'])
@Index('ix_user_session_expires', ['expiresAt'])
export class Session {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash: string;
  @Column({ type: 'varchar', length: 64 }) csrfToken: string;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() lastSeenAt: string;
  @TimestampColumn() expiresAt: string;
  /** The trust the person last chose in the pages (web/trust-scope.ts); null until they do. */
  @Column({ type: 'integer', nullable: true }) organisationId: number | null;
  @ManyToOne(() => Organisation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
}
