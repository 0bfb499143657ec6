import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { asOfParameters, derivedActionsFrom } from '../delivery/action-facts.sql';
import { daysLeft } from '../findings/finding-dates';
import { FAILINGS_AS_AT } from '../findings/finding-failing.entity';
import type { WarningNoticeFigures } from './readiness-rules';

/** A warning notice as at a date, for readiness, the board report, the home page and returns. */
export interface WarningNoticeView extends WarningNoticeFigures {
  findingId: number;
  text: string;
  coreServiceId: number | null;
  /** Null for a trust-wide notice. */
  coreServiceName: string | null;
  /** In the notice's order; `daysLeft` is negative once the deadline has passed. */
  failings: { text: string; deadline: string; daysLeft: number }[];
  /** The earliest failing deadline, and its days left. */
  deadline: string | null;
  daysLeft: number | null;
}

/**
 * Reads an organisation's warning notices recorded by the as-at date, with their failings and
 * how many of their actions (as at that date) are live and still open. A notice recorded before
 * failings existed and never migrated (rows written straight to the table) counts its own
 * deadline as one failing.
 */
export async function readWarningNotices(
  facts: ActionFactsRepository,
  organisationId: number,
  asOf: string,
): Promise<WarningNoticeView[]> {
  const params = { ...asOfParameters(asOf), organisationId };
  // Findings, services and links as they stood at the end of the as-at day (history/).
  const t = facts.tables(asOf);
  const notices = await facts.run<{
    id: number;
    reference: string | null;
    text: string;
    deadline: string | null;
    core_service_id: number | null;
    core_service_name: string | null;
  }>(
    `SELECT f.id AS id, f.reference AS reference, f.text AS text, f.deadline AS deadline,
       f.core_service_id AS core_service_id, cs.name AS core_service_name
     FROM ${t.finding} f LEFT JOIN ${t.core_service} cs ON cs.id = f.core_service_id
     WHERE f.organisation_id = :organisationId AND f.type = 'WARNING_NOTICE' AND f.created_at <= :asOfEnd
     ORDER BY f.deadline, f.id`,
    params,
  );
  if (!notices.length) return [];
  // One after the other: inside a read snapshot the queries share one connection.
  const failings = await facts.run<{ finding_id: number; text: string; deadline: string }>(
    `SELECT ff.finding_id AS finding_id, ff.text AS text, ff.deadline AS deadline
       FROM finding_failing ff JOIN ${t.finding} f ON f.id = ff.finding_id
       WHERE f.organisation_id = :organisationId AND f.type = 'WARNING_NOTICE' AND ${FAILINGS_AS_AT}
       ORDER BY ff.finding_id, ff.position`,
    params,
  );
  const actions = await facts.run<{ finding_id: number; live: number; open: number }>(
    `SELECT af.finding_id AS finding_id, COUNT(DISTINCT d.id) AS live,
         COUNT(DISTINCT CASE WHEN d.delivery_status NOT IN ('COMPLETED', 'ASSURED') THEN d.id END) AS open
       ${derivedActionsFrom(t, ['a.organisation_id = :organisationId', 'a.created_at <= :asOfEnd'])}
       JOIN ${t.action_finding} af ON af.action_id = d.id
       JOIN ${t.finding} f ON f.id = af.finding_id AND f.type = 'WARNING_NOTICE'
       WHERE d.delivery_status <> 'CANCELLED'
       GROUP BY af.finding_id`,
    params,
  );
  return notices.map((notice) => {
    const id = Number(notice.id);
    const own = failings
      .filter((f) => Number(f.finding_id) === id)
      .map((f) => ({ text: f.text, deadline: dateOf(f.deadline) }));
    const listed = own.length
      ? own
      : notice.deadline
        ? [{ text: notice.text, deadline: dateOf(notice.deadline) }]
        : [];
    const counts = actions.find((row) => Number(row.finding_id) === id);
    const deadline = notice.deadline ? dateOf(notice.deadline) : null;
    return {
      findingId: id,
      reference: notice.reference,
      text: notice.text,
      coreServiceId: notice.core_service_id === null ? null : Number(notice.core_service_id),
      coreServiceName: notice.core_service_name,
      failings: listed.map((f) => ({ ...f, daysLeft: daysLeft(asOf, f.deadline) })),
      deadlines: listed.map((f) => f.deadline),
      deadline,
      daysLeft: deadline ? daysLeft(asOf, deadline) : null,
      actions: Number(counts?.live ?? 0),
      openActions: Number(counts?.open ?? 0),
    };
  });
}

/** Dates come back as `YYYY-MM-DD` text on both engines (data-source-options.ts). */
function dateOf(value: string): string {
  return String(value).slice(0, 10);
}
