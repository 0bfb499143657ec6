import {
  Body,
  Controller,
  Get,
  Post,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { LessThan, Repository } from 'typeorm';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { TrustAccess } from '../auth/trust-access';
import { AppError, FieldProblem } from '../common/app-error';
import { nowTimestamp, timestampDaysBefore } from '../common/dates';
import { IdParam } from '../common/request-params';
import { ImportUpload } from '../imports/import-upload';
import { ImportsService } from '../imports/imports.service';
import { CqcImportResultDto, ReportImportResultDto } from '../imports/dto/import-result.dto';
import {
  CONFLICT_MODES,
  ConflictMode,
  PlanImportResultDto,
  PlanImportService,
} from '../imports/plan-import.service';
import { attempt, integer, text, toFormErrors } from './forms';
import { PageRenderer } from './page-renderer';
import { Transactions } from '../database/transactions';
import { StagedUpload } from './staged-upload.entity';
import { TrustScopes } from './trust-scope';

const IMPORT_KINDS = ['report', 'cqc-json', 'plan'] as const;
type PageImportKind = (typeof IMPORT_KINDS)[number];

interface StagedOptions {
  organisationId?: number;
  /** A report that names no trust: the person chooses one when confirming. */
  organisationRequired?: boolean;
  conflict: ConflictMode;
  createUsers: boolean;
  /** For a plan: the sheet to read (otherwise the one that looks most like a plan). */
  sheet?: string;
}

const LABELS = {
  kind: 'What you are importing',
  file: 'The file',
  organisationId: 'Trust',
  sheet: 'Sheet',
};

/**
 * Import as people do it: upload, see what the tracker understood (a dry run), then confirm.
 * The file waits in the database between the two, for its uploader only.
 */
@ApiExcludeController()
@Controller('import')
export class ImportPagesController {
  constructor(
    private readonly imports: ImportsService,
    private readonly plans: PlanImportService,
    private readonly scopes: TrustScopes,
    private readonly pages: PageRenderer,
    @InjectRepository(StagedUpload) private readonly staged: Repository<StagedUpload>,
    private readonly transactions: Transactions,
  ) {}

  @Get()
  @Allow('quality_lead')
  async form(@Req() request: AuthenticatedRequest, @Res() response: Response) {
    await this.showForm(request, response, {}, []);
  }

  @Post()
  @Allow('quality_lead')
  @UseInterceptors(ImportUpload)
  async preview(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
    @UploadedFile() file?: { buffer: Buffer; originalname: string },
  ) {
    const kind = text(body, 'kind') as PageImportKind | undefined;
    const organisationId = integer(body, 'organisationId');
    const conflict = (text(body, 'conflict') ?? 'stop') as ConflictMode;
    const problems: FieldProblem[] = [];
    if (!kind || !IMPORT_KINDS.includes(kind))
      problems.push({ field: 'kind', reason: 'Select what you are importing' });
    if (!file || file.buffer.length === 0)
      problems.push({ field: 'file', reason: 'Select a file to upload' });
    if (organisationId !== undefined && typeof organisationId !== 'number')
      problems.push({ field: 'organisationId', reason: 'Select a trust from the list' });
    if (kind === 'plan' && organisationId === undefined)
      problems.push({ field: 'organisationId', reason: 'Select the trust the plan belongs to' });
    if (!CONFLICT_MODES.includes(conflict))
      problems.push({ field: 'conflict', reason: 'Select what to do with existing actions' });
    if (problems.length) return this.showForm(request, response, body, problems, 400);

    const sheet = kind === 'plan' ? text(body, 'sheet')?.trim().slice(0, 100) : undefined;
    const options: StagedOptions = {
      organisationId: organisationId as number | undefined,
      conflict,
      createUsers: body.createUsers === 'yes',
      ...(sheet ? { sheet } : {}),
    };
    const result = await attempt(() => this.run(kind!, file!, options, request.user!.id, true));
    if (!result.ok) {
      const shown = result.problems.map((p) =>
        p.field === 'form' || p.field === 'text' ? { ...p, field: 'file' } : p,
      );
      return this.showForm(request, response, body, shown, result.status);
    }
    const organisationRequired =
      kind === 'report' && (result.value as ReportImportResultDto).organisationRequired === true;
    const stagedUpload = await this.stage(request.user!.id, kind!, file!, {
      ...options,
      organisationRequired,
    });
    await this.showPreview(
      request,
      response,
      kind!,
      file!.originalname,
      result.value,
      stagedUpload.id,
      organisationRequired,
    );
  }

  /** A plan read again from its staged upload, from another sheet of the file. */
  @Post(':id/sheet')
  @Allow('quality_lead')
  async chooseSheet(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const stagedUpload = await this.staged.findOneBy({ id, userId: request.user!.id });
    if (!stagedUpload || stagedUpload.kind !== 'plan') {
      throw new AppError(
        'IMPORT_NOT_FOUND',
        'That upload has already been imported or has expired; upload the file again',
      );
    }
    const sheet = text(body, 'sheet')?.trim().slice(0, 100);
    const options = { ...(JSON.parse(stagedUpload.options) as StagedOptions), sheet };
    const file = {
      buffer: Buffer.from(stagedUpload.contentBase64, 'base64'),
      originalname: stagedUpload.fileName,
    };
    const result = await attempt(() => this.run('plan', file, options, request.user!.id, true));
    if (!result.ok)
      return this.showForm(request, response, { kind: 'plan' }, result.problems, result.status);
    await this.transactions.run((manager) =>
      manager.update(
        StagedUpload,
        { id, userId: request.user!.id },
        { options: JSON.stringify(options) },
      ),
    );
    await this.showPreview(request, response, 'plan', file.originalname, result.value, id);
  }

  private async showPreview(
    request: AuthenticatedRequest,
    response: Response,
    kind: PageImportKind,
    fileName: string,
    result: ReportImportResultDto | CqcImportResultDto | PlanImportResultDto,
    stagedId: number,
    organisationRequired = false,
  ) {
    // A report that names no trust: only the trusts the person may import into are offered.
    const organisations = organisationRequired ? await this.importableTrusts() : [];
    this.pages.render(request, response, 'import-preview', {
      title: 'Check the import',
      kind,
      fileName,
      result,
      stagedId,
      organisationRequired,
      organisations,
      breadcrumbs: [{ href: '/import', text: 'Import' }],
    });
  }

  @Post(':id/confirm')
  @Allow('quality_lead')
  async confirm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown> = {},
  ) {
    const stagedUpload = await this.staged.findOneBy({ id, userId: request.user!.id });
    if (!stagedUpload) {
      throw new AppError(
        'IMPORT_NOT_FOUND',
        'That upload has already been imported or has expired; upload the file again',
      );
    }
    const options = JSON.parse(stagedUpload.options) as StagedOptions;
    if (options.organisationRequired) {
      // Checked before the upload is claimed, so the person can go back and choose.
      const chosen = integer(body ?? {}, 'organisationId');
      if (typeof chosen !== 'number') {
        return this.showForm(
          request,
          response,
          { kind: stagedUpload.kind },
          [
            {
              field: 'organisationId',
              reason:
                'The report names no NHS trust: go back, select the trust it is for, then confirm',
            },
          ],
          422,
        );
      }
      // Only a trust they may import into; refused before the upload is claimed, so the
      // person can go back and choose again (the upload used to be lost with the refusal).
      if (!(await this.importableTrusts()).some((trust) => trust.id === chosen)) {
        return this.showForm(
          request,
          response,
          { kind: stagedUpload.kind },
          [
            {
              field: 'organisationId',
              reason:
                'You can import only into a trust where you are a quality lead: go back, select one of those, then confirm',
            },
          ],
          422,
        );
      }
      options.organisationId = chosen;
    }
    const file = {
      buffer: Buffer.from(stagedUpload.contentBase64, 'base64'),
      originalname: stagedUpload.fileName,
    };
    const kind = stagedUpload.kind as PageImportKind;
    // Claim the upload before importing it: of a double-click, a retry or two tabs confirming
    // at once, only the request whose delete removed the row imports; the others are told it
    // has already been imported. (Deleted whatever the outcome, as a failed import is shown
    // with its problems and the file must be uploaded again after fixing it.)
    const claimed = await this.transactions.run((manager) =>
      manager.delete(StagedUpload, { id, userId: request.user!.id }),
    );
    if (!claimed.affected) {
      throw new AppError(
        'IMPORT_NOT_FOUND',
        'That upload has already been imported or has expired; upload the file again',
      );
    }
    // "Import the N good rows": the person chose, on the preview, to skip the rows with problems.
    const skipInvalidRows = kind === 'plan' && body?.skipInvalidRows === 'yes';
    const result = await attempt(() =>
      this.run(kind, file, { ...options, skipInvalidRows }, request.user!.id, false),
    );
    if (!result.ok) {
      return this.showForm(request, response, { kind }, result.problems, result.status);
    }
    const organisationId = organisationOf(result.value) ?? options.organisationId;
    const target = kind === 'plan' ? 'actions' : 'findings';
    response.redirect(303, `/${target}?organisationId=${organisationId}&done=imported`);
  }

  private run(
    kind: PageImportKind,
    file: { buffer: Buffer; originalname: string },
    options: StagedOptions & { skipInvalidRows?: boolean },
    actorId: number,
    dryRun: boolean,
  ): Promise<ReportImportResultDto | CqcImportResultDto | PlanImportResultDto> {
    switch (kind) {
      case 'report':
        return this.imports.report(
          { file },
          { dryRun, organisationId: options.organisationId, actorId },
        );
      case 'cqc-json':
        return this.imports.cqcJson(
          { file },
          { dryRun, organisationId: options.organisationId, actorId },
        );
      case 'plan':
        return this.plans.plan(
          { file },
          {
            dryRun,
            organisationId: options.organisationId!,
            conflict: options.conflict,
            createUsers: options.createUsers,
            skipInvalidRows: options.skipInvalidRows ?? false,
            sheet: options.sheet,
            actorId,
          },
        );
    }
  }

  private async stage(
    userId: number,
    kind: PageImportKind,
    file: { buffer: Buffer; originalname: string },
    options: StagedOptions,
  ): Promise<StagedUpload> {
    // In the write queue like every write, so nobody else's transaction can roll it back.
    return this.transactions.run(async (manager) => {
      // Uploads nobody confirmed within a day are dropped.
      await manager.delete(StagedUpload, {
        createdAt: LessThan(timestampDaysBefore(nowTimestamp(), 1)),
      });
      return manager.save(
        manager.create(StagedUpload, {
          userId,
          kind,
          fileName: file.originalname.slice(0, 255),
          contentBase64: file.buffer.toString('base64'),
          options: JSON.stringify(options),
          createdAt: nowTimestamp(),
        }),
      );
    });
  }

  /** The trusts the person may import into: those where they are a quality lead (all, for an admin). */
  private async importableTrusts(): Promise<{ id: number; name: string }[]> {
    const { organisations } = await this.scopes.resolve(undefined);
    return organisations.filter((trust) =>
      ['admin', 'quality_lead'].includes(TrustAccess.roleIn(trust.id) ?? ''),
    );
  }

  private async showForm(
    request: AuthenticatedRequest,
    response: Response,
    body: Record<string, unknown>,
    problems: FieldProblem[],
    status = 200,
  ) {
    this.pages.render(
      request,
      response,
      'import',
      {
        title: 'Import',
        values: body,
        organisations: await this.importableTrusts(),
        ...toFormErrors(problems, LABELS, 'import'),
      },
      status,
    );
  }
}

function organisationOf(result: object): number | undefined {
  const value = result as { organisationId?: number; organisation?: { id?: number | null } };
  return value.organisationId ?? value.organisation?.id ?? undefined;
}
