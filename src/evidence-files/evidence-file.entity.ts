import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BlobColumn, TimestampColumn } from '../database/columns';

/**
 * One evidence document's bytes, kept once however many evidence items name it (they name it
 * by `Evidence.fileSha256`). `content` is null when the bytes live in EVIDENCE_DIRECTORY.
 */
@Entity('evidence_file')
export class EvidenceFile {
  @PrimaryColumn({ type: 'varchar', length: 64 }) sha256: string;
  @Column({ type: 'integer' }) size: number;
  @Column({ type: 'varchar', length: 100 }) mediaType: string;
  @BlobColumn({ nullable: true, select: false }) content: Buffer | null;
  @TimestampColumn() storedAt: string;
}
