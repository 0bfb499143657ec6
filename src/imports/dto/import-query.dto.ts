import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsBooleanQuery, IsOneOf, MAX_ID } from '../../common/validators';
import { ORGANISATION_KINDS, OrganisationKind } from '../../organisations/organisation.entity';
import { CONFLICT_MODES, ConflictMode } from '../plan-import.service';

export class ImportQueryDto {
  @ApiPropertyOptional({
    description: 'Show what would be imported, store nothing',
    default: false,
  })
  @IsOptional()
  @IsBooleanQuery()
  dryRun?: boolean;
  @ApiPropertyOptional({
    description: 'The organisation it is for (otherwise found by name or CQC id, or created)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  organisationId?: number;
}

export class ReportImportQueryDto extends ImportQueryDto {
  @ApiPropertyOptional({
    enum: ORGANISATION_KINDS,
    description: 'Kind of trust, if the import creates it',
  })
  @IsOptional()
  @IsOneOf(ORGANISATION_KINDS)
  organisationKind?: OrganisationKind;
}

export class PlanImportQueryDto extends ImportQueryDto {
  @ApiPropertyOptional({
    enum: CONFLICT_MODES,
    default: 'stop',
    description: "When a row's reference matches an existing action",
  })
  @IsOptional()
  @IsOneOf(CONFLICT_MODES)
  conflict?: ConflictMode;
  @ApiPropertyOptional({
    description: 'Create users for owners and leads who are not users yet',
    default: false,
  })
  @IsOptional()
  @IsBooleanQuery()
  createUsers?: boolean;
}

export class ReportTextDto {
  @ApiPropertyOptional({
    description: 'The report text, pasted; or send a file as multipart field "file"',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5_000_000)
  text?: string;
}
