import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  IsCalendarDate,
  IsNotBefore,
  IsOneOf,
  IsText,
  NOT_NULL,
  MAX_ID,
} from '../../common/validators';
import { EVIDENCE_CATEGORIES, EvidenceCategory } from '../../cqc/evidence-categories';
import { ACTION_STATUSES, ActionStatus } from '../action.entity';
import { EVIDENCE_KINDS, EvidenceKind } from '../evidence.entity';
import { IdField } from '../../common/id-field';

const NOTE_MAX = 5000;

/** Writes to an action may name the version they read; a stale one is refused with 409. */
export class VersionedDto {
  @ApiPropertyOptional({
    description: 'The version you read (or send If-Match); a stale one gets 409',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  version?: number;
}

export class CreateActionDto {
  @IdField({ each: true, description: 'The findings this action addresses (one organisation)' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  findingIds: number[];
  @ApiPropertyOptional({ example: 'CHIS-MD1-A1' }) @IsOptional() @IsText(30) reference?: string;
  @ApiProperty({ example: 'Complete mandatory training for all ward staff' })
  @IsText(300)
  title: string;
  @ApiPropertyOptional() @IsOptional() @IsText(NOTE_MAX) description?: string;
  @ApiPropertyOptional({ description: 'How we will know it worked' })
  @IsOptional()
  @IsText(NOTE_MAX)
  successMeasure?: string;
  @ApiPropertyOptional({
    description:
      'Interim mitigation: what keeps people using the service safe until the action is done',
  })
  @IsOptional()
  @IsText(NOTE_MAX)
  interimMitigation?: string;
  @IdField({ optional: true }) ownerId?: number;
  @IdField({ optional: true }) executiveLeadId?: number;
  @ApiPropertyOptional({ example: '2026-12-01' })
  @IsOptional()
  @IsCalendarDate()
  startDate?: string;
  @ApiProperty({ example: '2027-03-31', description: 'The committed due date' })
  @IsCalendarDate()
  @IsNotBefore('startDate')
  dueDate: string;
}

export class UpdateActionDto extends PartialType(
  OmitType(CreateActionDto, ['ownerId', 'executiveLeadId', 'dueDate'] as const),
  // null is refused for fields the create requires; fields it leaves optional may be cleared.
  NOT_NULL,
) {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(MAX_ID) version?: number;
}

export class AssignActionDto extends VersionedDto {
  @IdField({ optional: true }) ownerId?: number;
  @IdField({ optional: true }) executiveLeadId?: number;
}

export class PostProgressDto extends VersionedDto {
  @ApiProperty({ example: 'Training dates booked for all three wards' })
  @IsText(NOTE_MAX)
  note: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  progress?: number;
  @ApiPropertyOptional({
    enum: ACTION_STATUSES,
    description: 'A status change (COMPLETED, or IN_PROGRESS to reopen)',
  })
  @IsOptional()
  @IsOneOf(ACTION_STATUSES)
  status?: ActionStatus;
  @ApiPropertyOptional({ description: 'The reporter says the action is off track' })
  @IsOptional()
  @IsBoolean()
  offTrack?: boolean;
}

export class AddEvidenceDto {
  @ApiProperty({ enum: EVIDENCE_KINDS }) @IsOneOf(EVIDENCE_KINDS) kind: EvidenceKind;
  @ApiProperty({ example: 'Training compliance report, ward 3' }) @IsText(300) title: string;
  @ApiPropertyOptional({ description: 'Required for a link' })
  @ValidateIf((o: AddEvidenceDto) => o.kind === 'link' || o.url !== undefined)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'url must be an http(s) address' },
  )
  @IsText(2000)
  url?: string;
  @ApiPropertyOptional({ description: 'Required for a note' })
  @ValidateIf((o: AddEvidenceDto) => o.kind === 'note' || o.note !== undefined)
  @IsText(NOTE_MAX)
  note?: string;
  @ApiPropertyOptional({ description: 'Required for a file' })
  @ValidateIf((o: AddEvidenceDto) => o.kind === 'file' || o.fileName !== undefined)
  @IsText(255)
  fileName?: string;
  @ApiPropertyOptional({ description: 'SHA-256 of the file, hex; required for a file' })
  @ValidateIf((o: AddEvidenceDto) => o.kind === 'file' || o.fileSha256 !== undefined)
  @Matches(/^[0-9a-f]{64}$/, { message: 'fileSha256 must be 64 lower-case hex digits' })
  fileSha256?: string;
  @ApiPropertyOptional({ description: 'Bytes; required for a file' })
  @ValidateIf((o: AddEvidenceDto) => o.kind === 'file' || o.fileSize !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_ID) // the column is a 32-bit integer on PostgreSQL
  fileSize?: number;
  @ApiPropertyOptional({ enum: EVIDENCE_CATEGORIES })
  @IsOptional()
  @IsOneOf(EVIDENCE_CATEGORIES)
  category?: EvidenceCategory;
  @ApiPropertyOptional({
    example: '2027-01-15',
    description: "The day the evidence speaks from (an audit's date)",
  })
  @IsOptional()
  @IsCalendarDate()
  effectiveDate?: string;
  @ApiPropertyOptional({
    example: '2027-04-15',
    description:
      'The last day the evidence counts (an audit valid for 3 months); after it, it no longer counts towards assurance',
  })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBefore('effectiveDate')
  expiryDate?: string;
}

/**
 * The fields sent beside an uploaded evidence document (multipart/form-data, with the document
 * as `file`). Kind is `file`; its name, hash, size and type come from the file itself.
 */
export class UploadEvidenceDto extends OmitType(AddEvidenceDto, [
  'kind',
  'url',
  'fileName',
  'fileSha256',
  'fileSize',
] as const) {}

export class ReviewEvidenceDto {
  @ApiProperty({ enum: ['ACCEPTED', 'REJECTED'] })
  @IsIn(['ACCEPTED', 'REJECTED'], { message: 'decision must be ACCEPTED or REJECTED' })
  decision: 'ACCEPTED' | 'REJECTED';
  @ApiProperty({ example: 'Checked on a peer visit to ward 3 on 12 May' })
  @IsText(NOTE_MAX)
  note: string;
}

export class ChangeDueDateDto extends VersionedDto {
  @ApiProperty({ example: '2027-04-30' }) @IsCalendarDate() dueDate: string;
  @ApiProperty({ example: 'Estates work delayed by contractor' }) @IsText(NOTE_MAX) reason: string;
}

export class AssureActionDto extends VersionedDto {
  @ApiPropertyOptional({ example: 'Assured at Quality Committee, 3 June' })
  @IsOptional()
  @IsText(NOTE_MAX)
  note?: string;
}

export class CancelActionDto extends VersionedDto {
  @ApiProperty({ example: 'Superseded by action 14' }) @IsText(NOTE_MAX) reason: string;
}

export class RequestDueDateDto {
  @ApiProperty({ example: '2027-04-30' }) @IsCalendarDate() dueDate: string;
  @ApiProperty({ example: 'Estates work delayed by contractor' }) @IsText(NOTE_MAX) reason: string;
}

export class DecideDueDateRequestDto {
  @ApiProperty({ enum: ['APPROVED', 'REJECTED'] })
  @IsIn(['APPROVED', 'REJECTED'], { message: 'decision must be APPROVED or REJECTED' })
  decision: 'APPROVED' | 'REJECTED';
  @ApiPropertyOptional() @IsOptional() @IsText(NOTE_MAX) note?: string;
}
