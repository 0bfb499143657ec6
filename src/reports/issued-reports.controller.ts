import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Allow, CurrentUser, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { PageOf } from '../common/pagination';
import { IdParam } from '../common/request-params';
import { STATIC_DOCUMENT_CSP } from '../common/security-headers';
import type { User } from '../users/user.entity';
import {
  IssuedReportDto,
  IssueReportDto,
  ListIssuedReportsQueryDto,
} from './dto/issued-report.dto';
import { IssuedReportsService } from './issued-reports.service';

class IssuedReportPageDto extends PageOf(IssuedReportDto) {}

/** Who may issue: the quality lead and the executive of the trust (admin always may). */
export const ISSUE_ROLES = ['quality_lead', 'executive'] as const;

@ApiErrorResponses()
@ApiTags('reports')
@Controller('api/v1/reports/issued')
export class IssuedReportsController {
  constructor(private readonly issued: IssuedReportsService) {}

  @Post()
  @Allow(...ISSUE_ROLES)
  @ApiCreatedResponse({
    type: IssuedReportDto,
    description: 'The report, built and kept as issued',
  })
  issue(@Body() dto: IssueReportDto, @CurrentUser() user: User) {
    return this.issued.issue(dto, user);
  }

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: IssuedReportPageDto })
  list(@Query() query: ListIssuedReportsQueryDto) {
    return this.issued.list(query);
  }

  @Get(':id/file')
  @Allow(...READ_ROLES)
  @ApiProduces(
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'text/html',
  )
  @ApiOkResponse({ description: 'The file exactly as issued; X-Content-SHA256 is its hash' })
  async file(@IdParam() id: number, @Res() response: Response) {
    const row = await this.issued.file(id);
    response.setHeader('Content-Type', row.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${row.fileName}"`);
    response.setHeader('X-Content-SHA256', row.sha256);
    // An issued HTML board report runs no script, here or saved to disk.
    response.setHeader('Content-Security-Policy', STATIC_DOCUMENT_CSP);
    await pipeline(Readable.from([row.content]), response);
  }
}
