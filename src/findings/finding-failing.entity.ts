import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Finding } from './finding.entity';

/**
 * One failing of a warning notice (Section 29A, or Section 29 for non-NHS providers): CQC sets
 * each failing its own deadline (fire safety by July, staffing by December...). The notice's
 * `finding.deadline` is kept as the earliest of them so readers of one date still work.
 * Append-only like the rest of the history: changing a notice's failings stamps the old rows
 * `replaced_at` and adds new ones, so a report as at an earlier date lists the failings then.
 */
/** The failings that stood at the end of the as-at day (`:asOfEnd`), over `ff`. */
export const FAILINGS_AS_AT =
  'ff.created_at <= :asOfEnd AND (ff.replaced_at IS NULL OR ff.replaced_at > :asOfEnd)';

@Entity('finding_failing')
@Index('ix_finding_failing_finding', ['findingId'])
export class FindingFailing {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) findingId: number;
  @ManyToOne(() => Finding, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'finding_id' })
  finding?: Finding;
  /** 1, 2, 3... in the notice's own order. */
  @Column({ type: 'integer' }) position: number;
  @Column({ type: 'text' }) text: string;
  @DateColumn() deadline: string;
  @TimestampColumn() createdAt: string;
  /** When a later list of failings replaced this one; null while current. */
  @TimestampColumn({ nullable: true }) replacedAt: string | null;
}
