import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { IsOneOf, IsText, NOT_NULL } from '../../common/validators';
import { RatingsGridDto } from '../../core-services/dto/rating.dto';
import { Organisation, ORGANISATION_KINDS, OrganisationKind } from '../organisation.entity';

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Leicestershire Partnership NHS Trust' }) @IsText(200) name: string;
  @ApiPropertyOptional({ example: 'RT5', description: 'NHS ODS code' })
  @IsOptional()
  @Matches(/^[A-Z0-9]{3,10}$/, { message: 'odsCode must be 3 to 10 capital letters or digits' })
  odsCode?: string;
  @ApiPropertyOptional({ example: 'RT5', description: 'CQC provider id' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{1,20}$/, {
    message: 'cqcProviderId must be up to 20 letters, digits or dashes',
  })
  cqcProviderId?: string;
  @ApiProperty({ enum: ORGANISATION_KINDS }) @IsOneOf(ORGANISATION_KINDS) kind: OrganisationKind;
}

export class UpdateOrganisationDto extends PartialType(CreateOrganisationDto, NOT_NULL) {}

export class ListOrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsOneOf(ORGANISATION_KINDS)
  kind?: OrganisationKind;
  @ApiPropertyOptional({ description: 'Matches name or ODS code' })
  @IsOptional()
  @IsText(200)
  q?: string;
}

export class OrganisationDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) odsCode: string | null;
  @ApiProperty({ nullable: true, type: String }) cqcProviderId: string | null;
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind: OrganisationKind;
  @ApiProperty({ type: RatingsGridDto, description: 'Current trust-level ratings' })
  ratings: RatingsGridDto;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export function toOrganisationDto(
  organisation: Organisation,
  ratings: RatingsGridDto,
): OrganisationDto {
  return {
    id: organisation.id,
    name: organisation.name,
    odsCode: organisation.odsCode,
    cqcProviderId: organisation.cqcProviderId,
    kind: organisation.kind,
    ratings,
    createdAt: organisation.createdAt,
    updatedAt: organisation.updatedAt,
  };
}
