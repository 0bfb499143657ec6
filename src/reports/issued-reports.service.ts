import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TrustAccess } from '../auth/trust-access';
import { AppError, validationFailed } from '../common/app-error';
import { nowTimestamp, todayDate } from '../common/dates';
import { requireId } from '../common/id-field';
import { Page } from '../common/pagination';
import { ReadSnapshot } from '../database/read-snapshot';
import { Transactions } from '../database/transactions';
import { Organisation } from '../organisations/organisation.entity';
import type { User } from '../users/user.entity';
import { BoardMovementService } from './board-movement.service';
import type { BoardCover } from './board-cover';
import { renderBoardReportHtml } from './board-report.html';
import { writeBoardReportPdf } from './board-report.pdf';
import { writeBoardReportXlsx } from './board-report.xlsx';
import { CqcReturnService } from './cqc-return.service';
import { collect } from './download';
import {
  ISSUED_FORMATS_OF,
  IssuedReportDto,
  IssueReportDto,
  ListIssuedReportsQueryDto,
  toIssuedReportDto,
} from './dto/issued-report.dto';
import { CONTENT_TYPES } from './flat-export.service';
import { IssuedFormat, IssuedKind, IssuedReport } from './issued-report.entity';

const KIND_NAMES: Record<IssuedKind, string> = {
  board: 'board report',
  'cqc-return': 'CQC action plan return',
};

const FILE_CONTENT_TYPES: Record<IssuedFormat, string> = {
  pdf: 'application/pdf',
  xlsx: CONTENT_TYPES.xlsx,
  html: 'text/html; charset=utf-8',
};

interface BuiltFile {
  content: Buffer;
  fileName: string;
}

const organisationNotFound = (id: number) =>
  new AppError('ORGANISATION_NOT_FOUND', `No organisation ${id}`);
const issuedNotFound = (id: number) =>
  new AppError('ISSUED_REPORT_NOT_FOUND', `No issued report ${id}`);

/**
 * Issuing a report: building it once, keeping the file exactly as built with its SHA-256,
 * and recording who issued it, when and to which meeting. What was sent to the board or to
 * CQC can then be produced again byte for byte, whatever has changed since. There is no
 * update or delete: an issued report is part of the record.
 */
