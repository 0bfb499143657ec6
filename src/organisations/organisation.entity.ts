import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

export const ORGANISATION_KINDS = [
  'community',
  'mental_health',
  'acute',
  'ambulance',
  'combined',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** An NHS trust: a CQC provider. */
@Entity('organisation')
export class Organisation {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 10, nullable: true, unique: true }) odsCode: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true, unique: true })
  cqcProviderId: string | null;
  @Column({ type: 'varchar', length: 20 }) kind: OrganisationKind;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() updatedAt: string;
}
