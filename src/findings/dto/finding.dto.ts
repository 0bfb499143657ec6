import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import {
  IsBooleanQuery,
  IsCalendarDate,
  IsOneOf,
  IsText,
  NOT_NULL,
  MAX_ID,
  IsAsOfDate,
} from '../../common/validators';
import { KEY_QUESTIONS, KeyQuestion } from '../../cqc/key-questions';
import { ALL_QUALITY_STATEMENTS } from '../../cqc/quality-statements';
import {
  Finding,
  FINDING_SOURCES,
  FINDING_TYPES,
  FindingSource,
  FindingType,
  RegulationCitation,
} from '../finding.entity';
import { RegulationCitationDto } from './regulation.dto';
import { IdField } from '../../common/id-field';
import type { Failing } from '../finding-dates';

export const FINDING_TEXT_MAX = 10000;
/** A notice lists a handful of failings; more is a typing or import mistake. */
export const FAILINGS_MAX = 50;

/** One failing of a warning notice, with its own deadline. */
export class FailingDto {
  @ApiProperty({ description: 'What CQC found failing, verbatim' })
  @IsText(FINDING_TEXT_MAX)
  text: string;
  @ApiProperty({ example: '2027-03-01', description: 'The date CQC set for this failing' })
  @IsCalendarDate()
  deadline: string;
}

