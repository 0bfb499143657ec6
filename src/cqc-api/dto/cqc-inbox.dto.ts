import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { IsBooleanQuery, IsOneOf } from '../../common/validators';
import { IdField } from '../../common/id-field';
import { cqcPageUrl } from '../cqc-changes';
import {
  CqcInboxItem,
  INBOX_KINDS,
  INBOX_STATUSES,
  InboxKind,
  InboxStatus,
} from '../cqc-inbox-item.entity';

export class ListCqcInboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INBOX_STATUSES, description: 'Default: OPEN' })
  @IsOptional()
  @IsOneOf(INBOX_STATUSES)
  status?: InboxStatus;
  @IdField({ optional: true, query: true, description: 'One trust only' })
  organisationId?: number;
}

export class DismissCqcInboxItemDto {
  @ApiPropertyOptional({ description: 'Why (kept in the audit trail)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class CqcInboxImportQueryDto {
  @ApiPropertyOptional({
    description: 'Show what the import would store, store nothing (the default)',
    default: true,
  })
  @IsOptional()
  @IsBooleanQuery()
  dryRun?: boolean;
}

export class CqcInboxItemDto {
  @ApiProperty() id: number;
  @ApiProperty() organisationId: number;
  @ApiProperty({ enum: INBOX_KINDS }) kind: InboxKind;
  @ApiProperty({ enum: INBOX_STATUSES }) status: InboxStatus;
  @ApiProperty({ enum: ['provider', 'location'] }) subjectType: 'provider' | 'location';
  @ApiProperty() subjectId: string;
  @ApiProperty() subjectName: string;
  @ApiProperty() summary: string;
  @ApiProperty({ nullable: true, type: String }) oldRating: string | null;
  @ApiProperty({ nullable: true, type: String }) newRating: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) reportDate: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) inspectionDate: string | null;
  @ApiProperty({ description: "CQC's public page for the provider or location" })
  cqcUrl: string;
  @ApiProperty({ nullable: true, type: String, description: "The report in CQC's API" })
  reportUri: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Preview the import of the trust's CQC record (POST; dryRun=false to confirm)",
  })
  importUri: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) decidedById: number | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote: string | null;
  @ApiProperty({ nullable: true, type: Number }) importId: number | null;
}

export function toCqcInboxItemDto(item: CqcInboxItem): CqcInboxItemDto {
  return {
    id: item.id,
    organisationId: item.organisationId,
    kind: item.kind,
    status: item.status,
    subjectType: item.subjectType,
    subjectId: item.subjectId,
    subjectName: item.subjectName,
    summary: item.summary,
    oldRating: item.oldRating,
    newRating: item.newRating,
    reportDate: item.reportDate,
    inspectionDate: item.inspectionDate,
    cqcUrl: cqcPageUrl(item.subjectType, item.subjectId),
    reportUri: item.reportUri,
    importUri:
      item.status === 'OPEN' && item.kind !== 'REPORT_EXPECTED'
        ? `/api/v1/cqc-inbox/${item.id}/import?dryRun=true`
        : null,
    createdAt: item.createdAt,
    decidedAt: item.decidedAt,
    decidedById: item.decidedById,
    decisionNote: item.decisionNote,
    importId: item.importId,
  };
}
