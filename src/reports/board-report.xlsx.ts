import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { neutraliseCell } from '../common/spreadsheet-safe';
import { Brag } from '../delivery/brag';
import { BRAG_ORDER, DELIVERY_STATUS_ORDER, labelOf, ukDate } from '../common/words';
import { coverRows, markingOf } from './board-cover';
import { filtersLine, generatedLine, isoToWords, paperTitle, summaryOf } from './board-paper';
import type { BoardReport } from './board-report.service';
import { movementSection } from './board-movement.sections';
import { BRAG_FILLS } from './export-columns';
import { daysLeftText } from '../findings/finding-dates';
import { layOutWorkbook } from './xlsx-layout';

type Cell = string | number | Date | null | undefined;

function table(sheet: ExcelJS.Worksheet, title: string, header: string[], rows: Cell[][]): void {
  sheet.addRow([]);
  sheet.addRow([title]).font = { bold: true, size: 12 };
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.eachCell((cell) => {
    const brag: Brag | undefined = BRAG_ORDER.find((b) => labelOf(b) === cell.value);
    if (brag && BRAG_FILLS[brag]) {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: BRAG_FILLS[brag] } };
      cell.font = { bold: true, color: { argb: brag === 'AMBER' ? 'FF212B32' : 'FFFFFFFF' } };
    }
  });
  for (const row of rows)
    sheet.addRow(row.map((value) => neutraliseCell(value) as ExcelJS.CellValue));
}

const date = (iso: string | null | undefined) =>
  iso ? new Date(`${iso.slice(0, 10)}T00:00:00.000Z`) : null;

/**
 * The board report as a workbook: the same sections as the HTML page, one sheet for the
 * summary and breakdowns and one each for readiness, exceptions and recent assurances. The
 * first rows of the first sheet state the trust, the date and the filters.
 */
