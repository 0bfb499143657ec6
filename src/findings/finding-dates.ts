import { addDays, daysBetween } from '../common/dates';
import type { FindingType } from './finding.entity';

/** A failing of a warning notice, as the API and reports show it. */
export interface Failing {
  text: string;
  deadline: string;
}

/** CQC's default: an action plan is due 28 days after the report asks for it (Regulation 17(3)). */
export const DEFAULT_ACTION_PLAN_DAYS = 28;

/** The earliest deadline of a notice's failings: what `finding.deadline` holds. */
export function earliestDeadline(failings: readonly Failing[]): string | null {
  return failings.reduce<string | null>(
    (earliest, failing) =>
      earliest === null || failing.deadline < earliest ? failing.deadline : earliest,
    null,
  );
}

/**
 * The date the trust's action plan for a MUST finding (a requirement notice) is due to CQC:
 * the report's publication date plus the configured days. Null for other findings, or when the
 * finding's inspection has no publication date recorded.
 */
export function actionPlanDueDate(
  type: FindingType,
  publishedOn: string | null | undefined,
  days: number,
): string | null {
  if (type !== 'MUST' || !publishedOn) return null;
  return addDays(publishedOn, days);
}

/** Days from the as-at date to a deadline: negative once it has passed. */
export function daysLeft(asOf: string, deadline: string): number {
  return daysBetween(asOf, deadline);
}

/** "12 days left", "due today", "3 days overdue": how the pages and reports say it. */
export function daysLeftText(days: number): string {
  if (days === 0) return 'due today';
  const n = Math.abs(days);
  const unit = n === 1 ? 'day' : 'days';
  return days > 0 ? `${n} ${unit} left` : `${n} ${unit} overdue`;
}

/** "1 March 2027": how a deadline reads in a reason or a report. */
export { longDate } from '../common/dates';
