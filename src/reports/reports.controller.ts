import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsOptional } from 'class-validator';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { Allow, READ_ROLES } from '../auth/roles';
import { todayDate } from '../common/dates';
import { ApiErrorResponses } from '../common/error-body';
import { IsOneOf } from '../common/validators';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import {
  CONTENT_TYPES,
  EXPORT_FORMATS,
  ExportFormat,
  FlatExportService,
} from './flat-export.service';

export class ActionsExportQueryDto extends ListActionsQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS })
  @IsOptional()
  @IsOneOf(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class FindingsExportQueryDto extends ListFindingsQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS })
  @IsOptional()
  @IsOneOf(EXPORT_FORMATS)
  format?: ExportFormat;
}

/** The format asked for by parameter, else by the Accept header, else CSV. */
function formatOf(query: { format?: ExportFormat }, accept: string | undefined): ExportFormat {
  if (query.format) return query.format;
  if (accept?.includes('spreadsheetml')) return 'xlsx';
  return 'csv';
}

function startDownload(response: Response, format: ExportFormat, name: string): void {
  response.setHeader('Content-Type', CONTENT_TYPES[format]);
  response.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
}

/**
 * Flat exports with every filter of the lists. Streamed, so limit and offset do not apply:
 * every matching row is written.
 */
@ApiErrorResponses()
@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly exports: FlatExportService) {}

  @Get('actions')
  @Allow(...READ_ROLES)
  @ApiProduces(CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({ description: 'Every matching action as CSV or XLSX, with its state as at asOf' })
  async actions(
    @Query() query: ActionsExportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ) {
    const format = formatOf(query, accept);
    const { format: _format, limit: _limit, offset: _offset, ...filters } = query;
    startDownload(response, format, `actions-${query.asOf ?? todayDate()}`);
    await this.exports.actionsTo(response, format, filters);
  }

  @Get('findings')
  @Allow(...READ_ROLES)
  @ApiProduces(CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({ description: 'Every matching finding as CSV or XLSX' })
  async findings(
    @Query() query: FindingsExportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ) {
    const format = formatOf(query, accept);
    const { format: _format, limit: _limit, offset: _offset, ...filters } = query;
    startDownload(response, format, `findings-${todayDate()}`);
    await this.exports.findingsTo(response, format, filters);
  }
}
