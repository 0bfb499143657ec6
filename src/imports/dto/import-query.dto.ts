import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsBooleanQuery, IsOneOf } from '../../common/validators';
import { ORGANISATION_KINDS, OrganisationKind } from '../../organisations/organisation.entity';
import { CONFLICT_MODES, ConflictMode } from '../plan-import.service';
import { IdField } from '../../common/id-field';

export class ImportQueryDto {
  @ApiPropertyOptional({
    description: 'Show what would be imported, store nothing',
    default: false,
  })
  @IsOptional()
  @IsBooleanQuery()
  dryRun?: boolean;
  @IdField({
    optional: true,
    query: true,
    description: 'The organisation it is for (otherwise found by name or CQC id, or created)',
  })
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
  @ApiPropertyOptional({
    description:
      'Import the rows without problems and skip the others; the skipped row numbers are recorded with the import and in the audit trail',
    default: false,
  })
  @IsOptional()
  @IsBooleanQuery()
  skipInvalidRows?: boolean;
  @ApiPropertyOptional({
    description:
      'The name of the sheet to read; without it, the visible sheet that looks most like a plan',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sheet?: string;
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
