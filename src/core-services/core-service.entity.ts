import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';

@Entity('core_service')
@Index('uq_core_service_organisation_name', ['organisationId', 'name'], { unique: true })
export class CoreService {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  /** Canonical catalogue name, or the trust's own name when `custom`. */
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'boolean' }) custom: boolean;
  /** Expected reinspection date, or the start of the expected window. */
  @DateColumn({ nullable: true }) reinspectionDate: string | null;
  @DateColumn({ nullable: true }) reinspectionWindowEnd: string | null;
  @Column({ type: 'boolean' }) reinspectionConfirmed: boolean;
  @TimestampColumn() createdAt: string;
  @TimestampColumn() updatedAt: string;
}