@Injectable()
export class IssuedReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly boardReports: BoardMovementService,
    private readonly cqcReturns: CqcReturnService,
    private readonly audit: AuditService,
  ) {}

  async issue(dto: IssueReportDto, user: User): Promise<IssuedReportDto> {
    const today = todayDate();
    const asOf = dto.asOf ?? today;
    if (asOf > today)
      throw validationFailed('asOf', `must not be in the future (today is ${today})`);
    const formats = ISSUED_FORMATS_OF[dto.kind];
    const format = dto.format ?? formats[0];
    if (!formats.includes(format))
      throw validationFailed(
        'format',
        `a ${KIND_NAMES[dto.kind]} is issued as ${formats.join(', ')}, not ${format}`,
      );
    if (dto.sinceAsOf !== undefined && dto.kind !== 'board')
      throw validationFailed('sinceAsOf', 'only a board report compares with an earlier date');
    if (dto.cover !== undefined && dto.kind !== 'board')
      throw validationFailed('cover', 'only a board report has a cover sheet');
    if (dto.signOff !== undefined && dto.kind !== 'cqc-return')
      throw validationFailed('signOff', 'only a CQC return has a sign-off block');
    // Issuing needs the route's role in this trust, not just somewhere.
    TrustAccess.requireWritable(dto.organisationId, () => organisationNotFound(dto.organisationId));
    const filters = {
      coreServiceId: dto.coreServiceId,
      executiveLeadId: dto.executiveLeadId,
      sinceAsOf: dto.sinceAsOf,
    };
    const file = await this.transactions.snapshot(() =>
      this.build(dto.kind, format, {
        organisationId: dto.organisationId,
        asOf,
        ...filters,
        // The paper the board reads carries its cover sheet; its meeting is the one issued to.
        cover: { ...dto.cover, meeting: dto.cover?.meeting ?? dto.meeting },
        ...dto.signOff,
      }),
    );
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const saved = await this.transactions.run(async (manager) => {
      const row = await manager.save(
        manager.create(IssuedReport, {
          organisationId: dto.organisationId,
          kind: dto.kind,
          format,
          asOf,
          meeting: dto.meeting,
          filters: JSON.stringify(filters),
          fileName: file.fileName,
          contentType: FILE_CONTENT_TYPES[format],
          size: file.content.length,
          sha256,
          content: file.content,
          issuedById: user.id,
          issuedAt: nowTimestamp(),
        }),
      );
      const { content: _content, ...record } = row;
      await this.audit.record(manager, {
        action: 'create',
        entity: 'issued_report',
        entityId: row.id,
        after: record,
        summary: `Issued the ${KIND_NAMES[dto.kind]} as at ${asOf} (${format}) for ${dto.meeting}`,
        organisationId: dto.organisationId,
      });
      return record;
    });
    return toIssuedReportDto(saved, user.name);
  }

  /** A trust's issued reports, newest first, without their files. */
  async list(query: ListIssuedReportsQueryDto): Promise<Page<IssuedReportDto>> {
    const organisationId = requireId(query.organisationId, 'organisationId');
    TrustAccess.requireReadable(organisationId, () => organisationNotFound(organisationId));
    const manager = ReadSnapshot.manager(this.dataSource);
    if (!(await manager.getRepository(Organisation).existsBy({ id: organisationId })))
      throw organisationNotFound(organisationId);
    const builder = manager
      .getRepository(IssuedReport)
      .createQueryBuilder('r')
      .leftJoin('r.issuedBy', 'u')
      // Every column but the file: a list must not read megabytes of PDFs.
      .select([
        'r.id',
        'r.organisationId',
        'r.kind',
        'r.format',
        'r.asOf',
        'r.meeting',
        'r.filters',
        'r.fileName',
        'r.contentType',
        'r.size',
        'r.sha256',
        'r.issuedById',
        'r.issuedAt',
        'u.id',
        'u.name',
      ])
      .where('r.organisationId = :organisationId', { organisationId })
      .orderBy('r.issuedAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.kind) builder.andWhere('r.kind = :kind', { kind: query.kind });
    const [rows, total] = await builder.getManyAndCount();
    return {
      items: rows.map((row) => toIssuedReportDto(row, row.issuedBy?.name ?? null)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  /** The file as issued; another trust's answers as not found. */
  async file(id: number): Promise<IssuedReport> {
    const row = await this.dataSource
      .getRepository(IssuedReport)
      .findOneBy({ id: requireId(id, 'id') });
    if (!row || !TrustAccess.canRead(row.organisationId)) throw issuedNotFound(id);
    return row;
  }

  private async build(
    kind: IssuedKind,
    format: IssuedFormat,
    options: {
      organisationId: number;
      asOf: string;
      coreServiceId?: number;
      executiveLeadId?: number;
      sinceAsOf?: string;
      cover?: BoardCover;
      signOffName?: string;
      signOffRole?: string;
      signOffDate?: string;
    },
  ): Promise<BuiltFile> {
    if (kind === 'cqc-return') {
      const { sinceAsOf: _since, cover: _cover, ...returnOptions } = options;
      const content = await collect((out) =>
        format === 'pdf'
          ? this.cqcReturns.pdfTo(out, returnOptions)
          : this.cqcReturns.xlsxTo(out, returnOptions),
      );
      return { content, fileName: `cqc-action-plan-${options.asOf}.${format}` };
    }
    const { signOffName: _name, signOffRole: _role, signOffDate: _date, ...boardOptions } = options;
    const report = await this.boardReports.build(boardOptions);
    const content =
      format === 'html'
        ? Buffer.from(renderBoardReportHtml(report), 'utf8')
        : await collect((out) =>
            format === 'pdf' ? writeBoardReportPdf(report, out) : writeBoardReportXlsx(report, out),
          );
    return { content, fileName: `board-report-${options.asOf}.${format}` };
  }
}
