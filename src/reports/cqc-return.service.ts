import { organisationNameAsAt } from '../history/records-as-at';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { requireId } from '../common/id-field';
import { TrustAccess } from '../auth/trust-access';
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ActionDto, ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { ActionsService } from '../actions/actions.service';
import { ReadSnapshot } from '../database/read-snapshot';
import { AppError } from '../common/app-error';
import { endOfDay, todayDate, londonDateOf } from '../common/dates';
import { neutraliseCell } from '../common/spreadsheet-safe';
import { findRegulation } from '../cqc/regulations';
import { coreServiceNamesAsAt, findingsAsAt } from '../history/records-as-at';
import { Organisation } from '../organisations/organisation.entity';
import { BRAG_FILLS } from './export-columns';
import { finishPdf, heading, newPdf, table, titleBlock } from './pdf-layout';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { DEFAULT_ACTION_PLAN_DAYS, daysLeftText } from '../findings/finding-dates';
import { readUrgentSection } from './warning-notices-section';
import { checkReportFilters } from './report-filters';
import { layOutWorkbook } from './xlsx-layout';

export interface CqcReturnOptions {
  organisationId: number;
  asOf?: string;
  coreServiceId?: number;
  executiveLeadId?: number;
}

/** One failing of a warning notice with one action addressing it (or none yet). */
interface NoticeRow {
  reference: string;
  coreService: string;
  notice: string;
  failing: string;
  deadline: string;
  daysLeft: string;
  action: ActionDto | null;
  completedOn: string | null;
}

const NOTICE_COLUMNS = [
  { header: 'Ref', width: 8 },
  { header: 'Core service', width: 30 },
  { header: 'Warning notice', width: 40 },
  { header: 'Failing', width: 50 },
  { header: 'Deadline', width: 12 },
  { header: 'Days left', width: 16 },
  { header: 'Action ref', width: 12 },
  { header: 'Action', width: 50 },
  { header: 'Responsible', width: 20 },
  { header: 'Executive lead', width: 20 },
  { header: 'Due date', width: 12 },
  { header: 'Completed on', width: 12 },
  { header: 'Status', width: 14 },
];

interface ReturnRow {
  regulation: string;
  regulationTitle: string;
  coreService: string;
  findingReference: string;
  finding: string;
  action: ActionDto | null;
  completedOn: string | null;
}

const COLUMNS = [
  { header: 'Regulation', width: 14 },
  { header: 'Regulation title', width: 26 },
  { header: 'Core service', width: 34 },
  { header: 'Ref', width: 8 },
  { header: 'What is not being met', width: 60 },
  { header: 'Action ref', width: 12 },
  { header: 'Action', width: 50 },
  { header: 'Responsible', width: 20 },
  { header: 'Executive lead', width: 20 },
  { header: 'Due date', width: 12 },
  { header: 'Completed on', width: 12 },
  { header: 'Status', width: 14 },
  { header: 'BRAG', width: 8 },
];

/**
 * The CQC action-plan return: for the trust's requirement notices, each MUST finding grouped
 * by the regulation it breaches, what is not being met, the actions, who is responsible, their
 * dates and status, as at a date. Its first rows state the trust, date and filters.
 */
