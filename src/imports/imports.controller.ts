import {
  Body,
  Controller,
  HttpCode,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentUser } from '../auth/roles';
import { validationFailed } from '../common/app-error';
import { ApiErrorResponses } from '../common/error-body';
import { User } from '../users/user.entity';
import { CqcImportResultDto, ReportImportResultDto } from './dto/import-result.dto';
import {
  ImportQueryDto,
  PlanImportQueryDto,
  ReportImportQueryDto,
  ReportTextDto,
} from './dto/import-query.dto';
import { ImportsService } from './imports.service';
import { ImportUpload } from './import-upload';
import { PlanImportResultDto, PlanImportService } from './plan-import.service';

interface UploadedImportFile {
  buffer: Buffer;
  originalname: string;
}

/** Every import answers what it understood; with `?dryRun=true` it stores nothing. */
@ApiErrorResponses()
@ApiTags('imports')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly plans: PlanImportService,
  ) {}

  @Post('report')
  @Allow('quality_lead')
  @HttpCode(200)
  @UseInterceptors(ImportUpload)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    type: ReportTextDto,
    description: 'JSON { text }, or multipart with a .txt or .pdf as "file"',
  })
  @ApiOkResponse({ type: ReportImportResultDto })
  report(
    @Query() query: ReportImportQueryDto,
    @Body() body: ReportTextDto,
    @CurrentUser() user: User,
    @UploadedFile() file?: UploadedImportFile,
  ) {
    if (!file && (body.text === undefined || body.text === null))
      throw validationFailed('file', 'send the report as a file, or its text as { "text": ... }');
    return this.imports.report(
      { file, text: file ? undefined : body.text },
      { ...query, dryRun: query.dryRun ?? false, actorId: user.id },
    );
  }

  @Post('cqc-json')
  @Allow('quality_lead')
  @HttpCode(200)
  @UseInterceptors(ImportUpload)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      description:
        'A provider or location record as CQC\'s API gives it, or multipart with a .json "file"',
    },
  })
  @ApiOkResponse({ type: CqcImportResultDto })
  cqcJson(
    @Query() query: ImportQueryDto,
    @Body() body: unknown,
    @CurrentUser() user: User,
    @UploadedFile() file?: UploadedImportFile,
  ) {
    return this.imports.cqcJson(
      { file, json: file ? undefined : body },
      { ...query, dryRun: query.dryRun ?? false, actorId: user.id },
    );
  }

  @Post('plan')
  @Allow('quality_lead')
  @HttpCode(200)
  @UseInterceptors(ImportUpload)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary', description: 'XLSX or CSV' } },
    },
  })
  @ApiOkResponse({ type: PlanImportResultDto })
  plan(
    @Query() query: PlanImportQueryDto,
    @CurrentUser() user: User,
    @UploadedFile() file?: UploadedImportFile,
  ) {
    if (!file)
      throw validationFailed(
        'file',
        'send the plan as an XLSX or CSV file in the multipart field "file"',
      );
    if (!query.organisationId)
      throw validationFailed('organisationId', 'say which organisation the plan belongs to');
    return this.plans.plan(
      { file },
      {
        dryRun: query.dryRun ?? false,
        organisationId: query.organisationId,
        conflict: query.conflict ?? 'stop',
        createUsers: query.createUsers ?? false,
        skipInvalidRows: query.skipInvalidRows ?? false,
        sheet: query.sheet,
        actorId: user.id,
      },
    );
  }
}
