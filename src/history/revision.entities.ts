import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { KeyQuestion } from '../cqc/key-questions';
import { DateColumn, TimestampColumn } from '../database/columns';
import type { FindingType, RegulationCitation } from '../findings/finding.entity';

/*
 * Append-only revisions: one row each time a historised record is created or changed, holding
 * the values a report shows, valid from that instant until the next revision of the same record.
 * The live tables stay the values as at now; a report as at a past day reads the latest revision
 * valid at the end of that day (as-at-tables.ts). Column types mirror the live tables exactly.
 */

@Entity('action_revision')
@Index('ix_action_revision_action_valid', ['actionId', 'validFrom'])
export class ActionRevision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @TimestampColumn() validFrom: string;
  @Column({ type: 'varchar', length: 30, nullable: true }) reference: string | null;
  @Column({ type: 'varchar', length: 300 }) title: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text', nullable: true }) successMeasure: string | null;
  @Column({ type: 'text', nullable: true }) interimMitigation: string | null;
  @Column({ type: 'integer', nullable: true }) ownerId: number | null;
  @Column({ type: 'integer', nullable: true }) executiveLeadId: number | null;
  @DateColumn({ nullable: true }) startDate: string | null;
  @Column({ type: 'text', nullable: true }) cancellationReason: string | null;
  @Column({ type: 'integer', nullable: true }) assuredById: number | null;
  @Column({ type: 'integer' }) version: number;
  @TimestampColumn() updatedAt: string;
}

@Entity('finding_revision')
@Index('ix_finding_revision_finding_valid', ['findingId', 'validFrom'])
export class FindingRevision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) findingId: number;
  @TimestampColumn() validFrom: string;
  @Column({ type: 'integer', nullable: true }) inspectionId: number | null;
  @Column({ type: 'integer', nullable: true }) coreServiceId: number | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) keyQuestion: KeyQuestion | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) qualityStatement: string | null;
  @Column({ type: 'integer', nullable: true }) score: number | null;
  @Column({ type: 'varchar', length: 20 }) type: FindingType;
  @DateColumn({ nullable: true }) deadline: string | null;
  @Column({ type: 'simple-json' }) regulations: RegulationCitation[];
  @Column({ type: 'varchar', length: 30, nullable: true }) reference: string | null;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'integer' }) version: number;
  @TimestampColumn() updatedAt: string;
}

@Entity('core_service_revision')
@Index('ix_core_service_revision_core_service_valid', ['coreServiceId', 'validFrom'])
export class CoreServiceRevision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) coreServiceId: number;
  @TimestampColumn() validFrom: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @DateColumn({ nullable: true }) reinspectionDate: string | null;
  @DateColumn({ nullable: true }) reinspectionWindowEnd: string | null;
  @Column({ type: 'boolean' }) reinspectionConfirmed: boolean;
  @TimestampColumn() updatedAt: string;
}

/** The trust's name, as report titles print it. */
@Entity('organisation_revision')
@Index('ix_organisation_revision_organisation_valid', ['organisationId', 'validFrom'])
export class OrganisationRevision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @TimestampColumn() validFrom: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
}

/** An inspection's dates and kind: its publication date sets when action plans are due. */
@Entity('inspection_revision')
@Index('ix_inspection_revision_inspection_valid', ['inspectionId', 'validFrom'])
export class InspectionRevision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) inspectionId: number;
  @TimestampColumn() validFrom: string;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @DateColumn() visitStart: string;
  @DateColumn({ nullable: true }) visitEnd: string | null;
  @DateColumn({ nullable: true }) publishedOn: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) reportReference: string | null;
}

/** Only what reports print of a person: the name. Never the email, role or password hash. */
@Entity('app_user_revision')
@Index('ix_app_user_revision_app_user_valid', ['appUserId', 'validFrom'])
export class UserRevision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) appUserId: number;
  @TimestampColumn() validFrom: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
}

/**
 * The history of `action_finding`: each link from the instant it was made to the instant it
 * was removed (null while it stands). The live join table stays the links as at now.
 */
@Entity('action_finding_link')
@Index('ix_action_finding_link_action', ['actionId', 'linkedAt'])
@Index('ix_action_finding_link_finding', ['findingId'])
export class ActionFindingLink {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) actionId: number;
  @Column({ type: 'integer' }) findingId: number;
  @TimestampColumn() linkedAt: string;
  @TimestampColumn({ nullable: true }) unlinkedAt: string | null;
}

export const REVISION_ENTITIES = [
  ActionRevision,
  FindingRevision,
  CoreServiceRevision,
  OrganisationRevision,
  InspectionRevision,
  UserRevision,
  ActionFindingLink,
];
