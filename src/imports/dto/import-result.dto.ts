import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RATING_SCOPES, RatingScope } from '../../cqc/key-questions';
import { Rating, RATINGS } from '../../cqc/ratings';
import { FINDING_TYPES, FindingType } from '../../findings/finding.entity';
import { RegulationCitationDto } from '../../findings/dto/regulation.dto';

export class ImportWarningDto {
  @ApiPropertyOptional() line?: number;
  @ApiPropertyOptional() page?: number;
  @ApiProperty() message: string;
}

export class ImportedRatingDto {
  @ApiProperty({ nullable: true, type: String }) coreService: string | null;
  @ApiProperty({ enum: RATING_SCOPES }) scope: RatingScope;
  @ApiProperty({ enum: RATINGS }) rating: Rating;
  @ApiPropertyOptional() ratedOn?: string;
  @ApiPropertyOptional() line?: number;
}

export class ImportedFindingDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Null in a dry run' }) id:
    number | null;
  @ApiProperty({
    enum: ['new', 'exists'],
    description: 'exists: the same finding is already recorded, so it is not added again',
  })
  status: 'new' | 'exists';
  @ApiPropertyOptional({ enum: FINDING_TYPES }) type?: FindingType;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Canonical core service name, or null for trust-wide',
  })
  coreService: string | null;
  @ApiProperty({ nullable: true, type: String }) keyQuestion: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) qualityStatement?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Published score: 1-4 for a quality statement, a percentage for a key question',
  })
  score?: number | null;
  @ApiPropertyOptional({ type: [RegulationCitationDto] }) regulations?: RegulationCitationDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) deadline?: string | null;
  @ApiProperty() text: string;
  @ApiProperty() reference: string;
  @ApiPropertyOptional() line?: number;
  @ApiPropertyOptional() page?: number;
}

class ReportOrganisationDto {
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'The existing organisation, or null if the import would create it',
  })
  id: number | null;
}

class InspectionDatesDto {
  @ApiProperty({ nullable: true, type: String }) visitStart: string | null;
  @ApiProperty({ nullable: true, type: String }) visitEnd: string | null;
  @ApiProperty({ nullable: true, type: String }) publishedOn: string | null;
}

class ReportCreatedDto {
  @ApiProperty() organisation: boolean;
  @ApiProperty() coreServices: number;
  @ApiProperty() inspection: boolean;
  @ApiProperty() ratings: number;
  @ApiProperty() findings: number;
}

export class ReportImportResultDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ nullable: true, type: Number }) importId: number | null;
  @ApiProperty({ type: ReportOrganisationDto }) organisation: ReportOrganisationDto;
  @ApiProperty({
    description:
      'True when the report names no NHS trust: choose one (organisationId) before importing',
  })
  organisationRequired: boolean;
  @ApiProperty({ type: InspectionDatesDto }) inspection: InspectionDatesDto;
  @ApiProperty({ type: [ImportedRatingDto] }) ratings: ImportedRatingDto[];
  @ApiProperty({ type: [ImportedFindingDto] }) findings: ImportedFindingDto[];
  @ApiProperty({
    type: ReportCreatedDto,
    description: 'What the import created (or, in a dry run, would create)',
  })
  created: ReportCreatedDto;
  @ApiProperty({ type: [ImportWarningDto] }) warnings: ImportWarningDto[];
}

class CqcOrganisationDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) odsCode: string | null;
  @ApiProperty() cqcProviderId: string;
  @ApiProperty() kind: string;
  @ApiProperty({ nullable: true, type: Number }) id: number | null;
}

class CqcCreatedDto {
  @ApiProperty() organisation: boolean;
  @ApiProperty() coreServices: number;
  @ApiProperty() ratings: number;
  @ApiProperty() findings: number;
}

export class CqcImportResultDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ nullable: true, type: Number }) importId: number | null;
  @ApiProperty({ type: CqcOrganisationDto }) organisation: CqcOrganisationDto;
  @ApiProperty({ type: [String] }) coreServices: string[];
  @ApiProperty({ type: [ImportedRatingDto] }) ratings: ImportedRatingDto[];
  @ApiProperty({ type: [ImportedFindingDto] }) findings: ImportedFindingDto[];
  @ApiProperty({ type: CqcCreatedDto }) created: CqcCreatedDto;
  @ApiProperty({ type: [ImportWarningDto] }) warnings: ImportWarningDto[];
}
