import {
  Column,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { CoreService } from '../core-services/core-service.entity';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';

export const INSPECTION_KINDS = [
  'comprehensive',
  'focused',
  'well_led',
  'unannounced',
  'assessment',
] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

@Entity('inspection')
export class Inspection {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'varchar', length: 20 }) kind: InspectionKind;
  @DateColumn() visitStart: string;
  @DateColumn({ nullable: true }) visitEnd: string | null;
  @DateColumn({ nullable: true }) publishedOn: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) reportReference: string | null;
  @ManyToMany(() => CoreService)
  @JoinTable({
    name: 'inspection_core_service',
    joinColumn: { name: 'inspection_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'core_service_id', referencedColumnName: 'id' },
  })
  coreServices?: CoreService[];
  @TimestampColumn() createdAt: string;
  @TimestampColumn() updatedAt: string;
}
