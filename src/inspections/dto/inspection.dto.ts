import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { IsCalendarDate, IsNotBefore, IsOneOf, IsText, NOT_NULL } from '../../common/validators';
import { Inspection, INSPECTION_KINDS, InspectionKind } from '../inspection.entity';
import { IdField } from '../../common/id-field';

export class CreateInspectionDto {
  @IdField() organisationId: number;
  @ApiProperty({ enum: INSPECTION_KINDS }) @IsOneOf(INSPECTION_KINDS) kind: InspectionKind;
  @ApiProperty({ example: '2017-10-03' }) @IsCalendarDate() visitStart: string;
  @ApiPropertyOptional({ example: '2017-10-12' })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBefore('visitStart')
  visitEnd?: string;
  @ApiPropertyOptional({ example: '2018-02-01' })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBefore('visitStart')
  publishedOn?: string;
  @ApiPropertyOptional({ example: 'RT5 AAAA1234' })
  @IsOptional()
  @IsText(100)
  reportReference?: string;
  @IdField({ optional: true, each: true, description: 'Core services the inspection covered' })
  @ArrayMaxSize(100)
  coreServiceIds?: number[];
}

export class UpdateInspectionDto extends PartialType(
  OmitType(CreateInspectionDto, ['organisationId'] as const),
  // null is refused for fields the create requires; fields it leaves optional may be cleared.
  NOT_NULL,
) {}

export class ListInspectionsQueryDto extends PageQueryDto {
  @IdField({ optional: true, query: true })
  organisationId?: number;
  @ApiPropertyOptional({ enum: INSPECTION_KINDS })
  @IsOptional()
  @IsOneOf(INSPECTION_KINDS)
  kind?: InspectionKind;
}

export class InspectionDto {
  @ApiProperty() id: number;
  @ApiProperty() organisationId: number;
  @ApiProperty({ enum: INSPECTION_KINDS }) kind: InspectionKind;
  @ApiProperty() visitStart: string;
  @ApiProperty({ nullable: true, type: String }) visitEnd: string | null;
  @ApiProperty({ nullable: true, type: String }) publishedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) reportReference: string | null;
  @ApiProperty({ type: [Number] }) coreServiceIds: number[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export function toInspectionDto(inspection: Inspection): InspectionDto {
  return {
    id: inspection.id,
    organisationId: inspection.organisationId,
    kind: inspection.kind,
    visitStart: inspection.visitStart,
    visitEnd: inspection.visitEnd,
    publishedOn: inspection.publishedOn,
    reportReference: inspection.reportReference,
    coreServiceIds: (inspection.coreServices ?? [])
      .map((service) => service.id)
      .sort((a, b) => a - b),
    createdAt: inspection.createdAt,
    updatedAt: inspection.updatedAt,
  };
}
