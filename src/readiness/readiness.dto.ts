import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsAsOfDate } from '../common/validators';
import { READINESS_VERDICTS, ReadinessVerdict } from './readiness-rules';
import { IdField } from '../common/id-field';

export class ReadinessQueryDto {
  @IdField({ query: true }) organisationId: number;
  @ApiPropertyOptional({ description: 'As at the end of this date (default today)' })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
}

export class ServiceReadinessQueryDto {
  @ApiPropertyOptional({ description: 'As at the end of this date (default today)' })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
}

export class CountsByTypeDto {
  @ApiProperty() MUST: number;
  @ApiProperty() SHOULD: number;
  @ApiProperty() WARNING_NOTICE: number;
  @ApiProperty() RATING: number;
}

export class CountsByDeliveryStatusDto {
  @ApiProperty() ASSURED: number;
  @ApiProperty() COMPLETED: number;
  @ApiProperty() OFF_TRACK: number;
  @ApiProperty() AT_RISK: number;
  @ApiProperty() ON_TRACK: number;
  @ApiPropertyOptional() CANCELLED?: number;
}

export class ForecastActionDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty() title: string;
  @ApiProperty() progress: number;
  @ApiProperty() dueDate: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Null when there is no progress to project from',
  })
  projectedCompletion: string | null;
  @ApiProperty() projectedAfterReinspection: boolean;
}

export class ServiceReadinessDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Null for trust-wide findings' })
  coreServiceId: number | null;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) reinspectionDate: string | null;
  @ApiProperty() reinspectionConfirmed: boolean;
  @ApiProperty({ nullable: true, type: Number }) daysToReinspection: number | null;
  @ApiProperty({ type: CountsByTypeDto }) findingsByType: CountsByTypeDto;
  @ApiProperty({
    type: CountsByTypeDto,
    description: 'Findings with no action that is not cancelled',
  })
  uncoveredFindingsByType: CountsByTypeDto;
  @ApiProperty() uncoveredFindings: number;
  @ApiProperty({ type: CountsByDeliveryStatusDto })
  actionsByDeliveryStatus: CountsByDeliveryStatusDto;
  @ApiProperty({ type: CountsByDeliveryStatusDto })
  mustActionsByDeliveryStatus: CountsByDeliveryStatusDto;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of MUST actions assured, %' })
  mustActionsAssuredPercent: number | null;
  @ApiProperty({ description: 'Open actions due after the reinspection date' })
  actionsDueAfterReinspection: number;
  @ApiProperty({ enum: READINESS_VERDICTS }) verdict: ReadinessVerdict;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({
    type: [ForecastActionDto],
    description: 'Open actions with a projected completion date',
  })
  forecast: ForecastActionDto[];
  @ApiProperty({ description: 'Open actions projected to finish after the reinspection date' })
  projectedAfterReinspection: number;
}

export class ReadinessDto {
  @ApiProperty() organisationId: number;
  @ApiProperty() asOf: string;
  @ApiProperty({
    type: CountsByDeliveryStatusDto,
    description: 'Every action of the trust, counted once',
  })
  actionsByDeliveryStatus: CountsByDeliveryStatusDto;
  @ApiProperty({ type: CountsByTypeDto }) findingsByType: CountsByTypeDto;
  @ApiProperty({ type: Object, description: 'How many core services have each verdict' })
  verdicts: Record<ReadinessVerdict, number>;
  @ApiProperty({ type: [ServiceReadinessDto] }) coreServices: ServiceReadinessDto[];
}
