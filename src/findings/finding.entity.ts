import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CoreService } from '../core-services/core-service.entity';
import type { KeyQuestion } from '../cqc/key-questions';
import type { RegulationInstrument } from '../cqc/regulations';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Inspection } from '../inspections/inspection.entity';
import { Organisation } from '../organisations/organisation.entity';

export const FINDING_TYPES = ['MUST', 'SHOULD', 'WARNING_NOTICE', 'RATING'] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

export const FINDING_SOURCES = [
  'manual',
  'report_import',
  'api_import',
  'spreadsheet_import',
] as const;
export type FindingSource = (typeof FINDING_SOURCES)[number];

export interface RegulationCitation {
  instrument: RegulationInstrument;
  number: string;
  paragraph: string | null;
}

/** Something the CQC (or the trust itself) said must or should improve. */
@Entity('finding')
@Index('ix_finding_organisation', ['organisationId'])
@Index('ix_finding_core_service', ['coreServiceId'])
export class Finding {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'integer', nullable: true }) inspectionId: number | null;
  @ManyToOne(() => Inspection, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'inspection_id' })
  inspection?: Inspection;
  /** Null for a trust-wide (well-led) finding. */
  @Column({ type: 'integer', nullable: true }) coreServiceId: number | null;
  @ManyToOne(() => CoreService, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'core_service_id' })
  coreService?: CoreService;
  @Column({ type: 'varchar', length: 20, nullable: true }) keyQuestion: KeyQuestion | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) qualityStatement: string | null;
  /** The score CQC published with it: 1-4 for a quality statement, a percentage for a key question. */
  @Column({ type: 'integer', nullable: true }) score: number | null;
  @Column({ type: 'varchar', length: 20 }) type: FindingType;
  /** A warning notice's own deadline. */
  @DateColumn({ nullable: true }) deadline: string | null;
  @Column({ type: 'simple-json' }) regulations: RegulationCitation[];
  /** The report's own reference (MD1, SD3...). */
  @Column({ type: 'varchar', length: 30, nullable: true }) reference: string | null;
  /** The finding's words, verbatim. */
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'varchar', length: 20 }) source: FindingSource;
  @Column({ type: 'integer', nullable: true }) sourceLine: number | null;
  @Column({ type: 'integer', nullable: true }) sourcePage: number | null;
  @Column({ type: 'integer' }) version: number;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() updatedAt: string;
}
