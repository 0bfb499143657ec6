import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { asOfParameters } from '../delivery/action-facts.sql';
import { actionPlanDueDate, daysLeft, daysLeftText } from '../findings/finding-dates';
import { readWarningNotices, WarningNoticeView } from '../readiness/warning-notices.reader';

/** The action plan CQC asked for with a published report's MUST findings (requirement notices). */
export interface ActionPlanDue {
  inspection: string;
  publishedOn: string;
  dueDate: string;
  daysLeft: number;
  mustFindings: number;
}

/** What the board report and the CQC return put first: warning notices, then action plans due. */
export interface UrgentSection {
  warningNotices: WarningNoticeView[];
  actionPlansDue: ActionPlanDue[];
}

/**
 * Reads the urgent section as at a date: every warning notice (of one core service when
 * filtered), soonest deadline first, and the action plan due to CQC for each published report
 * with MUST findings, latest first.
 */
export async function readUrgentSection(
  facts: ActionFactsRepository,
  organisationId: number,
  asOf: string,
  actionPlanDays: number,
  coreServiceId?: number,
): Promise<UrgentSection> {
  const notices = await readWarningNotices(facts, organisationId, asOf);
  const reports = await facts.run<{
    kind: string;
    visit_start: string;
    published_on: string;
    report_reference: string | null;
    n: number;
  }>(
    `SELECT i.kind AS kind, i.visit_start AS visit_start, i.published_on AS published_on,
       i.report_reference AS report_reference, COUNT(*) AS n
     FROM ${facts.tables(asOf).finding} f JOIN ${facts.tables(asOf).inspection} i ON i.id = f.inspection_id
     WHERE f.organisation_id = :organisationId AND f.type = 'MUST' AND f.created_at <= :asOfEnd
       AND i.published_on IS NOT NULL${coreServiceId ? ' AND f.core_service_id = :coreServiceId' : ''}
     GROUP BY i.id, i.kind, i.visit_start, i.published_on, i.report_reference
     ORDER BY i.published_on DESC, i.id DESC`,
    { ...asOfParameters(asOf), organisationId, coreServiceId },
  );
  return {
    warningNotices: notices
      .filter((n) => !coreServiceId || n.coreServiceId === coreServiceId)
      .sort(
        (a, b) =>
          (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') || a.findingId - b.findingId,
      ),
    actionPlansDue: reports.map((r) => {
      const dueDate = actionPlanDueDate('MUST', r.published_on, actionPlanDays)!;
      return {
        inspection:
          r.report_reference ?? `${r.kind.replace('_', '-')} inspection of ${r.visit_start}`,
        publishedOn: r.published_on,
        dueDate,
        daysLeft: daysLeft(asOf, dueDate),
        mustFindings: Number(r.n),
      };
    }),
  };
}

export const WARNING_NOTICE_HEADER = [
  'Warning notice',
  'Core service',
  'Failing',
  'Deadline',
  'Days left',
  'Actions',
];

/** One row per failing, for the renderers: the notice's name on its first failing only. */
export function warningNoticeRows(notices: WarningNoticeView[]): string[][] {
  return notices.flatMap((notice) =>
    notice.failings.map((failing, index) => [
      index === 0 ? `${notice.reference ?? ''} ${notice.text}`.trim() : '',
      index === 0 ? (notice.coreServiceName ?? 'Trust-wide') : '',
      failing.text,
      failing.deadline,
      daysLeftText(failing.daysLeft),
      index === 0
        ? notice.actions === 0
          ? 'No action'
          : `${notice.actions - notice.openActions} of ${notice.actions} completed`
        : '',
    ]),
  );
}

export const ACTION_PLAN_HEADER = [
  'Report',
  'Published',
  'Action plan due to CQC',
  'Days left',
  'MUST findings',
];

export function actionPlanRows(plans: ActionPlanDue[]): string[][] {
  return plans.map((p) => [
    p.inspection,
    p.publishedOn,
    p.dueDate,
    daysLeftText(p.daysLeft),
    String(p.mustFindings),
  ]);
}
