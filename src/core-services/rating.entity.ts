import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Rating as RatingValue } from '../cqc/ratings';
import type { RatingScope } from '../cqc/key-questions';
import { DateColumn, TimestampColumn } from '../database/columns';
import { Organisation } from '../organisations/organisation.entity';
import { CoreService } from './core-service.entity';

/**
 * One rating given on one date: for a core service (or the trust when `coreServiceId` is
 * null), for a key question or overall. Ratings are kept as history; the current rating for a
 * scope is the one with the latest date.
 */
@Entity('rating')
@Index('ix_rating_core_service_scope', ['coreServiceId', 'scope', 'ratedOn'])
export class Rating {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) organisationId: number;
  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;
  @Column({ type: 'integer', nullable: true }) coreServiceId: number | null;
  @ManyToOne(() => CoreService, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'core_service_id' })
  coreService?: CoreService;
  @Column({ type: 'varchar', length: 20 }) scope: RatingScope;
  @Column({ type: 'varchar', length: 30 }) rating: RatingValue;
  @DateColumn() ratedOn: string;
  @TimestampColumn() createdAt: string;
}
