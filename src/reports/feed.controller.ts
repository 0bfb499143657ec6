import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { Allow, READ_ROLES } from '../auth/roles';
import { todayDate } from '../common/dates';
import { ApiErrorResponses } from '../common/error-body';
import { Transactions } from '../database/transactions';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import { OrganisationsService } from '../organisations/organisations.service';
import { streamDownload } from './download';
import { ACTION_COLUMNS, FINDING_COLUMNS } from './export-columns';
import { CONTENT_TYPES, FlatExportService } from './flat-export.service';

const keysOf = (columns: { key: string }[]) => [...columns.map((c) => c.key), 'as_at'].join(', ');

/**
 * The reporting feed for BI tools (Power BI, Excel "From Web"): the flat exports as CSV with
 * stable snake_case column names, read with any token, a read-only one included. Every filter
 * of the lists applies; every matching row is written (limit and offset do not apply).
 */
@ApiErrorResponses()
@ApiTags('feed')
@Controller('api/feed')
export class FeedController {
  constructor(
    private readonly exports: FlatExportService,
    private readonly transactions: Transactions,
  ) {}

  @Get('actions.csv')
  @Allow(...READ_ROLES)
  @ApiOperation({
    summary: 'Actions feed for BI tools (CSV)',
    description: `Columns, never renamed: ${keysOf(ACTION_COLUMNS)}`,
  })
  @ApiProduces(CONTENT_TYPES.csv)
  @ApiOkResponse({ description: 'Every matching action, one row each, as at asOf' })
  async actions(@Query() query: ListActionsQueryDto, @Res() response: Response) {
    const { limit: _limit, offset: _offset, ...filters } = query;
    if (filters.organisationId) OrganisationsService.requireReadable(filters.organisationId);
    await streamDownload(
      response,
      this.transactions,
      { contentType: CONTENT_TYPES.csv, fileName: `actions-${query.asOf ?? todayDate()}.csv` },
      (out) => this.exports.actionsTo(out, 'csv', filters, 'keys'),
    );
  }

  @Get('findings.csv')
  @Allow(...READ_ROLES)
  @ApiOperation({
    summary: 'Findings feed for BI tools (CSV)',
    description: `Columns, never renamed: ${keysOf(FINDING_COLUMNS)}`,
  })
  @ApiProduces(CONTENT_TYPES.csv)
  @ApiOkResponse({ description: 'Every matching finding, one row each, as at asOf' })
  async findings(@Query() query: ListFindingsQueryDto, @Res() response: Response) {
    const { limit: _limit, offset: _offset, ...filters } = query;
    if (filters.organisationId) OrganisationsService.requireReadable(filters.organisationId);
    await streamDownload(
      response,
      this.transactions,
      { contentType: CONTENT_TYPES.csv, fileName: `findings-${query.asOf ?? todayDate()}.csv` },
      (out) => this.exports.findingsTo(out, 'csv', filters, 'keys'),
    );
  }
}