export class CreateFindingDto {
  @IdField() organisationId: number;
  // Both may be null: a finding need not come from a recorded inspection, and null coreServiceId is trust-wide.
  @IdField({ optional: true, nullable: true }) inspectionId?: number | null;
  @IdField({
    optional: true,
    nullable: true,
    description: 'Omit (or null) for a trust-wide finding',
  })
  coreServiceId?: number | null;
  @ApiPropertyOptional({ enum: KEY_QUESTIONS })
  @IsOptional()
  @IsOneOf(KEY_QUESTIONS)
  keyQuestion?: KeyQuestion;
  @ApiPropertyOptional({ enum: ALL_QUALITY_STATEMENTS })
  @IsOptional()
  @IsOneOf(ALL_QUALITY_STATEMENTS)
  qualityStatement?: string;
  @ApiPropertyOptional({
    description:
      'Score CQC published: 1-4 for a quality statement, a percentage (0-100) for a key question',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  score?: number;
  @ApiProperty({ enum: FINDING_TYPES }) @IsOneOf(FINDING_TYPES) type: FindingType;
  @ApiPropertyOptional({
    description:
      "A warning notice's deadline: the earliest of its failings'. Give `failings` instead; a deadline alone makes a notice of one failing (the finding's text).",
  })
  @IsOptional()
  @IsCalendarDate()
  deadline?: string;
  @ApiPropertyOptional({
    type: [FailingDto],
    description:
      'WARNING_NOTICE only: its failings, each with its own deadline (Section 29A, or Section 29 for non-NHS providers). On update, replaces the list.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FAILINGS_MAX)
  @ValidateNested({ each: true })
  @Type(() => FailingDto)
  failings?: FailingDto[];
  @ApiPropertyOptional({ type: [RegulationCitationDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RegulationCitationDto)
  regulations?: RegulationCitationDto[];
  @ApiPropertyOptional({ example: 'MD1' }) @IsOptional() @IsText(30) reference?: string;
  @ApiProperty({ description: 'The finding, verbatim' }) @IsText(FINDING_TEXT_MAX) text: string;
}

export class UpdateFindingDto extends PartialType(
  OmitType(CreateFindingDto, ['organisationId'] as const),
  // null is refused for fields the create requires; fields it leaves optional may be cleared.
  NOT_NULL,
) {
  @ApiPropertyOptional({ description: 'The version you read; a stale one is refused with 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  version?: number;
}

export class ListFindingsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'The findings as they stood at the end of this date (default today)',
    example: '2026-10-01',
  })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
  @IdField({ optional: true, query: true })
  organisationId?: number;
  @IdField({ optional: true, query: true })
  coreServiceId?: number;
  @IdField({ optional: true, query: true })
  inspectionId?: number;
  @ApiPropertyOptional({ enum: FINDING_TYPES })
  @IsOptional()
  @IsOneOf(FINDING_TYPES)
  type?: FindingType;
  @ApiPropertyOptional({ enum: KEY_QUESTIONS })
  @IsOptional()
  @IsOneOf(KEY_QUESTIONS)
  keyQuestion?: KeyQuestion;
  @ApiPropertyOptional({ description: 'Only findings citing this regulation number, e.g. 12' })
  @IsOptional()
  @IsText(4)
  regulation?: string;
  @ApiPropertyOptional({
    description: 'Only trust-wide findings (true) or only core-service ones (false)',
  })
  @IsOptional()
  @IsBooleanQuery()
  trustWide?: boolean;
  @ApiPropertyOptional({ description: 'Only findings with no action that is not cancelled' })
  @IsOptional()
  @IsBooleanQuery()
  uncovered?: boolean;
  @ApiPropertyOptional({ description: 'Matches text or reference' })
  @IsOptional()
  @IsText(200)
  q?: string;
  @ApiPropertyOptional({ enum: ['reference', 'createdAt'], default: 'reference' })
  @IsOptional()
  @IsIn(['reference', 'createdAt'])
  sort?: 'reference' | 'createdAt';
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class FindingDto {
  @ApiProperty() id: number;
  @ApiProperty() organisationId: number;
  @ApiProperty({ nullable: true, type: Number }) inspectionId: number | null;
  @ApiProperty({ nullable: true, type: Number }) coreServiceId: number | null;
  @ApiProperty({ enum: KEY_QUESTIONS, nullable: true }) keyQuestion: KeyQuestion | null;
  @ApiProperty({ nullable: true, type: String }) qualityStatement: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Score CQC published: 1-4 for a quality statement, a percentage for a key question',
  })
  score: number | null;
  @ApiProperty({ enum: FINDING_TYPES }) type: FindingType;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "A warning notice's earliest failing deadline",
  })
  deadline: string | null;
  @ApiProperty({
    type: [FailingDto],
    description: "A warning notice's failings in order, each with its deadline; [] otherwise",
  })
  failings: Failing[];
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "MUST findings (requirement notices): the date the trust's action plan is due to CQC, the report's publication date plus CQC_ACTION_PLAN_DAYS (default 28); null when the inspection has no publication date",
  })
  actionPlanDueDate: string | null;
  @ApiProperty({ type: [RegulationCitationDto] }) regulations: RegulationCitation[];
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty() text: string;
  @ApiProperty({ enum: FINDING_SOURCES }) source: FindingSource;
  @ApiProperty({ nullable: true, type: Number }) sourceLine: number | null;
  @ApiProperty({ nullable: true, type: Number }) sourcePage: number | null;
  @ApiProperty({ type: [Number], description: 'Actions addressing this finding' })
  actionIds: number[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

/** What a finding's DTO needs beyond its own row. */
export interface FindingExtras {
  actionIds: number[];
  failings: Failing[];
  actionPlanDueDate: string | null;
}

export function toFindingDto(finding: Finding, extras: FindingExtras): FindingDto {
  return {
    id: finding.id,
    organisationId: finding.organisationId,
    inspectionId: finding.inspectionId,
    coreServiceId: finding.coreServiceId,
    keyQuestion: finding.keyQuestion,
    qualityStatement: finding.qualityStatement,
    score: finding.score ?? null,
    type: finding.type,
    deadline: finding.deadline,
    failings: extras.failings,
    actionPlanDueDate: extras.actionPlanDueDate,
    regulations: finding.regulations,
    reference: finding.reference,
    text: finding.text,
    source: finding.source,
    sourceLine: finding.sourceLine,
    sourcePage: finding.sourcePage,
    actionIds: extras.actionIds,
    version: finding.version,
    createdAt: finding.createdAt,
    updatedAt: finding.updatedAt,
  };
}