export async function writeBoardReportXlsx(report: BoardReport, out: Writable): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const cover = workbook.addWorksheet('Cover sheet');
  cover.columns = [{ width: 28 }, { width: 90 }];
  cover.addRow([markingOf(report.cover)]).font = { bold: true };
  cover.addRow([`${report.organisation.name}: ${paperTitle(report)}`]).font = {
    bold: true,
    size: 14,
  };
  cover.addRow([generatedLine(report)]);
  cover.addRow([filtersLine(report)]);
  table(
    cover,
    'Cover sheet',
    ['Item', 'Detail'],
    coverRows(report.cover, report.organisation.name),
  );
  cover.addRow([]);
  cover.addRow(['Executive summary']).font = { bold: true, size: 12 };
  for (const sentence of summaryOf(report)) cover.addRow([sentence]);
  cover.headerFooter.oddHeader = `&C${markingOf(report.cover)}`;

  const summary = workbook.addWorksheet('Summary');
  summary.columns = [
    { width: 60 },
    { width: 10 },
    { width: 10 },
    { width: 10 },
    { width: 10 },
    { width: 10 },
  ];
  summary.addRow([`${report.organisation.name}: ${paperTitle(report)}`]).font = {
    bold: true,
    size: 14,
  };
  summary.addRow([`As at ${ukDate(report.asOf)}`]);
  summary.addRow([filtersLine(report)]);
  // Warning notices first: the most urgent thing a trust holds. One row per failing.
  table(
    summary,
    'Warning notices',
    ['Warning notice', 'Core service', 'Failing', 'Deadline', 'Days left', 'Actions completed'],
    report.warningNotices.length
      ? report.warningNotices.flatMap((n) =>
          n.failings.map((f) => [
            `${n.reference ?? ''} ${n.text}`.trim(),
            n.coreServiceName ?? 'Trust-wide',
            f.text,
            date(f.deadline),
            daysLeftText(f.daysLeft),
            n.actions === 0 ? 'No action' : `${n.actions - n.openActions} of ${n.actions}`,
          ]),
        )
      : [['None']],
  );
  if (report.actionPlansDue.length) {
    table(
      summary,
      'Action plans due to CQC',
      ['Report', 'Published', 'Action plan due', 'Days left', 'MUST findings'],
      report.actionPlansDue.map((p) => [
        isoToWords(p.inspection),
        date(p.publishedOn),
        date(p.dueDate),
        daysLeftText(p.daysLeft),
        p.mustFindings,
      ]),
    );
  }
  table(
    summary,
    'Actions by delivery status',
    ['Delivery status', 'Actions'],
    DELIVERY_STATUS_ORDER.map((status) => [labelOf(status), report.byDeliveryStatus[status]]),
  );
  table(
    summary,
    'Actions by BRAG',
    [...BRAG_ORDER.map((b) => labelOf(b)), 'Total'],
    [
      [
        ...BRAG_ORDER.map((b) => report.byBrag[b]),
        Object.values(report.byBrag).reduce((s, n) => s + n, 0),
      ],
    ],
  );
  const movement = movementSection(report.movement);
  if (movement) {
    summary.addRow([]);
    summary.addRow([movement.title]).font = { bold: true, size: 12 };
    summary.addRow([movement.intro]);
    for (const t of movement.tables)
      table(summary, t.title, t.header, t.rows.length ? t.rows : [[t.empty]]);
  }
  for (const breakdown of report.breakdowns) {
    table(
      summary,
      breakdown.title,
      ['', ...BRAG_ORDER.map((b) => labelOf(b)), 'Total'],
      breakdown.rows.map((r) => [r.label, ...BRAG_ORDER.map((b) => r.counts[b]), r.total]),
    );
    if (breakdown.note) summary.addRow([breakdown.note]);
  }

  const readiness = workbook.addWorksheet('Readiness');
  readiness.columns = [
    { width: 50 },
    { width: 14 },
    { width: 10 },
    { width: 12 },
    { width: 12 },
    { width: 14 },
    { width: 80 },
  ];
  table(
    readiness,
    'Readiness for reinspection',
    [
      'Core service',
      'Reinspection',
      'Days',
      'Findings without an action',
      'MUST assured %',
      'Verdict',
      'Reasons',
    ],
    report.readiness.map((s) => [
      s.name,
      s.reinspectionDate ? date(s.reinspectionDate) : 'No date set',
      s.daysToReinspection,
      s.uncoveredFindings,
      s.mustActionsAssuredPercent,
      labelOf(s.verdict),
      s.reasons.join('; '),
    ]),
  );

  const exceptions = workbook.addWorksheet('Exceptions');
  exceptions.columns = [
    { width: 12 },
    { width: 50 },
    { width: 20 },
    { width: 20 },
    { width: 12 },
    { width: 10 },
    { width: 26 },
    { width: 50 },
    { width: 12 },
    { width: 50 },
  ];
  table(
    exceptions,
    'Off track and at risk',
    [
      'Ref',
      'Action',
      'Owner',
      'Executive lead',
      'Due',
      'BRAG',
      'Why',
      'Latest update',
      'Original due',
      'Why the date slipped',
    ],
    report.exceptions.map((e) => [
      e.action.reference,
      e.action.title,
      e.action.owner?.name,
      e.action.executiveLead?.name,
      date(e.action.dueDate),
      labelOf(e.action.brag),
      labelOf(e.action.deliveryReason),
      e.latestNote,
      e.slipReason ? date(e.action.originalDueDate) : null,
      e.slipReason,
    ]),
  );

  const assured = workbook.addWorksheet('Recently assured');
  assured.columns = [{ width: 12 }, { width: 60 }, { width: 14 }, { width: 22 }];
  table(
    assured,
    'Assured in the last 30 days',
    ['Ref', 'Action', 'Assured on', 'By'],
    report.recentlyAssured.map((r) => [
      r.action.reference,
      r.action.title,
      date(r.assuredAt),
      r.action.assuredBy?.name,
    ]),
  );

  for (const sheet of [cover, summary, readiness, exceptions, assured]) {
    // "1 December 2026", as every other format writes dates.
    sheet.eachRow((row) =>
      row.eachCell((cell) =>
        cell.value instanceof Date ? (cell.numFmt = 'd mmmm yyyy') : undefined,
      ),
    );
    sheet.headerFooter.oddHeader = `&C${markingOf(report.cover)}`;
  }
  layOutWorkbook(workbook); // print setup, sized wrapped rows, quote-prefix (xlsx-layout.ts)
  await workbook.xlsx.write(out);
}
