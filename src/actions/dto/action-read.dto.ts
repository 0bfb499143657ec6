import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IdField } from '../../common/id-field';
import { PageQueryDto } from '../../common/pagination';
import {
  IsBooleanQuery,
  IsAsOfDate,
  IsCalendarDate,
  IsOneOf,
  IsText,
} from '../../common/validators';
import { EVIDENCE_CATEGORIES, EvidenceCategory } from '../../cqc/evidence-categories';
import { BRAG_COLOURS, Brag } from '../../delivery/brag';
import { DELIVERY_STATUSES, DeliveryReason, DeliveryStatus } from '../../delivery/delivery-status';
import { UserRefDto } from '../../users/dto/user.dto';
import { ACTION_STATUSES, ActionStatus } from '../action.entity';
import {
  EVIDENCE_KINDS,
  EVIDENCE_REVIEW_STATES,
  EvidenceKind,
  EvidenceReviewState,
} from '../evidence.entity';

export class AsOfQueryDto {
  @ApiPropertyOptional({
    description: 'Derive state as at the end of this date (default today)',
    example: '2026-10-01',
  })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
}

/** The work-queue filters (Home's queues link to lists filtered by them). */
export const EVIDENCE_FILTERS = ['toReview', 'returned'] as const;
export type EvidenceFilter = (typeof EVIDENCE_FILTERS)[number];
export const DUE_DATE_REQUEST_FILTERS = ['pending'] as const;
export type DueDateRequestFilter = (typeof DUE_DATE_REQUEST_FILTERS)[number];
export const AWAITING_FILTERS = ['assurance'] as const;
export type AwaitingFilter = (typeof AWAITING_FILTERS)[number];

export const ACTION_SORTS = ['dueDate', 'updatedAt', 'reference'] as const;
export type ActionSort = (typeof ACTION_SORTS)[number];

const OptionalIdQuery = () => IdField({ optional: true, query: true });

export class ListActionsQueryDto extends PageQueryDto {
  @OptionalIdQuery() organisationId?: number;
  @OptionalIdQuery() coreServiceId?: number;
  @OptionalIdQuery() findingId?: number;
  @OptionalIdQuery() ownerId?: number;
  @OptionalIdQuery() executiveLeadId?: number;
  @ApiPropertyOptional({ enum: ACTION_STATUSES })
  @IsOptional()
  @IsOneOf(ACTION_STATUSES)
  status?: ActionStatus;
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsOneOf(DELIVERY_STATUSES)
  deliveryStatus?: DeliveryStatus;
  @ApiPropertyOptional({ enum: BRAG_COLOURS }) @IsOptional() @IsOneOf(BRAG_COLOURS) brag?: Brag;
  @ApiPropertyOptional({ description: 'Due on or before this date' })
  @IsOptional()
  @IsCalendarDate()
  dueBefore?: string;
  @ApiPropertyOptional({ description: 'Due on or after this date' })
  @IsOptional()
  @IsCalendarDate()
  dueAfter?: string;
  @ApiPropertyOptional({ description: 'Open and past its due date (true), or not (false)' })
  @IsOptional()
  @IsBooleanQuery()
  overdue?: boolean;
  @ApiPropertyOptional({ description: 'Not started or in progress (true), or not (false)' })
  @IsOptional()
  @IsBooleanQuery()
  open?: boolean;
  @ApiPropertyOptional({
    enum: EVIDENCE_FILTERS,
    description:
      'toReview: has evidence waiting for review; returned: not completed, and its latest reviewed evidence was rejected with nothing submitted since',
  })
  @IsOptional()
  @IsOneOf(EVIDENCE_FILTERS)
  evidence?: EvidenceFilter;
  @ApiPropertyOptional({
    enum: DUE_DATE_REQUEST_FILTERS,
    description: 'pending: an owner has asked for a new due date and nobody has decided yet',
  })
  @IsOptional()
  @IsOneOf(DUE_DATE_REQUEST_FILTERS)
  dueDateRequest?: DueDateRequestFilter;
  @ApiPropertyOptional({
    enum: AWAITING_FILTERS,
    description: 'assurance: completed, with accepted evidence, so it can be assured',
  })
  @IsOptional()
  @IsOneOf(AWAITING_FILTERS)
  awaiting?: AwaitingFilter;
  @ApiPropertyOptional({ description: 'Matches title, description or reference' })
  @IsOptional()
  @IsText(200)
  q?: string;
  @ApiPropertyOptional({ enum: ACTION_SORTS, default: 'dueDate' })
  @IsOptional()
  @IsOneOf(ACTION_SORTS)
  sort?: ActionSort;
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
  @ApiPropertyOptional({ description: 'Derive state as at the end of this date (default today)' })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
}

