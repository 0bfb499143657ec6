import { ukDate } from '../common/words';
import { ASSURANCE_LABELS, AssuranceLevel } from './board-cover';

/** The figures the executive summary is written from; pure data, so it is unit-tested alone. */
export interface SummaryFigures {
  /** Actions in the report, cancelled left out. */
  total: number;
  offTrack: number;
  atRisk: number;
  /** Open actions past their due date. */
  overdue: number;
  assuredRecently: number;
  /** The same counts at the earlier report; absent when there is nothing to compare with. */
  before?: { offTrack: number; atRisk: number; total: number };
  /** "the last report" (an issued paper) or "1 November 2026" (a chosen date). */
  beforeLabel?: string;
  notReady: string[];
  atRiskServices: string[];
  /** Rows judged in the readiness table. */
  services: number;
  nextReinspection?: { date: string; service: string } | null;
  warningNotices: number;
  /** Warning notices with actions not yet completed (or no action at all). */
  warningNoticesOutstanding?: number;
  assuranceLevel?: AssuranceLevel;
  recommendation?: string;
}

/** "1 action", "2 actions". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "A", "A and B", "A, B and C"; long lists end "and 4 others". */
export function joinWithAnd(items: string[], max = 6): string {
  const shown = items.length > max ? [...items.slice(0, max - 1)] : [...items];
  if (items.length > max) shown.push(`${items.length - shown.length} others`);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** ", 4 more than at the last report" / ", 2 fewer than on 1 November 2026" / ", the same as ...". */
function movement(now: number, then: number | undefined, label: string | undefined): string {
  if (then === undefined || !label) return '';
  const at = label.startsWith('the ') ? `at ${label}` : `on ${label}`;
  if (now === then) return `, the same as ${at}`;
  return now > then ? `, ${now - then} more than ${at}` : `, ${then - now} fewer than ${at}`;
}

const isAre = (n: number) => (n === 1 ? 'is' : 'are');

/**
 * The executive summary in sentences: what is off track and at risk against the last paper,
 * which core services are not ready, what is overdue, and what the executive asks of the board.
 */
export function summarySentences(f: SummaryFigures): string[] {
  const out: string[] = [];
  if (f.total === 0) {
    out.push('There are no actions in this report.');
  } else {
    const offTrack =
      f.offTrack === 0
        ? f.total === 1
          ? 'The 1 action is not off track'
          : `None of the ${f.total} actions is off track`
        : `${f.offTrack} of ${plural(f.total, 'action')} ${isAre(f.offTrack)} off track`;
    out.push(`${offTrack}${movement(f.offTrack, f.before?.offTrack, f.beforeLabel)}.`);
    const atRisk =
      f.atRisk === 0
        ? 'No action is at risk'
        : `${plural(f.atRisk, 'action')} ${isAre(f.atRisk)} at risk`;
    out.push(`${atRisk}${movement(f.atRisk, f.before?.atRisk, f.beforeLabel)}.`);
    if (f.overdue > 0)
      out.push(
        `${plural(f.overdue, 'open action')} ${isAre(f.overdue)} past ${f.overdue === 1 ? 'its' : 'their'} due date.`,
      );
    if (f.assuredRecently > 0)
      out.push(
        `${plural(f.assuredRecently, 'action was', 'actions were')} assured in the last 30 days.`,
      );
  }
  if (f.warningNotices > 0) {
    const outstanding = f.warningNoticesOutstanding ?? f.warningNotices;
    out.push(
      `There ${f.warningNotices === 1 ? 'is' : 'are'} ${plural(f.warningNotices, 'warning notice')}, ${outstanding === 0 ? 'none' : outstanding} with actions not yet completed; they come first after this summary.`,
    );
  }
  if (f.services > 0 && f.total === 0 && !f.notReady.length && !f.atRiskServices.length) {
    // A filter that leaves no actions (an executive lead who leads none) judges every service
    // on nothing: "no service is not ready" would read as good news it is not.
    out.push(
      'With no actions in this report, the readiness below rests on none and says nothing of how ready the core services are.',
    );
  } else if (f.services > 0) {
    const notReady = f.notReady.length
      ? `${plural(f.notReady.length, 'core service')} ${isAre(f.notReady.length)} not ready for reinspection: ${joinWithAnd(f.notReady)}`
      : 'No core service is judged not ready for reinspection';
    const atRisk = f.atRiskServices.length
      ? `; ${f.atRiskServices.length} ${isAre(f.atRiskServices.length)} at risk: ${joinWithAnd(f.atRiskServices)}`
      : '';
    out.push(`${notReady}${atRisk}.`);
  }
  if (f.nextReinspection)
    out.push(
      `The next reinspection is expected on ${ukDate(f.nextReinspection.date)} (${f.nextReinspection.service}).`,
    );
  out.push(
    f.assuranceLevel
      ? `The executive gives ${ASSURANCE_LABELS[f.assuranceLevel].charAt(0).toLowerCase()}${ASSURANCE_LABELS[f.assuranceLevel].slice(1)}.`
      : 'No assurance level is given.',
  );
  const recommendation = f.recommendation?.trim();
  out.push(
    recommendation
      ? `Recommendation: ${recommendation}${/[.!?]$/.test(recommendation) ? '' : '.'}`
      : 'Recommendation: not given.',
  );
  return out;
}
