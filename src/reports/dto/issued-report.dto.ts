import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { BoardCoverFieldsDto, SignOffFieldsDto } from './board-cover.dto';
import { IdField } from '../../common/id-field';
import { PageQueryDto } from '../../common/pagination';
import { IsAsOfDate, IsOneOf, IsTrimmedText } from '../../common/validators';
import {
  ISSUED_FORMATS,
  ISSUED_KINDS,
  IssuedFormat,
  IssuedKind,
  IssuedReport,
} from '../issued-report.entity';

export const MEETING_MAX = 200;

/** The formats each kind of report can be issued in; the first is the default. */
export const ISSUED_FORMATS_OF: Record<IssuedKind, readonly IssuedFormat[]> = {
  board: ['pdf', 'xlsx', 'html'],
  'cqc-return': ['xlsx', 'pdf'],
};

export class IssueReportDto {
  @ApiProperty({ enum: ISSUED_KINDS })
  @IsOneOf(ISSUED_KINDS)
  kind: IssuedKind;

  @IdField() organisationId: number;

  @ApiPropertyOptional({ description: 'As at the end of this date (default today); not later' })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;

  @ApiPropertyOptional({
    enum: ISSUED_FORMATS,
    description: 'Board report: pdf (default), xlsx or html. CQC return: xlsx (default) or pdf',
  })
  @IsOptional()
  @IsOneOf(ISSUED_FORMATS)
  format?: IssuedFormat;

  @ApiProperty({ description: 'The meeting it is issued to, e.g. "Trust Board 14 January 2027"' })
  @IsTrimmedText(MEETING_MAX, 'Enter the meeting the report is issued to')
  meeting: string;

  @IdField({ optional: true }) coreServiceId?: number;
  @IdField({ optional: true }) executiveLeadId?: number;

  @ApiPropertyOptional({
    description:
      'Board report only: compare with this earlier date instead of the last issued board report',
  })
  @IsOptional()
  @IsAsOfDate()
  sinceAsOf?: string;

  @ApiPropertyOptional({
    type: BoardCoverFieldsDto,
    description:
      "Board report only: its cover sheet. The cover's meeting defaults to the meeting above.",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BoardCoverFieldsDto)
  cover?: BoardCoverFieldsDto;

  @ApiPropertyOptional({
    type: SignOffFieldsDto,
    description: 'CQC return only: who signs it, their role and the date',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SignOffFieldsDto)
  signOff?: SignOffFieldsDto;
}

export class ListIssuedReportsQueryDto extends PageQueryDto {
  @IdField({ query: true }) organisationId: number;

  @ApiPropertyOptional({ enum: ISSUED_KINDS })
  @IsOptional()
  @IsOneOf(ISSUED_KINDS)
  kind?: IssuedKind;
}

export class IssuedReportDto {
  @ApiProperty() id: number;
  @ApiProperty() organisationId: number;
  @ApiProperty({ enum: ISSUED_KINDS }) kind: IssuedKind;
  @ApiProperty({ enum: ISSUED_FORMATS }) format: IssuedFormat;
  @ApiProperty() asOf: string;
  @ApiProperty() meeting: string;
  @ApiProperty({ description: 'The filters the report was built with' })
  filters: { coreServiceId?: number; executiveLeadId?: number; sinceAsOf?: string };
  @ApiProperty() fileName: string;
  @ApiProperty() contentType: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
  @ApiProperty({ description: 'SHA-256 of the file, lower-case hex' }) sha256: string;
  @ApiProperty() issuedBy: { id: number; name: string | null };
  @ApiProperty() issuedAt: string;
  @ApiProperty({ description: 'Where to download the file as issued' }) href: string;
}

export function toIssuedReportDto(
  row: Omit<IssuedReport, 'content'>,
  issuedByName: string | null,
): IssuedReportDto {
  return {
    id: row.id,
    organisationId: row.organisationId,
    kind: row.kind,
    format: row.format,
    asOf: row.asOf,
    meeting: row.meeting,
    filters: JSON.parse(row.filters) as IssuedReportDto['filters'],
    fileName: row.fileName,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    issuedBy: { id: row.issuedById, name: issuedByName },
    issuedAt: row.issuedAt,
    href: `/api/v1/reports/issued/${row.id}/file`,
  };
}
