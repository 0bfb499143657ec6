import type { Writable } from 'node:stream';
import { figure, finishPdf, heading, newPdf, paragraph, table, titleBlock } from './pdf-layout';
import { BRAG_ORDER } from '../common/words';
import type { BoardReport } from './board-report.service';
import { movementSection } from './board-movement.sections';
import { bragByServiceCharts, openOverTimeAlt, openOverTimeChart } from './charts';
import { ACTION_PLAN_HEADER, WARNING_NOTICE_HEADER } from './warning-notices-section';
import { coverRows, markingOf } from './board-cover';
import {
  actionPlanRowsInWords,
  ASSURED_HEADER,
  assuredRows,
  BRAG_HEADER,
  cappedNote,
  EXCEPTION_HEADER,
  exceptionRows,
  generatedLine,
  MAIN_PART_ROWS,
  paperTitle,
  READINESS_HEADER,
  readinessRows,
  briefRows,
  REASONS_IN_MAIN_PART,
  statusRows,
  summaryOf,
  warningRowsInWords,
} from './board-paper';

/**
 * The board paper as an A4 PDF: a cover sheet, a one-page executive summary with the worst
 * exceptions, the detail, the two charts, then an appendix with every list in full, so the
 * main part stays short whatever the number of actions. The protective marking is on every page.
 */
/**
 * Rows of each movement list and of recent assurances in the main part: the board reads the
 * exceptions in full detail; what moved and what was assured it reads as a sample, with every
 * row in the appendix, so the main part stays under 10 pages with movement shown.
 */
const MOVEMENT_ROWS = 5;

