import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';

export const INBOX_KINDS = ['REPORT_PUBLISHED', 'RATING_CHANGED', 'REPORT_EXPECTED'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/**
 * OPEN until a person acts: DISMISSED (with an audit event), IMPORTED (the person confirmed
 * the import), or SUPERSEDED (a "report expected" whose report has since been published).
 */
export const INBOX_STATUSES = ['OPEN', 'DISMISSED', 'IMPORTED', 'SUPERSEDED'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** Something CQC published (or is about to) for a trust the tracker holds. */
@Entity('cqc_inbox_item')
@Index('ux_cqc_inbox_item_key', ['organisationId', 'dedupeKey'], { unique: true })
@Index('ix_cqc_inbox_item_status', ['organisationId', 'status', 'createdAt'])
export class CqcInboxItem {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'varchar', length: 20 }) kind: InboxKind;
  @Column({ type: 'varchar', length: 12 }) status: InboxStatus;
  /** What makes the item unique for its trust, e.g. `location:1-123:report:<linkId>`. */
  @Column({ type: 'varchar', length: 200 }) dedupeKey: string;
  @Column({ type: 'varchar', length: 10 }) subjectType: 'provider' | 'location';
  @Column({ type: 'varchar', length: 20 }) subjectId: string;
  @Column({ type: 'varchar', length: 200 }) subjectName: string;
  @Column({ type: 'varchar', length: 60, nullable: true }) reportLinkId: string | null;
  @DateColumn({ nullable: true }) reportDate: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) reportUri: string | null;
  @DateColumn({ nullable: true }) inspectionDate: string | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) oldRating: string | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) newRating: string | null;
  @Column({ type: 'varchar', length: 500 }) summary: string;
  @TimestampColumn() createdAt: string;
  @TimestampColumn({ nullable: true }) decidedAt: string | null;
  @Column({ type: 'integer', nullable: true }) decidedById: number | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) decisionNote: string | null;
  @Column({ type: 'integer', nullable: true }) importId: number | null;
}

/** The changes feed's watermark: the end of the last poll that finished. */
@Entity('cqc_watch_state')
export class CqcWatchState {
  @Column({ type: 'varchar', length: 40, primary: true }) name: string;
  @TimestampColumn() lastEnd: string;
  @TimestampColumn() updatedAt: string;
}
