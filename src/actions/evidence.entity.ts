import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { EvidenceCategory } from '../cqc/evidence-categories';
import { DateColumn, TimestampColumn } from '../database/columns';
import { User } from '../users/user.entity';
import { Action } from './action.entity';

export const EVIDENCE_KINDS = ['link', 'file', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_REVIEW_STATES = ['SUBMITTED', 'ACCEPTED', 'REJECTED'] as const;
export type EvidenceReviewState = (typeof EVIDENCE_REVIEW_STATES)[number];

/** Proof that an action was done, reviewed by someone other than its author. */
@Entity('evidence')
@Index('ix_evidence_action', ['actionId'])
export class Evidence {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @ManyToOne(() => Action, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'action_id' })
  action?: Action;
  @Column({ type: 'varchar', length: 10 }) kind: EvidenceKind;
  @Column({ type: 'varchar', length: 300 }) title: string;
  @Column({ type: 'varchar', length: 2000, nullable: true }) url: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) fileName: string | null;
  /** SHA-256 of the file's bytes, so the evidence can be shown unaltered later. */
  @Column({ type: 'varchar', length: 64, nullable: true }) fileSha256: string | null;
  @Column({ type: 'integer', nullable: true }) fileSize: number | null;
  /** The kept file's type, read from its bytes; null for a link, a note, or a file named only. */
  @Column({ type: 'varchar', length: 100, nullable: true }) fileMediaType: string | null;
  /** The day the evidence speaks from (an audit's date); null: from when it was submitted. */
  @DateColumn({ nullable: true }) effectiveDate: string | null;
  /** The last day it counts (an audit valid for 3 months); after it, it no longer assures. */
  @DateColumn({ nullable: true }) expiryDate: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) category: EvidenceCategory | null;
  @Column({ type: 'integer' }) submittedById: number;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'submitted_by_id' })
  submittedBy?: User;
  @TimestampColumn() submittedAt: string;
  @Column({ type: 'varchar', length: 10 }) reviewState: EvidenceReviewState;
  @Column({ type: 'integer', nullable: true }) reviewedById: number | null;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reviewed_by_id' })
  reviewedBy?: User;
  @TimestampColumn({ nullable: true }) reviewedAt: string | null;
  @Column({ type: 'text', nullable: true }) reviewNote: string | null;
}
