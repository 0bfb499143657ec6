import { londonDateOf } from '../common/dates';
import type { Writable } from 'node:stream';
import { figure, finishPdf, heading, newPdf, table, titleBlock } from './pdf-layout';
import { BRAG_COLOURS } from '../delivery/brag';
import type { BoardReport } from './board-report.service';
import { movementSection } from './board-movement.sections';
import { bragByServiceCharts, openOverTimeAlt, openOverTimeChart } from './charts';
import {
  ACTION_PLAN_HEADER,
  actionPlanRows,
  WARNING_NOTICE_HEADER,
  warningNoticeRows,
} from './warning-notices-section';

/**
 * The board report as an A4 board paper: title, date and filters first, then the same
 * sections as the HTML page, the two charts, and "Page N of M" on every page.
 */
export async function writeBoardReportPdf(report: BoardReport, out: Writable): Promise<void> {
  const { doc, width, done } = newPdf(
    out,
    `${report.organisation.name}: board report ${report.asOf}`,
  );
  titleBlock(
    doc,
    report.organisation.name,
    `CQC action plan: board report as at ${report.asOf}`,
    report.filters,
  );
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#4c6272')
    .text('Cancelled actions are left out of the counts.')
    .fillColor('#212b32');

  heading(doc, 'Warning notices');
  table(
    doc,
    WARNING_NOTICE_HEADER,
    report.warningNotices.length
      ? warningNoticeRows(report.warningNotices)
      : [['None', '', '', '', '', '']],
    [110, 70, width - 400, 60, 70, 90],
  );
  if (report.actionPlansDue.length) {
    heading(doc, 'Action plans due to CQC');
    table(doc, ACTION_PLAN_HEADER, actionPlanRows(report.actionPlansDue), [
      width - 330,
      70,
      90,
      90,
      80,
    ]);
  }

  heading(doc, 'Summary');
  table(
    doc,
    ['Delivery status', 'Actions'],
    Object.entries(report.byDeliveryStatus).map(([s, n]) => [s, String(n)]),
    [width - 80, 80],
  );
  const total = Object.values(report.byBrag).reduce((s, n) => s + n, 0);
  table(
    doc,
    [...BRAG_COLOURS, 'Total'],
    [[...BRAG_COLOURS.map((b) => String(report.byBrag[b])), String(total)]],
    Array.from({ length: 5 }, () => width / 5),
  );

  const movement = movementSection(report.movement);
  if (movement) {
    heading(doc, movement.title);
    doc.font('Helvetica').fontSize(9).text(movement.intro);
    for (const t of movement.tables) {
      doc.font('Helvetica-Bold').fontSize(9).text(t.title).font('Helvetica');
      // Short columns (counts, dates) 58pt; a closing "Why" shares the rest with the action.
      const short = t.header.slice(1).map((h): number => (h === 'Why' ? 0 : 58));
      const rest = width - short.reduce((sum, w) => sum + w, 0);
      const why = short.includes(0) ? rest / 2 : 0;
      table(
        doc,
        t.header,
        t.rows.length ? t.rows : [[t.empty, ...t.header.slice(1).map(() => '')]],
        [rest - why, ...short.map((w) => w || why)],
      );
    }
  }

  for (const breakdown of report.breakdowns) {
    heading(doc, breakdown.title);
    table(
      doc,
      ['', ...BRAG_COLOURS, 'Total'],
      breakdown.rows.map((r) => [
        r.label,
        ...BRAG_COLOURS.map((b) => String(r.counts[b])),
        String(r.total),
      ]),
      [width - 250, 42, 42, 42, 42, 82],
    );
  }

  heading(doc, 'Readiness for reinspection');
  table(
    doc,
    ['Core service', 'Reinspection', 'Days', 'Uncovered', 'MUST assured', 'Verdict', 'Reasons'],
    report.readiness
      .filter((s) => s.reinspectionDate)
      .map((s) => [
        s.name,
        `${s.reinspectionDate}${s.reinspectionConfirmed ? '' : ' (expected)'}`,
        String(s.daysToReinspection),
        String(s.uncoveredFindings),
        s.mustActionsAssuredPercent === null ? '-' : `${s.mustActionsAssuredPercent}%`,
        s.verdict,
        s.reasons.join('; '),
      ]),
    [110, 62, 30, 50, 50, 60, width - 362],
  );

  heading(doc, 'Exceptions: off track and at risk');
  table(
    doc,
    ['Action', 'Owner / lead', 'Due', 'Status', 'Latest update', 'Date slipped'],
    report.exceptions.map((e) => [
      `${e.action.reference ?? ''} ${e.action.title}`,
      `${e.action.owner?.name ?? ''} / ${e.action.executiveLead?.name ?? ''}`,
      e.action.dueDate,
      `${e.action.brag ?? ''} ${e.action.deliveryReason}`,
      `${e.latestNote ?? ''}${e.latestNoteAt ? ` (${londonDateOf(e.latestNoteAt)})` : ''}`,
      e.slipReason ? `from ${e.action.originalDueDate}: ${e.slipReason}` : '',
    ]),
    [110, 75, 52, 75, 90, width - 402],
  );

  heading(doc, 'Assured in the last 30 days');
  table(
    doc,
    ['Action', 'Assured on', 'By'],
    report.recentlyAssured.length
      ? report.recentlyAssured.map((r) => [
          `${r.action.reference ?? ''} ${r.action.title}`,
          londonDateOf(r.assuredAt),
          r.action.assuredBy?.name ?? '',
        ])
      : [['None', '', '']],
    [width - 170, 70, 100],
  );

  // Each chart as tall as its own drawing, the next below it (on a new page if it does not
  // fit); the BRAG chart in parts of at most 16 services, so bars and labels stay readable.
  const services = report.breakdowns.find((b) => b.title === 'By core service')?.rows ?? [];
  heading(doc, 'Charts');
  for (const part of bragByServiceCharts(services)) figure(doc, part.svg, part.alt);
  figure(
    doc,
    openOverTimeChart(report.openOverTime, report.nextReinspection),
    openOverTimeAlt(report.openOverTime, report.nextReinspection),
  );

  await finishPdf(
    doc,
    `${report.organisation.name} · board report as at ${report.asOf}`,
    width,
    done,
  );
}
