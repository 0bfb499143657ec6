import type { FindingType } from '../findings/finding.entity';
import { daysBetween, londonDateOf } from '../common/dates';
import { DeliveryStatus } from '../delivery/delivery-status';
import { daysLeftText, longDate } from '../findings/finding-dates';

export const READINESS_VERDICTS = ['READY', 'AT_RISK', 'NOT_READY'] as const;
export type ReadinessVerdict = (typeof READINESS_VERDICTS)[number];

/** What a core service's verdict is decided from, as at one date. */
export interface ReadinessFigures {
  findingsByType: Record<FindingType, number>;
  uncoveredByType: Record<FindingType, number>;
  /** Actions (not cancelled) addressing MUST findings, by delivery status. */
  mustActions: Record<Exclude<DeliveryStatus, 'CANCELLED'>, number>;
  /** All actions of the service (not cancelled), by delivery status. */
  actions: Record<Exclude<DeliveryStatus, 'CANCELLED'>, number>;
  /** Open actions due after the reinspection date. */
  dueAfterReinspection: number;
  /** ...of which address MUST findings. */
  mustDueAfterReinspection: number;
  /** The service's warning notices and the date they are judged at; none when left out. */
  warningNotices?: { asOf: string; notices: WarningNoticeFigures[] };
}

/** One warning notice (Section 29A or 29) as at a date. */
export interface WarningNoticeFigures {
  reference: string | null;
  /** Each failing's deadline. */
  deadlines: string[];
  /** Actions addressing it that are not cancelled. */
  actions: number;
  /** ...of which are neither completed nor assured. */
  openActions: number;
}

export interface Verdict {
  verdict: ReadinessVerdict;
  reasons: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The readiness verdict of docs/domain.md. READY: every MUST finding has an action, all of them are
 * completed or assured, and nothing is off track. NOT_READY: a MUST finding has no action,
 * or a MUST action is off track, or a MUST action is due after the reinspection date, or a warning
 * notice has no action or a deadline passed with its actions not done. AT_RISK otherwise. Every
 * reason that applies is listed, worst first.
 */
export function readinessVerdict(figures: ReadinessFigures): Verdict {
  const { blocking, risks } = warningNoticeReasons(figures.warningNotices);
  const openMust =
    figures.mustActions.OFF_TRACK + figures.mustActions.AT_RISK + figures.mustActions.ON_TRACK;

  if (figures.uncoveredByType.MUST > 0)
    blocking.push(
      `${plural(figures.uncoveredByType.MUST, 'MUST finding has', 'MUST findings have')} no action`,
    );
  if (figures.mustActions.OFF_TRACK > 0)
    blocking.push(
      `${plural(figures.mustActions.OFF_TRACK, 'MUST action is', 'MUST actions are')} off track`,
    );
  if (figures.mustDueAfterReinspection > 0) {
    blocking.push(
      `${plural(figures.mustDueAfterReinspection, 'MUST action is', 'MUST actions are')} due after the reinspection date`,
    );
  }
  if (openMust > 0)
    risks.push(`${plural(openMust, 'MUST action is', 'MUST actions are')} not yet completed`);
  const otherOffTrack = figures.actions.OFF_TRACK - figures.mustActions.OFF_TRACK;
  if (otherOffTrack > 0)
    risks.push(`${plural(otherOffTrack, 'other action is', 'other actions are')} off track`);
  const otherDueAfter = figures.dueAfterReinspection - figures.mustDueAfterReinspection;
  if (otherDueAfter > 0)
    risks.push(
      `${plural(otherDueAfter, 'other action is', 'other actions are')} due after the reinspection date`,
    );
  if (figures.mustActions.COMPLETED > 0) {
    risks.push(
      `${plural(figures.mustActions.COMPLETED, 'completed MUST action awaits', 'completed MUST actions await')} assurance`,
    );
  }

  if (blocking.length) return { verdict: 'NOT_READY', reasons: [...blocking, ...risks] };
  const offTrackAnywhere = figures.actions.OFF_TRACK > 0;
  const openNotice = (figures.warningNotices?.notices ?? []).some((n) => n.openActions > 0);
  if (openMust > 0 || offTrackAnywhere || otherDueAfter > 0 || openNotice)
    return { verdict: 'AT_RISK', reasons: risks };
  return { verdict: 'READY', reasons: risks };
}

/**
 * A warning notice is the most urgent thing a trust can be given, so it comes first. NOT_READY:
 * a notice with no action, or a failing's deadline passed (before the as-at date) while an
 * action for it is not completed or assured. AT_RISK: a deadline still ahead with actions open.
 */
export function warningNoticeReasons(input: ReadinessFigures['warningNotices']): {
  blocking: string[];
  risks: string[];
} {
  const blocking: string[] = [];
  const risks: string[] = [];
  if (!input) return { blocking, risks };
  for (const notice of input.notices) {
    const deadlines = [...new Set(notice.deadlines)].sort();
    const name = notice.reference ? `Warning notice ${notice.reference}` : 'A warning notice';
    if (notice.actions === 0) {
      const due = deadlines.length ? ` (deadline ${longDate(deadlines[0])})` : '';
      blocking.push(`${name}${due} has no action`);
      continue;
    }
    if (notice.openActions === 0) continue;
    for (const deadline of deadlines) {
      if (deadline < input.asOf) {
        blocking.push(
          `Warning notice deadline ${longDate(deadline)} passed with actions not completed`,
        );
      } else {
        risks.push(
          `Warning notice deadline ${longDate(deadline)}: ${daysLeftText(daysBetween(input.asOf, deadline))}, actions not completed`,
        );
      }
    }
  }
  return { blocking, risks };
}

/** Share of MUST actions that are assured, 0-100, or null when there are none. */
export function mustAssuredPercent(mustActions: ReadinessFigures['mustActions']): number | null {
  const total = Object.values(mustActions).reduce((sum, n) => sum + n, 0);
  return total === 0 ? null : Math.round((mustActions.ASSURED / total) * 100);
}

export interface ForecastInput {
  createdAt: string;
  lastActivityAt: string;
  progress: number;
  dueDate: string;
}

/**
 * Projected completion: a straight line from the action's creation (0%) through its latest
 * recorded progress, carried on to 100%. Null when there is no progress to project from.
 */
export function projectedCompletion(input: ForecastInput): string | null {
  if (input.progress >= 100) return londonDateOf(input.lastActivityAt);
  if (input.progress <= 0) return null;
  const start = londonDateOf(input.createdAt);
  const latest = londonDateOf(input.lastActivityAt);
  const elapsed = Math.max(1, daysBetween(start, latest));
  const perDay = input.progress / elapsed;
  const remaining = Math.ceil((100 - input.progress) / perDay);
  return new Date(Date.parse(`${latest}T00:00:00.000Z`) + remaining * 86400000)
    .toISOString()
    .slice(0, 10);
}
