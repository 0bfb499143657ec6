import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
  IntersectionType,
} from '@nestjs/swagger';
import { BoardCoverFieldsDto, SignOffFieldsDto } from './dto/board-cover.dto';
import { OrganisationsService } from '../organisations/organisations.service';
import type { Response } from 'express';
import { IsOptional } from 'class-validator';
import { BoardCover, COVER_FIELDS } from './board-cover';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { Allow, READ_ROLES } from '../auth/roles';
import { todayDate } from '../common/dates';
import { ApiErrorResponses } from '../common/error-body';
import { IdField } from '../common/id-field';
import { STATIC_DOCUMENT_CSP } from '../common/security-headers';
import { IsAsOfDate, IsOneOf } from '../common/validators';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import { renderBoardReportHtml } from './board-report.html';
import { writeBoardReportPdf } from './board-report.pdf';
import { writeBoardReportXlsx } from './board-report.xlsx';
import { BoardMovementService } from './board-movement.service';
import { Transactions } from '../database/transactions';
import { CqcReturnService } from './cqc-return.service';
import { builtDownload, DownloadHeaders, streamDownload } from './download';
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
  @IdField({ query: true }) organisationId: number;
  @ApiPropertyOptional({ description: 'As at the end of this date (default today)' })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
  @IdField({ optional: true, query: true })
  coreServiceId?: number;
  @IdField({ optional: true, query: true })
  executiveLeadId?: number;
}

export class CqcReturnQueryDto extends IntersectionType(TrustReportQueryDto, SignOffFieldsDto) {
  @ApiPropertyOptional({ enum: ['xlsx', 'pdf'], description: 'XLSX (default) or an A4 PDF' })
  @IsOptional()
  @IsOneOf(['xlsx', 'pdf'])
  format?: 'xlsx' | 'pdf';
}

/** The board paper's cover sheet, as optional query parameters. */
export class BoardCoverQueryDto extends IntersectionType(
  TrustReportQueryDto,
  BoardCoverFieldsDto,
) {}

/** Splits the cover sheet's fields from the report's filters. */
export function splitCover<T extends BoardCover>(
  query: T,
): { cover: BoardCover; rest: Omit<T, keyof BoardCover> } {
  const cover: BoardCover = {};
  const rest = { ...query } as Record<string, unknown>;
  for (const field of COVER_FIELDS) {
    if (rest[field] !== undefined) (cover as Record<string, unknown>)[field] = rest[field];
    delete rest[field];
  }
  return { cover, rest: rest as Omit<T, keyof BoardCover> };
}

export class BoardReportQueryDto extends BoardCoverQueryDto {
  @ApiPropertyOptional({
    enum: ['html', 'pdf', 'xlsx'],
    description: 'A printable HTML page (default), an A4 PDF board paper, or a workbook',
  })
  @IsOptional()
  @IsOneOf(['html', 'pdf', 'xlsx'])
  format?: 'html' | 'pdf' | 'xlsx';
  @ApiPropertyOptional({
    description:
      'Show movement since this earlier date instead of since the last issued board report',
  })
  @IsOptional()
  @IsAsOfDate()
  sinceAsOf?: string;
}

export class EvidencePackQueryDto {
  @IdField({ query: true }) coreServiceId: number;
  @ApiPropertyOptional({ description: 'As at the end of this date (default today)' })
  @IsOptional()
  @IsAsOfDate()
  asOf?: string;
  @ApiPropertyOptional({ enum: ['pdf'] }) @IsOptional() @IsOneOf(['pdf']) format?: 'pdf';
}

/** The format asked for by parameter, else by the Accept header, else CSV. */
function formatOf(query: { format?: ExportFormat }, accept: string | undefined): ExportFormat {
  if (query.format) return query.format;
  if (accept?.includes('spreadsheetml')) return 'xlsx';
  return 'csv';
}

function download(format: ExportFormat, name: string): DownloadHeaders {
  return { contentType: CONTENT_TYPES[format], fileName: `${name}.${format}` };
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
    private readonly boardReports: BoardMovementService,
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
    await streamDownload(
      response,
      this.transactions,
      download(format, `actions-${query.asOf ?? todayDate()}`),
      (out) => this.exports.actionsTo(out, format, filters),
    );
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
    const { format, ...withCover } = query;
    const { cover, rest } = splitCover(withCover);
    const options = { ...rest, cover };
    const wanted =
      format ??
      (accept?.includes('spreadsheetml')
        ? 'xlsx'
        : accept?.includes('application/pdf')
          ? 'pdf'
          : 'html');
    if (wanted === 'xlsx' || wanted === 'pdf') {
      let asOf = '';
      await builtDownload(
        response,
        this.transactions,
        () => ({
          contentType: wanted === 'xlsx' ? CONTENT_TYPES.xlsx : 'application/pdf',
          fileName: `board-report-${asOf}.${wanted}`,
        }),
        async (out) => {
          const report = await this.boardReports.build(options);
          asOf = report.asOf;
          if (wanted === 'xlsx') await writeBoardReportXlsx(report, out);
          else await writeBoardReportPdf(report, out);
        },
      );
      return;
    }
    const report = await this.transactions.snapshot(() => this.boardReports.build(options));
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    // A saved copy is opened from disk or a mail client too: it runs no script anywhere.
    response.setHeader('Content-Security-Policy', STATIC_DOCUMENT_CSP);
    response.send(renderBoardReportHtml(report));
  }

  @Get('cqc-return')
  @Allow(...READ_ROLES)
  @ApiProduces(CONTENT_TYPES.xlsx, 'application/pdf')
  @ApiOkResponse({
    description:
      'The CQC action-plan return: warning notices, then each MUST finding once under its regulation (2014 and 2010 apart) with its actions, people, dates, monitoring, success measure, interim mitigation and status, then a sign-off block',
  })
  async cqcReturn(
    @Query() query: CqcReturnQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ) {
    const asOf = query.asOf ?? todayDate();
    const { format: asked, ...options } = query;
    const format = asked ?? (accept?.includes('application/pdf') ? 'pdf' : 'xlsx');
    // Built whole before sending, so an unknown organisation is still a clean 404.
    await builtDownload(
      response,
      this.transactions,
      {
        contentType: format === 'pdf' ? 'application/pdf' : CONTENT_TYPES.xlsx,
        fileName: `cqc-action-plan-${asOf}.${format}`,
      },
      (out) =>
        format === 'pdf'
          ? this.cqcReturns.pdfTo(out, { ...options, asOf })
          : this.cqcReturns.xlsxTo(out, { ...options, asOf }),
    );
  }

  @Get('evidence-pack')
  @Allow(...READ_ROLES)
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The evidence pack for one core service as a PDF' })
  async evidencePack(@Query() query: EvidencePackQueryDto, @Res() response: Response) {
    const asOf = query.asOf ?? todayDate();
    await builtDownload(
      response,
      this.transactions,
      {
        contentType: 'application/pdf',
        fileName: `evidence-pack-${query.coreServiceId}-${asOf}.pdf`,
      },
      (out) => this.evidencePacks.pdfTo(out, { coreServiceId: query.coreServiceId, asOf }),
    );
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
    await streamDownload(
      response,
      this.transactions,
      download(format, `findings-${todayDate()}`),
      (out) => this.exports.findingsTo(out, format, filters),
    );
  }
}