export async function writeBoardReportPdf(report: BoardReport, out: Writable): Promise<void> {
  const { doc, width, done } = newPdf(out, `${report.organisation.name}: ${paperTitle(report)}`, {
    marking: markingOf(report.cover),
  });
  titleBlock(doc, report.organisation.name, paperTitle(report), report.filters);
  paragraph(doc, generatedLine(report), { colour: '#4c6272' });
  heading(doc, 'Cover sheet');
  table(doc, ['Item', 'Detail'], coverRows(report.cover, report.organisation.name), [
    150,
    width - 150,
  ]);

  doc.addPage();
  heading(doc, 'Executive summary');
  for (const sentence of summaryOf(report)) {
    paragraph(doc, sentence);
    doc.moveDown(0.3);
  }
  paragraph(doc, 'Cancelled actions are left out of the counts.', { colour: '#4c6272' });
  heading(doc, 'Exceptions: the worst off track and at risk');
  table(
    doc,
    EXCEPTION_HEADER,
    report.exceptions.length
      ? briefRows(exceptionRows(report.exceptions.slice(0, MAIN_PART_ROWS)))
      : [['None', '', '', '', '', '']],
    [110, 75, 60, 75, 90, width - 410],
  );
  const capped = cappedNote(MAIN_PART_ROWS, report.exceptions.length, 'worst');
  if (capped) paragraph(doc, capped, { italic: true });

  // Warning notices and action plans due to CQC: the most urgent, first in the detail (on the
  // same page as the summary's end, so the main part stays short).
  // One row per failing, soonest deadline first; beyond the first 10 they are in the appendix.
  const warningRows = warningRowsInWords(report);
  const warningWidths = [100, 60, width - 414, 78, 88, 88];
  heading(doc, 'Warning notices');
  table(
    doc,
    WARNING_NOTICE_HEADER,
    warningRows.length
      ? briefRows(warningRows.slice(0, MAIN_PART_ROWS))
      : [['None', '', '', '', '', '']],
    warningWidths,
  );
  const warningNote = cappedNote(MAIN_PART_ROWS, warningRows.length, 'first');
  if (warningNote) paragraph(doc, warningNote, { italic: true });
  if (report.actionPlansDue.length) {
    heading(doc, 'Action plans due to CQC');
    table(doc, ACTION_PLAN_HEADER, actionPlanRowsInWords(report), [width - 340, 80, 90, 90, 80]);
  }

  heading(doc, 'Actions by delivery status');
  table(doc, ['Delivery status', 'Actions'], statusRows(report), [width - 80, 80]);
  const total = Object.values(report.byBrag).reduce((s, n) => s + n, 0);
  table(
    doc,
    [...BRAG_HEADER, 'Total'],
    [[...BRAG_ORDER.map((b) => String(report.byBrag[b])), String(total)]],
    Array.from({ length: 5 }, () => width / 5),
  );

  const movement = movementSection(report.movement);
  const movementAppendix: { title: string; header: string[]; rows: string[][] }[] = [];
  if (movement) {
    heading(doc, movement.title);
    paragraph(doc, movement.intro);
    for (const t of movement.tables) {
      paragraph(doc, t.title, { bold: true });
      // Short columns (counts, dates) 70pt; a closing "Why" shares the rest with the action.
      const short = t.header.slice(1).map((h): number => (h === 'Why' ? 0 : 70));
      const rest = width - short.reduce((sum, w) => sum + w, 0);
      const why = short.includes(0) ? rest / 2 : 0;
      table(
        doc,
        t.header,
        t.rows.length
          ? briefRows(t.rows.slice(0, MOVEMENT_ROWS))
          : [[t.empty, ...t.header.slice(1).map(() => '')]],
        [rest - why, ...short.map((w) => w || why)],
      );
      const note = cappedNote(MOVEMENT_ROWS, t.rows.length, 'first');
      if (note) {
        paragraph(doc, note, { italic: true });
        movementAppendix.push({ title: t.title, header: t.header, rows: t.rows });
      }
    }
  }

  // The main part gives each service's first reasons; the appendix gives every one.
  const readinessWidths = [90, 70, 35, 50, 50, 45, width - 340];
  const moreReasons = report.readiness.some((s) => new Set(s.reasons).size > REASONS_IN_MAIN_PART);
  heading(doc, 'Readiness for reinspection');
  table(
    doc,
    READINESS_HEADER,
    readinessRows(report).length
      ? readinessRows(report, REASONS_IN_MAIN_PART)
      : [['No findings', '', '', '', '', '', '']],
    readinessWidths,
  );

  for (const breakdown of report.breakdowns) {
    heading(doc, breakdown.title);
    table(
      doc,
      ['', ...BRAG_HEADER, 'Total'],
      breakdown.rows.map((r) => [
        r.label,
        ...BRAG_ORDER.map((b) => String(r.counts[b])),
        String(r.total),
      ]),
      [width - 270, 50, 50, 50, 50, 70],
    );
    if (breakdown.note) paragraph(doc, breakdown.note, { italic: true });
  }

  heading(doc, 'Assured in the last 30 days');
  const assured = assuredRows(report);
  table(
    doc,
    ASSURED_HEADER,
    assured.length ? briefRows(assured.slice(0, MOVEMENT_ROWS)) : [['None', '', '']],
    [width - 200, 90, 110],
  );
  const assuredNote = cappedNote(MOVEMENT_ROWS, assured.length, 'latest');
  if (assuredNote) paragraph(doc, assuredNote, { italic: true });

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

  // The appendix: every list in full, after the main part.
  doc.addPage();
  heading(doc, 'Appendix: full lists');
  heading(doc, 'Every off-track and at-risk action');
  table(
    doc,
    EXCEPTION_HEADER,
    report.exceptions.length ? exceptionRows(report.exceptions) : [['None', '', '', '', '', '']],
    [110, 75, 60, 75, 90, width - 410],
  );
  if (warningRows.length > MAIN_PART_ROWS) {
    heading(doc, 'Every failing of every warning notice');
    table(doc, WARNING_NOTICE_HEADER, warningRows, warningWidths);
  }
  if (moreReasons) {
    heading(doc, 'Readiness for reinspection: every reason');
    table(doc, READINESS_HEADER, readinessRows(report), readinessWidths);
  }
  if (assured.length > MOVEMENT_ROWS) {
    heading(doc, 'Every action assured in the last 30 days');
    table(doc, ASSURED_HEADER, assured, [width - 200, 90, 110]);
  }
  for (const t of movementAppendix) {
    heading(doc, `${t.title} (since the last report)`);
    const short = t.header.slice(1).map((h): number => (h === 'Why' ? 0 : 70));
    const rest = width - short.reduce((sum, w) => sum + w, 0);
    const why = short.includes(0) ? rest / 2 : 0;
    table(doc, t.header, t.rows, [rest - why, ...short.map((w) => w || why)]);
  }

  await finishPdf(
    doc,
    `${report.organisation.name} · ${paperTitle(report)} · ${markingOf(report.cover)}`,
    width,
    done,
  );
}
