import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { IsCalendarDate, IsOneOf } from '../common/validators';
import { AUDIT_ACTIONS, AuditAction, AuditEvent } from './audit-event.entity';
import { IdField } from '../common/id-field';

export class ListAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'action' })
  @IsOptional()
  @Matches(/^[a-z_]{1,30}$/, { message: 'entity must be a table name such as action' })
  entity?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[\w-]{1,40}$/, { message: 'entityId must be an id' })
  entityId?: string;
  @ApiPropertyOptional({
    description: 'Everything about one record, e.g. action:4 (its progress, evidence, dates)',
  })
  @IsOptional()
  @Matches(/^[a-z_]{1,30}:[\w-]{1,40}$/, { message: 'subject must look like action:4' })
  subject?: string;
  @IdField({ optional: true, query: true })
  actorId?: number;
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsOneOf(AUDIT_ACTIONS)
  action?: AuditAction;
  @ApiPropertyOptional({ description: 'On or after this date' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({ description: 'On or before this date' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[\w-]{1,36}$/, { message: 'requestId must be a request id' })
  requestId?: string;
}

export class AuditEventDto {
  @ApiProperty() id: number;
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: Number }) actorId: number | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action: AuditAction;
  @ApiProperty() entity: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ nullable: true, type: String }) subject: string | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: '{ before, after } of the fields that changed',
  })
  changes: { before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
}

export function toAuditEventDto(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    at: event.at,
    actorId: event.actorId,
    requestId: event.requestId,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    subject: event.subject,
    changes: event.changes ? (JSON.parse(event.changes) as AuditEventDto['changes']) : null,
    summary: event.summary,
  };
}
