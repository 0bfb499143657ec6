import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DateColumn } from '../database/columns';
import { Finding } from './finding.entity';

/**
 * One failing of a warning notice (Section 29A, or Section 29 for non-NHS providers): CQC sets
 * each failing its own deadline (fire safety by July, staffing by December...). The notice's
 * `finding.deadline` is kept as the earliest of them so readers of one date still work.
 */
@Entity('finding_failing')
export class FindingFailing {
  @PrimaryColumn({ type: 'integer' }) findingId: number;
  @ManyToOne(() => Finding, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'finding_id' })
  finding?: Finding;
  /** 1, 2, 3... in the notice's own order. */
  @PrimaryColumn({ type: 'integer' }) position: number;
  @Column({ type: 'text' }) text: string;
  @DateColumn() deadline: string;
}
