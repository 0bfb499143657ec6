import type { BoardReport } from '../reports/board-report.service';
import type { ServiceWithoutDate } from './work-queues';

/** Warning notices with a failing due within this many days are named in Home's summary line. */
export const NOTICE_SOON_DAYS = 14;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The one line at the top of Home: how many core services are not ready, and how many warning
 * notices fall due soon or are overdue with actions still open, e.g. "3 of 6 core services not
 * ready; 2 warning notices due in 14 days".
 */
export function trustSummary(report: BoardReport): string {
  const services = report.allServices.filter((s) => s.coreServiceId !== null);
  const notReady = services.filter((s) => s.verdict !== 'READY').length;
  const parts = [
    services.length
      ? `${notReady} of ${plural(services.length, 'core service')} not ready`
      : 'No core services recorded yet',
  ];
  const pending = report.warningNotices.filter((n) => n.actions === 0 || n.openActions > 0);
  const overdue = pending.filter((n) => n.failings.some((f) => f.daysLeft < 0)).length;
  const soon = pending.filter(
    (n) =>
      !n.failings.some((f) => f.daysLeft < 0) &&
      n.failings.some((f) => f.daysLeft <= NOTICE_SOON_DAYS),
  ).length;
  if (overdue) parts.push(`${plural(overdue, 'warning notice')} overdue`);
  if (soon) parts.push(`${plural(soon, 'warning notice')} due in ${NOTICE_SOON_DAYS} days`);
  if (!overdue && !soon && report.warningNotices.length === 0) parts.push('no warning notices');
  return parts.join('; ');
}

/** The services whose reinspection date nobody has recorded. */
export function servicesWithoutDate(report: BoardReport): ServiceWithoutDate[] {
  return report.allServices
    .filter((s) => s.coreServiceId !== null && !s.reinspectionDate)
    .map((s) => ({ coreServiceId: s.coreServiceId, name: s.name }));
}