@Injectable()
export class CqcReturnService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: ActionsService,
    @Optional()
    @Inject(APP_CONFIG)
    private readonly config: Pick<AppConfig, 'cqcActionPlanDays'> = {
      cqcActionPlanDays: DEFAULT_ACTION_PLAN_DAYS,
    },
  ) {}

  async xlsxTo(out: Writable, options: CqcReturnOptions): Promise<number> {
    const { asOf, organisation, rows, notices } = await this.prepare(options);

    const workbook = new ExcelJS.Workbook();
    // Warning notices first, on a sheet of their own: the most urgent thing CQC has asked for.
    const noticeSheet = workbook.addWorksheet('Warning notices');
    noticeSheet.columns = NOTICE_COLUMNS.map((c) => ({ key: c.header, width: c.width }));
    noticeSheet.addRow([`${organisation.name}: warning notices (Section 29A / 29)`]).font = {
      bold: true,
      size: 14,
    };
    noticeSheet.addRow([`As at ${asOf}`]);
    noticeSheet.addRow([]);
    noticeSheet.addRow(NOTICE_COLUMNS.map((c) => c.header)).font = { bold: true };
    const day = (iso: string | null | undefined) => (iso ? new Date(`${iso}T00:00:00.000Z`) : null);
    for (const row of notices) {
      const a = row.action;
      const added = noticeSheet.addRow(
        [
          row.reference,
          row.coreService,
          row.notice,
          row.failing,
          day(row.deadline),
          row.daysLeft,
          a?.reference ?? '',
          a?.title ?? 'No action yet',
          a?.owner?.name ?? '',
          a?.executiveLead?.name ?? '',
          day(a?.dueDate),
          day(row.completedOn),
          a?.deliveryStatus ?? 'NO ACTION',
        ].map(neutraliseCell),
      );
      for (const column of [5, 11, 12]) added.getCell(column).numFmt = 'dd/mm/yyyy';
    }
    if (!notices.length) noticeSheet.addRow(['None']);
    const sheet = workbook.addWorksheet('CQC action plan');
    sheet.columns = COLUMNS.map((c) => ({ key: c.header, width: c.width }));
    sheet.addRow([`${organisation.name}: CQC action plan (requirement notices)`]).font = {
      bold: true,
      size: 14,
    };
    sheet.addRow([`As at ${asOf}`]);
    const filters = filtersOf(options);
    sheet.addRow([`Filters: ${filters.length ? filters.join(', ') : 'none'}`]);
    sheet.addRow([]);
    const header = sheet.addRow(COLUMNS.map((c) => c.header));
    header.font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 5 }];
    sheet.autoFilter = { from: { row: 5, column: 1 }, to: { row: 5, column: COLUMNS.length } };
    for (const row of rows) {
      const a = row.action;
      const added = sheet.addRow(
        [
          row.regulation,
          row.regulationTitle,
          row.coreService,
          row.findingReference,
          row.finding,
          a?.reference ?? '',
          a?.title ?? 'No action yet',
          a?.owner?.name ?? '',
          a?.executiveLead?.name ?? '',
          a ? new Date(`${a.dueDate}T00:00:00.000Z`) : null,
          row.completedOn ? new Date(`${row.completedOn}T00:00:00.000Z`) : null,
          a?.deliveryStatus ?? 'NO ACTION',
          a?.brag ?? '',
        ].map(neutraliseCell),
      );
      added.getCell(10).numFmt = 'dd/mm/yyyy';
      added.getCell(11).numFmt = 'dd/mm/yyyy';
      added.getCell(5).alignment = { wrapText: true, vertical: 'top' };
      if (a?.brag) {
        added.getCell(13).fill = {
          type: 'pattern',
          pattern: 'solid',
          fgColor: { argb: BRAG_FILLS[a.brag] },
        };
      }
    }
    layOutWorkbook(workbook); // print setup, sized wrapped rows, quote-prefix (xlsx-layout.ts)
    await workbook.xlsx.write(out);
    return rows.length;
  }

  /** The same return as an A4 PDF, grouped under a heading per regulation. */
  async pdfTo(out: Writable, options: CqcReturnOptions): Promise<number> {
    const { asOf, organisation, rows, notices } = await this.prepare(options);
    const { doc, width, done } = newPdf(out, `${organisation.name}: CQC action plan ${asOf}`);
    const filters = filtersOf(options);
    titleBlock(
      doc,
      organisation.name,
      `CQC action plan (requirement notices) as at ${asOf}`,
      filters,
    );
    heading(doc, 'Warning notices');
    table(
      doc,
      ['Ref', 'Failing', 'Deadline', 'Days left', 'Action', 'Responsible / lead', 'Status'],
      notices.length
        ? notices.map((r) => [
            r.reference,
            r.failing,
            r.deadline,
            r.daysLeft,
            r.action ? `${r.action.reference ?? ''} ${r.action.title}` : 'No action yet',
            r.action ? `${r.action.owner?.name ?? ''} / ${r.action.executiveLead?.name ?? ''}` : '',
            r.action?.deliveryStatus ?? 'NO ACTION',
          ])
        : [['None', '', '', '', '', '', '']],
      [40, 120, 50, 60, 110, 70, width - 450],
    );
    const groups = new Map<string, ReturnRow[]>();
    for (const row of rows)
      groups.set(row.regulation, [...(groups.get(row.regulation) ?? []), row]);
    for (const [regulation, group] of groups) {
      heading(
        doc,
        regulation === 'None cited'
          ? 'No regulation cited'
          : `Regulation ${regulation}: ${group[0].regulationTitle}`,
      );
      table(
        doc,
        [
          'Core service',
          'Ref',
          'What is not being met',
          'Action',
          'Responsible / lead',
          'Due',
          'Completed',
          'Status',
        ],
        group.map((r) => [
          r.coreService,
          r.findingReference,
          r.finding,
          r.action ? `${r.action.reference ?? ''} ${r.action.title}` : 'No action yet',
          r.action ? `${r.action.owner?.name ?? ''} / ${r.action.executiveLead?.name ?? ''}` : '',
          r.action?.dueDate ?? '',
          r.completedOn ?? '',
          r.action
            ? `${r.action.deliveryStatus}${r.action.brag ? ` (${r.action.brag})` : ''}`
            : 'NO ACTION',
        ]),
        [62, 28, 120, 95, 62, 44, 44, width - 455],
      );
    }
    await finishPdf(doc, `${organisation.name} · CQC action plan as at ${asOf}`, width, done);
    return rows.length;
  }

  /** The date, the trust (404 if unknown) and the rows, for either format. */
  private async prepare(options: CqcReturnOptions): Promise<{
    asOf: string;
    organisation: Organisation;
    rows: ReturnRow[];
    notices: NoticeRow[];
  }> {
    const asOf = options.asOf ?? todayDate();
    const organisation = await ReadSnapshot.manager(this.dataSource)
      .getRepository(Organisation)
      .findOneBy({ id: requireId(options.organisationId, 'organisationId') });
    // Another trust reads as no organisation at all.
    if (!organisation || !TrustAccess.canRead(organisation.id))
      throw new AppError('ORGANISATION_NOT_FOUND', `No organisation ${options.organisationId}`);
    await checkReportFilters(ReadSnapshot.manager(this.dataSource), organisation.id, options);
    const { rows, notices } = await this.rows(options, asOf);
    // The trust's name as it was on the day (history/): a renamed trust's past returns keep theirs.
    const name = await organisationNameAsAt(this.dataSource, organisation, asOf);
    return { asOf, organisation: { ...organisation, name }, rows, notices };
  }

  /**
   * One row per (regulation, MUST finding, action); a finding with no action gets one row
   * saying so. Warning notices likewise, one row per (failing, action), soonest deadline first.
   */
  async rows(
    options: CqcReturnOptions,
    asOf: string,
  ): Promise<{ rows: ReturnRow[]; notices: NoticeRow[] }> {
    // Findings and service names as they were at the end of the as-at day (history/).
    const findings = await findingsAsAt(this.dataSource, options.organisationId, asOf, {
      types: ['MUST'],
      coreServiceId: options.coreServiceId,
    });
    const services = await coreServiceNamesAsAt(this.dataSource, options.organisationId, asOf);
    const actions: ActionDto[] = [];
    const query = {
      organisationId: options.organisationId,
      executiveLeadId: options.executiveLeadId,
      asOf,
    } as ListActionsQueryDto;
    for (let afterId = 0; ;) {
      const batch = await this.actions.batchAfter(query, asOf, afterId, 500);
      actions.push(...batch);
      if (batch.length < 500) break;
      afterId = batch[batch.length - 1].id;
    }
    const completions = await this.completionDates(
      actions.map((a) => a.id),
      asOf,
    );

    const rows: ReturnRow[] = [];
    for (const finding of findings) {
      const citations = finding.regulations.length ? finding.regulations : [null];
      const linked = actions.filter(
        (a) => a.findingIds.includes(finding.id) && a.status !== 'CANCELLED',
      );
      if (options.executiveLeadId && !linked.length) continue;
      for (const citation of citations) {
        const regulation = citation
          ? `${citation.number}${citation.paragraph ?? ''}`
          : 'None cited';
        const regulationTitle = citation
          ? (findRegulation(citation.instrument, citation.number)?.title ?? '')
          : '';
        for (const action of linked.length ? linked : [null]) {
          rows.push({
            regulation,
            regulationTitle:
              citation?.instrument === 2010 ? `${regulationTitle} (2010)` : regulationTitle,
            coreService: finding.coreServiceId
              ? (services.get(finding.coreServiceId) ?? '')
              : 'Trust-wide',
            findingReference: finding.reference ?? '',
            finding: finding.text,
            action,
            completedOn: action ? (completions.get(action.id) ?? null) : null,
          });
        }
      }
    }
    const { warningNotices } = await readUrgentSection(
      new ActionFactsRepository(this.dataSource),
      options.organisationId,
      asOf,
      this.config.cqcActionPlanDays,
      options.coreServiceId,
    );
    const notices: NoticeRow[] = [];
    for (const notice of warningNotices) {
      const linked = actions.filter(
        (a) => a.findingIds.includes(notice.findingId) && a.status !== 'CANCELLED',
      );
      if (options.executiveLeadId && !linked.length) continue;
      for (const failing of notice.failings) {
        for (const action of linked.length ? linked : [null]) {
          notices.push({
            reference: notice.reference ?? '',
            coreService: notice.coreServiceName ?? 'Trust-wide',
            notice: notice.text,
            failing: failing.text,
            deadline: failing.deadline,
            daysLeft: daysLeftText(failing.daysLeft),
            action,
            completedOn: action ? (completions.get(action.id) ?? null) : null,
          });
        }
      }
    }
    notices.sort((a, b) => a.deadline.localeCompare(b.deadline));
    const regulationOrder = (r: string) => (r === 'None cited' ? 999 : parseInt(r, 10));
    rows.sort(
      (a, b) =>
        regulationOrder(a.regulation) - regulationOrder(b.regulation) ||
        a.regulation.localeCompare(b.regulation) ||
        a.findingReference.localeCompare(b.findingReference, 'en', { numeric: true }) ||
        (a.action?.id ?? 0) - (b.action?.id ?? 0),
    );
    return { rows, notices };
  }

  /** When each action was (last) completed, as at the date, from its history. */
  private async completionDates(actionIds: number[], asOf: string): Promise<Map<number, string>> {
    const dates = new Map<number, string>();
    for (let i = 0; i < actionIds.length; i += 500) {
      const ids = actionIds.slice(i, i + 500);
      if (!ids.length) break;
      const rows: { action_id: number; completed_at: string }[] = await ReadSnapshot.manager(
        this.dataSource,
      )
        .createQueryBuilder()
        .select(['pu.action_id AS action_id', 'MAX(pu.created_at) AS completed_at'])
        .from('progress_update', 'pu')
        .where('pu.action_id IN (:...ids)', { ids })
        .andWhere("pu.status_to = 'COMPLETED'")
        .andWhere('pu.created_at <= :end', { end: endOfDay(asOf) })
        .groupBy('pu.action_id')
        .getRawMany();
      for (const row of rows)
        dates.set(Number(row.action_id), londonDateOf(String(row.completed_at)));
    }
    return dates;
  }
}

/** The filters a return was run with, in words, for its first lines. */
function filtersOf(options: CqcReturnOptions): string[] {
  return [
    options.coreServiceId ? `core service ${options.coreServiceId}` : null,
    options.executiveLeadId ? `executive lead ${options.executiveLeadId}` : null,
  ].filter((f): f is string => !!f);
}
