import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

/**
 * Failed sign-ins counted per email (hashed, whether or not an account has it) and per client
 * address, in the database so that every app instance sees the same counts.
 */
@Entity('sign_in_throttle')
@Index('ix_sign_in_throttle_window', ['windowStartedAt'])
export class SignInThrottle {
  @PrimaryColumn({ type: 'varchar', length: 100 }) key: string;
  @Column({ type: 'integer' }) failures: number;
  @TimestampColumn() windowStartedAt: string;
  @TimestampColumn({ nullable: true }) lockedUntil: string | null;
}
