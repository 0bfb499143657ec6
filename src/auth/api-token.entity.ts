import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** A personal API token: shown once, stored as a SHA-256, named, revocable. */
@Entity('api_token')
@Index('ix_api_token_user', ['userId'])
export class ApiToken {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'varchar', length: 100 }) name: string;
  /** The first characters of the token, so its owner can tell tokens apart. */
  @Column({ type: 'varchar', length: 16 }) prefix: string;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash: string;
  @TimestampColumn() createdAt: string;
  @TimestampColumn({ nullable: true }) lastUsedAt: string | null;
  @TimestampColumn({ nullable: true }) revokedAt: string | null;
}
