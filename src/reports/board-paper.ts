import { londonDateOf } from '../common/dates';
import { BRAG_ORDER, DELIVERY_STATUS_ORDER, labelOf, ukDate, ukDateTime } from '../common/words';
import type { BoardReport, ExceptionRow } from './board-report.service';
import { EXCEPTIONS_ON_SUMMARY } from './board-report.service';
import { summarySentences } from './board-summary';
import { actionPlanRows, warningNoticeRows } from './warning-notices-section';

/**
 * The board paper's words, decided once for the HTML page, the PDF and the workbook: titles,
 * the executive summary, and every table's rows in words and "1 December 2026" dates.
 */

/** Rows the main part shows of a long list; the rest go to the appendix. */
export const MAIN_PART_ROWS = EXCEPTIONS_ON_SUMMARY;

export const paperTitle = (report: BoardReport) =>
  `CQC action plan: board paper as at ${ukDate(report.asOf)}`;

export const generatedLine = (report: BoardReport) => `Generated ${ukDateTime(report.generatedAt)}`;

export const filtersLine = (report: BoardReport) =>
  `Filters: ${report.filters.length ? report.filters.join('; ') : 'none (every action of the trust)'}.`;

/** The executive summary's sentences, from the report's figures and its movement section. */
export function summaryOf(report: BoardReport): string[] {
  const since = report.movement?.since;
  const thenOf = (status: string) =>
    report.movement?.byDeliveryStatus.find((r) => r.status === status)?.then;
  const before =
    since && thenOf('OFF_TRACK') !== undefined
      ? {
          offTrack: thenOf('OFF_TRACK') ?? 0,
          atRisk: thenOf('AT_RISK') ?? 0,
          total: report.movement!.byDeliveryStatus.reduce(
            (s, r) => s + (r.status === 'CANCELLED' ? 0 : r.then),
            0,
          ),
        }
      : undefined;
  const next = report.readiness
    .filter((s) => s.reinspectionDate && s.reinspectionDate >= report.asOf)
    .sort((a, b) => a.reinspectionDate!.localeCompare(b.reinspectionDate!))[0];
  return summarySentences({
    total: report.liveActions,
    offTrack: report.byDeliveryStatus.OFF_TRACK,
    atRisk: report.byDeliveryStatus.AT_RISK,
    overdue: report.overdue,
    assuredRecently: report.recentlyAssured.length,
    before,
    beforeLabel: since ? (since.issuedReport ? 'the last report' : ukDate(since.asOf)) : undefined,
    notReady: report.readiness.filter((s) => s.verdict === 'NOT_READY').map((s) => s.name),
    atRiskServices: report.readiness.filter((s) => s.verdict === 'AT_RISK').map((s) => s.name),
    services: report.readiness.length,
    nextReinspection: next ? { date: next.reinspectionDate!, service: next.name } : null,
    warningNotices: report.warningNotices.length,
    warningNoticesOutstanding: report.warningNotices.filter(
      (n) => n.actions === 0 || n.openActions > 0,
    ).length,
    assuranceLevel: report.cover.assuranceLevel,
    recommendation: report.cover.recommendation,
  });
}

/** Dates inside the shared warning-notice rows ("focused inspection of 2017-10-02") in words. */
export const isoToWords = (cell: string) =>
  cell.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (iso) => ukDate(iso));

export const warningRowsInWords = (report: BoardReport) =>
  warningNoticeRows(report.warningNotices).map((row) => row.map(isoToWords));

export const actionPlanRowsInWords = (report: BoardReport) =>
  actionPlanRows(report.actionPlansDue).map((row) => row.map(isoToWords));

export const statusRows = (report: BoardReport): string[][] =>
  DELIVERY_STATUS_ORDER.map((s) => [labelOf(s), String(report.byDeliveryStatus[s])]);

export const BRAG_HEADER = BRAG_ORDER.map((b) => labelOf(b));

export const READINESS_HEADER = [
  'Core service',
  'Reinspection',
  'Days to go',
  'Findings without an action',
  'MUST actions assured',
  'Verdict',
  'Reasons',
];

/** Longest a cell of the main part's lists may be; the appendix prints every word. */
export const MAIN_PART_CELL_CHARS = 80;

/** A cell cut at a word boundary to `limit` characters, with an ellipsis when cut. */
export function brief(text: string, limit = MAIN_PART_CELL_CHARS): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > limit / 2 ? cut.slice(0, space) : cut.slice(0, limit)).trimEnd()}…`;
}

/** Rows of a list in the main part, each cell brief. */
export const briefRows = (rows: string[][]): string[][] =>
  rows.map((row) => row.map((c) => brief(c)));

/** How many reasons a service's readiness row gives in the main part; all are in the appendix. */
export const REASONS_IN_MAIN_PART = 2;

/**
 * A service's reasons, each said once (several warning notices past their deadline give the
 * same sentence), and at most `limit` of them with a pointer to the rest.
 */
export function reasonsText(reasons: readonly string[], limit = Infinity): string {
  const distinct = [...new Set(reasons)];
  if (!distinct.length) return 'None';
  const shown = distinct.slice(0, limit).join('; ');
  const more = distinct.length - Math.min(limit, distinct.length);
  return more ? `${shown}; and ${more} more (see the appendix)` : shown;
}

export function readinessRows(report: BoardReport, reasonLimit = Infinity): string[][] {
  return report.readiness.map((s) => [
    s.name,
    s.reinspectionDate
      ? `${ukDate(s.reinspectionDate)}${s.reinspectionConfirmed ? '' : ' (expected)'}`
      : 'No date set',
    s.daysToReinspection === null ? '' : String(s.daysToReinspection),
    String(s.uncoveredFindings),
    s.mustActionsAssuredPercent === null ? 'No MUST actions' : `${s.mustActionsAssuredPercent}%`,
    labelOf(s.verdict),
    reasonsText(s.reasons, reasonLimit),
  ]);
}

export const EXCEPTION_HEADER = [
  'Action',
  'Owner / lead',
  'Due',
  'Status',
  'Latest update',
  'Date slipped',
];

export function exceptionRows(rows: ExceptionRow[]): string[][] {
  return rows.map((e) => [
    `${e.action.reference ?? ''} ${e.action.title}`.trim(),
    `${e.action.owner?.name ?? 'No owner'} / ${e.action.executiveLead?.name ?? 'No executive lead'}`,
    ukDate(e.action.dueDate),
    `${labelOf(e.action.deliveryStatus)}: ${labelOf(e.action.deliveryReason)}`,
    `${e.latestNote ?? 'No update'}${e.latestNoteAt ? ` (${ukDate(londonDateOf(e.latestNoteAt))})` : ''}`,
    e.slipReason ? `From ${ukDate(e.action.originalDueDate)}: ${e.slipReason}` : '',
  ]);
}

export const ASSURED_HEADER = ['Action', 'Assured on', 'By'];

export function assuredRows(report: BoardReport): string[][] {
  return report.recentlyAssured.map((r) => [
    `${r.action.reference ?? ''} ${r.action.title}`.trim(),
    ukDate(londonDateOf(r.assuredAt)),
    r.action.assuredBy?.name ?? '',
  ]);
}

/** "Showing the worst 10 of 865; the full list is in the appendix." */
export function cappedNote(shown: number, total: number, what: string): string | null {
  return total > shown
    ? `Showing the ${what} ${shown} of ${total}; the full list is in the appendix.`
    : null;
}
