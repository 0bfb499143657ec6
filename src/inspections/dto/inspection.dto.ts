import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import {
  IsCalendarDate,
  IsNotBefore,
  IsOneOf,
  IsText,
  NOT_NULL,
  MAX_ID,
} from '../../common/validators';
import { Inspection, INSPECTION_KINDS, InspectionKind } from '../inspection.entity';

export class CreateInspectionDto {
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_ID) organisationId: number;
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
  @ApiPropertyOptional({ type: [Number], description: 'Core services the inspection covered' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  coreServiceIds?: number[];
}

export class UpdateInspectionDto extends PartialType(
  OmitType(CreateInspectionDto, ['organisationId'] as const),
  // null is refused for fields the create requires; fields it leaves optional may be cleared.
  NOT_NULL,
) {}

export class ListInspectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
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
