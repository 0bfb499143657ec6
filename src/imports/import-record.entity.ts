import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';

export const IMPORT_KINDS = ['report', 'cqc_json', 'plan'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** One committed import: what came in (kept as it arrived, for reports and CQC JSON) and what it made. */
@Entity('import_record')
@Index('ix_import_record_organisation', ['organisationId'])
export class ImportRecord {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 20 }) kind: ImportKind;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'varchar', length: 255, nullable: true }) fileName: string | null;
  @Column({ type: 'varchar', length: 64 }) contentSha256: string;
  /** The report text or the CQC JSON exactly as received; null for spreadsheets (binary). */
  @Column({ type: 'text', nullable: true }) raw: string | null;
  /** JSON: counts of what was created, updated and skipped. */
  @Column({ type: 'text' }) summary: string;
  @Column({ type: 'integer', nullable: true }) importedById: number | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'imported_by_id' })
  importedBy?: User;
  @TimestampColumn() createdAt: string;
}