export class ActionDto {
  @ApiProperty() id: number;
  @ApiProperty() organisationId: number;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) successMeasure: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'What keeps people using the service safe until the action is done',
  })
  interimMitigation: string | null;
  @ApiProperty({ type: UserRefDto, nullable: true }) owner: UserRefDto | null;
  @ApiProperty({ type: UserRefDto, nullable: true }) executiveLead: UserRefDto | null;
  @ApiProperty({ type: [Number] }) findingIds: number[];
  @ApiProperty({ type: [Number] }) coreServiceIds: number[];
  @ApiProperty({ nullable: true, type: String }) startDate: string | null;
  @ApiProperty({ description: 'Committed due date as at asOf' }) dueDate: string;
  @ApiProperty({ description: 'The first committed due date; never changes' })
  originalDueDate: string;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'As at asOf' }) progress: number;
  @ApiProperty({ enum: ACTION_STATUSES, description: 'As at asOf' }) status: ActionStatus;
  @ApiProperty({ nullable: true, type: String }) cancellationReason: string | null;
  @ApiProperty({ type: UserRefDto, nullable: true }) assuredBy: UserRefDto | null;
  @ApiProperty({ description: 'The date derived state is computed for' }) asOf: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) deliveryStatus: DeliveryStatus;
  @ApiProperty({ type: String, description: 'The rule that decided the delivery status' })
  deliveryReason: DeliveryReason;
  @ApiProperty({ enum: BRAG_COLOURS, nullable: true }) brag: Brag | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Earliest reinspection date of its core services',
  })
  reinspectionDate: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ProgressUpdateDto {
  @ApiProperty() id: number;
  @ApiProperty() actionId: number;
  @ApiProperty({ type: UserRefDto, nullable: true }) author: UserRefDto | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() note: string;
  @ApiProperty() progress: number;
  @ApiProperty({ enum: ACTION_STATUSES, nullable: true }) statusFrom: ActionStatus | null;
  @ApiProperty({ enum: ACTION_STATUSES, nullable: true }) statusTo: ActionStatus | null;
  @ApiProperty() offTrack: boolean;
}

export class EvidenceDto {
  @ApiProperty() id: number;
  @ApiProperty() actionId: number;
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind: EvidenceKind;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: String }) fileName: string | null;
  @ApiProperty({ nullable: true, type: String }) fileSha256: string | null;
  @ApiProperty({ nullable: true, type: Number }) fileSize: number | null;
  @ApiProperty({ enum: EVIDENCE_CATEGORIES, nullable: true }) category: EvidenceCategory | null;
  @ApiProperty({ type: UserRefDto, nullable: true }) submittedBy: UserRefDto | null;
  @ApiProperty() submittedAt: string;
  @ApiProperty({ enum: EVIDENCE_REVIEW_STATES }) reviewState: EvidenceReviewState;
  @ApiProperty({ type: UserRefDto, nullable: true }) reviewedBy: UserRefDto | null;
  @ApiProperty({ nullable: true, type: String }) reviewedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewNote: string | null;
}

export class DueDateChangeDto {
  @ApiProperty() id: number;
  @ApiProperty() actionId: number;
  @ApiProperty() previousDueDate: string;
  @ApiProperty() newDueDate: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: UserRefDto, nullable: true }) changedBy: UserRefDto | null;
  @ApiProperty() createdAt: string;
}
