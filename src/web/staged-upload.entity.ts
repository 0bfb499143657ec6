import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';

/**
 * A file uploaded on the import page and previewed, waiting for the person to confirm it.
 * Kept in the database, not in memory, so the confirming request may reach any app instance.
 * Base64 text keeps the column the same type on SQLite and PostgreSQL.
 */
@Entity('staged_upload')
@Index('ix_staged_upload_user', ['userId'])
export class StagedUpload {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'varchar', length: 255 }) fileName: string;
  @Column({ type: 'text' }) contentBase64: string;
  /** JSON: the import's options (organisation, conflict mode...). */
  @Column({ type: 'text' }) options: string;
  @TimestampColumn() createdAt: string;
}
