import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BlobColumn, DateColumn, TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';

export const ISSUED_KINDS = ['board', 'cqc-return'] as const;
export type IssuedKind = (typeof ISSUED_KINDS)[number];

export const ISSUED_FORMATS = ['pdf', 'xlsx', 'html'] as const;
export type IssuedFormat = (typeof ISSUED_FORMATS)[number];

/**
 * A report as it was issued to a meeting (a board paper, the return sent to CQC): the file
 * itself, byte for byte, with its SHA-256 so anyone can check a copy against it. Written once
 * and never changed or deleted: the app has no route that updates or removes one.
 */
@Entity('issued_report')
@Index('ix_issued_report_organisation', ['organisationId', 'kind', 'asOf'])
export class IssuedReport {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'varchar', length: 20 }) kind: IssuedKind;
  @Column({ type: 'varchar', length: 8 }) format: IssuedFormat;
  @DateColumn() asOf: string;
  @Column({ type: 'varchar', length: 200 }) meeting: string;
  /** JSON: the filters the report was built with (core service, executive lead, since date). */
  @Column({ type: 'text' }) filters: string;
  @Column({ type: 'varchar', length: 255 }) fileName: string;
  @Column({ type: 'varchar', length: 100 }) contentType: string;
  @Column({ type: 'integer' }) size: number;
  /** Lower-case hex SHA-256 of `content`, taken when the file was built. */
  @Column({ type: 'varchar', length: 64 }) sha256: string;
  @BlobColumn() content: Buffer;
  @Column({ type: 'integer' }) issuedById: number;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'issued_by_id' })
  issuedBy?: User;
  @TimestampColumn() issuedAt: string;
}
