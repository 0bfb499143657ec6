import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import {
  IsBooleanQuery,
  IsCalendarDate,
  IsNotBefore,
  IsText,
  NOT_NULL,
} from '../../common/validators';
import { CoreService } from '../core-service.entity';
import { RatingInputDto, RatingsGridDto } from './rating.dto';
import { IdField } from '../../common/id-field';

export class CreateCoreServiceDto {
  @IdField() organisationId: number;
  @ApiProperty({
    example: 'Community health inpatient services',
    description: 'A catalogue name or alias (stored as the canonical name), or a custom name',
  })
  @IsText(200)
  name: string;
  @ApiPropertyOptional({
    example: '2027-03-01',
    description: 'Expected reinspection date, or start of the window',
  })
  @IsOptional()
  @IsCalendarDate()
  reinspectionDate?: string;
  @ApiPropertyOptional({ example: '2027-03-31' })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBefore('reinspectionDate')
  reinspectionWindowEnd?: string;
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  reinspectionConfirmed?: boolean;
  @ApiPropertyOptional({ type: [RatingInputDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RatingInputDto)
  ratings?: RatingInputDto[];
}

export class UpdateCoreServiceDto extends PartialType(
  OmitType(CreateCoreServiceDto, ['organisationId', 'ratings'] as const),
  // null is refused for fields the create requires; fields it leaves optional may be cleared.
  NOT_NULL,
) {}

export class ListCoreServicesQueryDto extends PageQueryDto {
  @IdField({ optional: true, query: true })
  organisationId?: number;
  @ApiPropertyOptional({ description: 'Reinspection expected on or before this date' })
  @IsOptional()
  @IsCalendarDate()
  reinspectionBefore?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsBooleanQuery()
  custom?: boolean;
  @ApiPropertyOptional({ description: 'Matches the name' }) @IsOptional() @IsText(200) q?: string;
}

export class CoreServiceDto {
  @ApiProperty() id: number;
  @ApiProperty() organisationId: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'True when the name is not in the CQC catalogue' }) custom: boolean;
  @ApiProperty({ nullable: true, type: String }) reinspectionDate: string | null;
  @ApiProperty({ nullable: true, type: String }) reinspectionWindowEnd: string | null;
  @ApiProperty() reinspectionConfirmed: boolean;
  @ApiProperty({ type: RatingsGridDto }) ratings: RatingsGridDto;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export function toCoreServiceDto(service: CoreService, ratings: RatingsGridDto): CoreServiceDto {
  return {
    id: service.id,
    organisationId: service.organisationId,
    name: service.name,
    custom: service.custom,
    reinspectionDate: service.reinspectionDate,
    reinspectionWindowEnd: service.reinspectionWindowEnd,
    reinspectionConfirmed: service.reinspectionConfirmed,
    ratings,
    createdAt: service.createdAt,
    updatedAt: service.updatedAt,
  };
}
