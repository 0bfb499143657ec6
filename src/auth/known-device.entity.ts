import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';

/**
 * A browser that has signed in as this user before, named by the random secret in its
 * `tracker_device` cookie (only the SHA-256 is stored). The right password from a known device
 * is let in even while strangers' guesses have paused sign-in for the email, so nobody can lock
 * a user out by guessing at their address.
 */
@Entity('known_device')
@Index('ix_known_device_user', ['userId'])
export class KnownDevice {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash: string;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() lastUsedAt: string;
}
