import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PassThrough } from 'node:stream';
import type { Response } from 'express';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { Allow, READ_ROLES } from '../auth/roles';
import { todayDate } from '../common/dates';
import { ApiErrorResponses } from '../common/error-body';
import { IsCalendarDate, IsOneOf, MAX_ID } from '../common/validators';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import { renderBoardReportHtml } from './board-report.html';
import { writeBoardReportPdf } from './board-report.pdf';
import { writeBoardReportXlsx } from './board-report.xlsx';
import { BoardReportService } from './board-report.service';
import { Transactions } from '../database/transactions';
import { CqcReturnService } from './cqc-return.service';
import { EvidencePackService } from './evidence-pack.service';
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

/** What every trust-level report takes: the trust, the date, and optional filters. */
class TrustReportQueryDto {
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_ID) organisationId: number;
  @ApiPropertyOptional({ description: 'As at the end of this date (default today)' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  coreServiceId?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  executiveLeadId?: number;
}

export class CqcReturnQueryDto extends TrustReportQueryDto {
  @ApiPropertyOptional({ enum: ['xlsx', 'pdf'], description: 'XLSX (default) or an A4 PDF' })
  @IsOptional()
  @IsOneOf(['xlsx', 'pdf'])
  format?: 'xlsx' | 'pdf';
}

export class BoardReportQueryDto extends TrustReportQueryDto {
  @ApiPropertyOptional({
    enum: ['html', 'pdf', 'xlsx'],
    description: 'A printable HTML page (default), an A4 PDF board paper, or a workbook',
  })
  @IsOptional()
  @IsOneOf(['html', 'pdf', 'xlsx'])
  format?: 'html' | 'pdf' | 'xlsx';
}

export class EvidencePackQueryDto {
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_ID) coreServiceId: number;
  @ApiPropertyOptional({ description: 'As at the end of this date (default today)' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({ enum: ['pdf'] }) @IsOptional() @IsOneOf(['pdf']) format?: 'pdf';
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
  constructor(
    private readonly exports: FlatExportService,
    private readonly cqcReturns: CqcReturnService,
    private readonly boardReports: BoardReportService,
    private readonly evidencePacks: EvidencePackService,
    private readonly transactions: Transactions,
  ) {}

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
    if (filters.organisationId) OrganisationsService.requireReadable(filters.organisationId);
    startDownload(response, format, `actions-${query.asOf ?? todayDate()}`);
    await this.transactions.snapshot(() => this.exports.actionsTo(response, format, filters));
  }

  @Get('board')
  @Allow(...READ_ROLES)
  @ApiProduces('text/html', 'application/pdf', CONTENT_TYPES.xlsx)
  @ApiOkResponse({ description: 'The board report as a printable page, with charts' })
  async board(
    @Query() query: BoardReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ) {
    const { format, ...options } = query;
    const report = await this.transactions.snapshot(() => this.boardReports.build(options));
    const wanted =
      format ??
      (accept?.includes('spreadsheetml')
        ? 'xlsx'
        : accept?.includes('application/pdf')
          ? 'pdf'
          : 'html');
    if (wanted === 'xlsx' || wanted === 'pdf') {
      const chunks: Buffer[] = [];
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => chunks.push(chunk));
      if (wanted === 'xlsx') await writeBoardReportXlsx(report, sink);
      else await writeBoardReportPdf(report, sink);
      response.setHeader(
        'Content-Type',
        wanted === 'xlsx' ? CONTENT_TYPES.xlsx : 'application/pdf',
      );
      response.setHeader(
        'Content-Disposition',
        `attachment; filename="board-report-${report.asOf}.${wanted}"`,
      );
      response.end(Buffer.concat(chunks));
      return;
    }
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.send(renderBoardReportHtml(report));
  }

  @Get('cqc-return')
  @Allow(...READ_ROLES)
  @ApiProduces(CONTENT_TYPES.xlsx, 'application/pdf')
  @ApiOkResponse({
    description:
      'The CQC action-plan return: each MUST finding by regulation, with its actions, people, dates and status',
  })
  async cqcReturn(
    @Query() query: CqcReturnQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ) {
    const asOf = query.asOf ?? todayDate();
    const { format: asked, ...options } = query;
    const format = asked ?? (accept?.includes('application/pdf') ? 'pdf' : 'xlsx');
    const buffer = new PassThrough();
    const chunks: Buffer[] = [];
    buffer.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Built whole before sending, so an unknown organisation is still a clean 404.
    await this.transactions.snapshot(async () => {
      if (format === 'pdf') {
        await this.cqcReturns.pdfTo(buffer, { ...options, asOf });
      } else {
        await this.cqcReturns.xlsxTo(buffer, { ...options, asOf });
        buffer.end();
      }
    });
    response.setHeader('Content-Type', format === 'pdf' ? 'application/pdf' : CONTENT_TYPES.xlsx);
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="cqc-action-plan-${asOf}.${format ?? 'xlsx'}"`,
    );
    response.end(Buffer.concat(chunks));
  }

  @Get('evidence-pack')
  @Allow(...READ_ROLES)
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The evidence pack for one core service as a PDF' })
  async evidencePack(@Query() query: EvidencePackQueryDto, @Res() response: Response) {
    const asOf = query.asOf ?? todayDate();
    const chunks: Buffer[] = [];
    const buffer = new PassThrough();
    buffer.on('data', (chunk: Buffer) => chunks.push(chunk));
    await this.transactions.snapshot(() =>
      this.evidencePacks.pdfTo(buffer, { coreServiceId: query.coreServiceId, asOf }),
    );
    response.setHeader('Content-Type', 'application/pdf');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="evidence-pack-${query.coreServiceId}-${asOf}.pdf"`,
    );
    response.end(Buffer.concat(chunks));
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
    if (filters.organisationId) OrganisationsService.requireReadable(filters.organisationId);
    startDownload(response, format, `findings-${todayDate()}`);
    await this.transactions.snapshot(() => this.exports.findingsTo(response, format, filters));
  }
}
