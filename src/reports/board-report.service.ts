import { organisationNameAsAt } from '../history/records-as-at';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { requireId } from '../common/id-field';
import { TrustAccess } from '../auth/trust-access';
import { DataSource } from 'typeorm';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { ActionsService } from '../actions/actions.service';
import { ActionDto, ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { ReadSnapshot } from '../database/read-snapshot';
import { AppError } from '../common/app-error';
import { addDays, endOfDay, todayDate } from '../common/dates';
import { Organisation } from '../organisations/organisation.entity';
import { BRAG_COLOURS, Brag, bragOf } from '../delivery/brag';
import { DeliveryStatus, DELIVERY_STATUSES } from '../delivery/delivery-status';
import { ReadinessDto } from '../readiness/readiness.dto';
import { ReadinessService } from '../readiness/readiness.service';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { DEFAULT_ACTION_PLAN_DAYS } from '../findings/finding-dates';
import { readUrgentSection, UrgentSection } from './warning-notices-section';
import type { BoardMovement } from './board-movement.service';
import { checkReportFilters } from './report-filters';
import { labelOf } from '../common/words';
import type { BoardCover } from './board-cover';
import { User } from '../users/user.entity';

export interface BoardReportOptions {
  organisationId: number;
  asOf?: string;
  coreServiceId?: number;
  executiveLeadId?: number;
  /** The cover sheet's facts (meeting, author, purpose, assurance...); all optional. */
  cover?: BoardCover;
}

/** How many exceptions the summary shows; the full list is in the appendix. */
export const EXCEPTIONS_ON_SUMMARY = 10;

export interface ExceptionRow {
  action: ActionDto;
  latestNote: string | null;
  latestNoteAt: string | null;
  slipReason: string | null;
}

export interface BoardReport extends UrgentSection {
  organisation: { id: number; name: string };
  asOf: string;
  /** When the report was built (an instant), printed "Generated 1 December 2026 at 14:03". */
  generatedAt: string;
  cover: BoardCover;
  filters: string[];
  /** Actions in the report, cancelled left out. */
  liveActions: number;
  /** Open actions (off track, at risk, on track) past their due date. */
  overdue: number;
  byDeliveryStatus: Record<DeliveryStatus, number>;
  byBrag: Record<Brag, number>;
  /** Rows of [label, counts by BRAG] for MUST/SHOULD, key question, core service and executive lead. */
  breakdowns: {
    title: string;
    rows: { label: string; counts: Record<Brag, number>; total: number }[];
    /** Why the rows add up to more than the actions, when they do. */
    note: string | null;
  }[];
  /** Every core service with findings, and the trust-wide findings, whatever the date. */
  /** Readiness of every core service with findings (and trust-wide): the board's table. */
  readiness: ReadinessDto['coreServices'];
  /**
   * Every core service of the trust, with or without findings (Home's summary and its queue of
   * services without a reinspection date count those too).
   */
  allServices: ReadinessDto['coreServices'];
  /** Every off-track and at-risk action, worst first (the summary shows the first ten). */
  exceptions: ExceptionRow[];
  recentlyAssured: { action: ActionDto; assuredAt: string }[];
  /** Open actions at the end of each of the last six months and the as-at date. */
  openOverTime: { date: string; open: number }[];
  nextReinspection: string | null;
  /** Movement since the last issued board report; set by BoardMovementService. */
  movement?: BoardMovement;
}

const RECENT_DAYS = 30;

/**
 * Everything the board report shows, read as at one date: counts by delivery status and
 * BRAG, breakdowns, readiness, exceptions with their latest update and slipped dates, recent
 * assurances, and the open actions over time. Every figure comes from the same derived state
 * as the API, so the report agrees with the readiness endpoint for the same date.
 */
@Injectable()
export class BoardReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: ActionsService,
    private readonly facts: ActionFactsRepository,
    private readonly readinessService: ReadinessService,
    @Optional()
    @Inject(APP_CONFIG)
    private readonly config: Pick<AppConfig, 'cqcActionPlanDays'> = {
      cqcActionPlanDays: DEFAULT_ACTION_PLAN_DAYS,
    },
  ) {}

  async build(options: BoardReportOptions): Promise<BoardReport> {
    const asOf = options.asOf ?? todayDate();
    const organisation = await ReadSnapshot.manager(this.dataSource)
      .getRepository(Organisation)
      .findOneBy({ id: requireId(options.organisationId, 'organisationId') });
    // Another trust reads as no organisation at all.
    if (!organisation || !TrustAccess.canRead(organisation.id))
      throw new AppError('ORGANISATION_NOT_FOUND', `No organisation ${options.organisationId}`);
    await checkReportFilters(ReadSnapshot.manager(this.dataSource), organisation.id, options);
    const query = {
      organisationId: organisation.id,
      coreServiceId: options.coreServiceId,
      executiveLeadId: options.executiveLeadId,
      asOf,
    } as ListActionsQueryDto;
    const actions = await this.allActions(query, asOf);
    const live = actions.filter((a) => a.deliveryStatus !== 'CANCELLED');

    const byDeliveryStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<
      DeliveryStatus,
      number
    >;
    for (const action of actions) byDeliveryStatus[action.deliveryStatus]++;
    const byBrag = Object.fromEntries(BRAG_COLOURS.map((b) => [b, 0])) as Record<Brag, number>;
    for (const action of live) byBrag[action.brag!]++;

    const findingFacts = await this.findingFacts(
      live.map((a) => a.id),
      asOf,
    );
    // Every core service with findings and the trust-wide row, whatever its reinspection date,
    // counted with the same executive-lead filter as the rest of the report.
    const allReadiness = (
      await this.readinessService.forOrganisation(organisation.id, asOf, {
        executiveLeadId: options.executiveLeadId,
      })
    ).coreServices;
    const serviceNames = new Map(allReadiness.map((s) => [s.coreServiceId, s.name]));
    const readiness = allReadiness.filter(
      (s) =>
        (!options.coreServiceId || s.coreServiceId === options.coreServiceId) &&
        Object.values(s.findingsByType).some((n) => n > 0),
    );
    const breakdowns = [
      this.breakdown('MUST and SHOULD', live, (a) => [
        ...new Set(findingFacts.get(a.id)?.map((f) => labelOf(f.type)) ?? []),
      ]),
      this.breakdown('By key question', live, (a) => [
        ...new Set(
          findingFacts
            .get(a.id)
            ?.map((f) => (f.keyQuestion ? labelOf(f.keyQuestion) : 'Not stated')) ?? [],
        ),
      ]),
      this.breakdown('By core service', live, (a) =>
        a.coreServiceIds.length
          ? a.coreServiceIds.map((id) => serviceNames.get(id) ?? 'Core service no longer listed')
          : ['Trust-wide'],
      ),
      this.breakdown('By executive lead', live, (a) => [
        a.executiveLead?.name ?? 'No executive lead',
      ]),
    ];

    const exceptionActions = live.filter(
      (a) => a.deliveryStatus === 'OFF_TRACK' || a.deliveryStatus === 'AT_RISK',
    );
    const latest = await this.latestNotes(
      exceptionActions.map((a) => a.id),
      asOf,
    );
    const slips = await this.latestSlipReasons(
      exceptionActions.map((a) => a.id),
      asOf,
    );
    // Worst first: off track before at risk, then the most days overdue (earliest due).
    const exceptions = exceptionActions
      .sort((a, b) =>
        a.deliveryStatus === b.deliveryStatus
          ? a.dueDate.localeCompare(b.dueDate) || a.id - b.id
          : a.deliveryStatus === 'OFF_TRACK'
            ? -1
            : 1,
      )
      .map((action) => ({
        action,
        latestNote: latest.get(action.id)?.note ?? null,
        latestNoteAt: latest.get(action.id)?.at ?? null,
        slipReason:
          action.dueDate !== action.originalDueDate ? (slips.get(action.id) ?? null) : null,
      }));

    const assuredAt = await this.assuredSince(
      live.filter((a) => a.status === 'ASSURED').map((a) => a.id),
      addDays(asOf, -RECENT_DAYS),
      asOf,
    );
    const recentlyAssured = live
      .filter((a) => assuredAt.has(a.id))
      .map((action) => ({ action, assuredAt: assuredAt.get(action.id)! }))
      .sort((a, b) => b.assuredAt.localeCompare(a.assuredAt));

    const openOverTime = [];
    const today = todayDate();
    const stamp = await this.pastCountStamp(today);
    for (const date of monthEnds(asOf, 6)) {
      // A count as at a past date never changes while nothing is written: cached, keyed by
      // the filters, the date and the newest action and revision ids.
      const key = JSON.stringify([
        stamp,
        query.organisationId,
        query.coreServiceId ?? null,
        query.executiveLeadId ?? null,
        date,
      ]);
      let open = date < today ? this.pastOpenCounts.get(key) : undefined;
      if (open === undefined) open = await this.facts.countOpen({ ...query, asOf: date }, date);
      if (date < today) this.rememberPastCount(key, open);
      openOverTime.push({ date, open });
    }
    const nextReinspection =
      readiness
        .map((s) => s.reinspectionDate)
        .filter((d): d is string => !!d && d >= asOf)
        .sort()[0] ?? null;

    // Warning notices and action plans due to CQC come first in every rendering.
    const urgent = await readUrgentSection(
      this.facts,
      organisation.id,
      asOf,
      this.config.cqcActionPlanDays,
      options.coreServiceId,
    );
    // Filters named in words, also for a lead with no actions in the report.
    const lead = options.executiveLeadId
      ? await ReadSnapshot.manager(this.dataSource)
          .getRepository(User)
          .findOne({ where: { id: options.executiveLeadId }, select: { id: true, name: true } })
      : null;
    const filters = [
      options.coreServiceId
        ? `Core service: ${serviceNames.get(options.coreServiceId) ?? 'not found on this date'}`
        : null,
      options.executiveLeadId
        ? `Executive lead: ${actions.find((a) => a.executiveLead?.name)?.executiveLead?.name ?? lead?.name ?? 'name not recorded'}`
        : null,
    ].filter((f): f is string => !!f);
    const overdue = live.filter(
      (a) =>
        (a.deliveryStatus === 'OFF_TRACK' ||
          a.deliveryStatus === 'AT_RISK' ||
          a.deliveryStatus === 'ON_TRACK') &&
        a.dueDate < asOf,
    ).length;
    return {
      organisation: {
        id: organisation.id,
        name: await organisationNameAsAt(this.dataSource, organisation, asOf),
      },
      asOf,
      generatedAt: new Date().toISOString(),
      cover: options.cover ?? {},
      filters,
      liveActions: live.length,
      overdue,
      ...urgent,
      byDeliveryStatus,
      byBrag,
      breakdowns,
      readiness,
      allServices: allReadiness.filter(
        (s) => !options.coreServiceId || s.coreServiceId === options.coreServiceId,
      ),
      exceptions,
      recentlyAssured,
      openOverTime,
      nextReinspection,
    };
  }

  private breakdown(title: string, actions: ActionDto[], labelsOf: (a: ActionDto) => string[]) {
    const rows = new Map<string, Record<Brag, number>>();
    for (const action of actions) {
      for (const label of labelsOf(action)) {
        const counts =
          rows.get(label) ??
          (Object.fromEntries(BRAG_COLOURS.map((b) => [b, 0])) as Record<Brag, number>);
        counts[bragOf(action.deliveryStatus)!]++;
        rows.set(label, counts);
      }
    }
    const sorted = [...rows.entries()]
      .map(([label, counts]) => ({
        label,
        counts,
        total: Object.values(counts).reduce((s, n) => s + n, 0),
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
    const sum = sorted.reduce((s, r) => s + r.total, 0);
    return {
      title,
      rows: sorted,
      note:
        sum > actions.length
          ? `These rows add up to ${sum}, more than the ${actions.length} actions: an action linked to several ${title === 'By core service' ? 'core services' : 'findings'} is counted once in each.`
          : null,
    };
  }

  /** Past month-end open counts, least recently used first (bounded). */
  private readonly pastOpenCounts = new Map<string, number>();
  private countsToday = '';

  /**
   * What a cached past count is valid for: the newest action and revision ids (every write
   * to an action records a revision). Forgets everything if the clock has moved backwards.
   */
  private async pastCountStamp(today: string): Promise<string> {
    if (today < this.countsToday) this.pastOpenCounts.clear();
    this.countsToday = today;
    const [row] = await ReadSnapshot.manager(this.dataSource).query<
      { actions: number | string | null; revisions: number | string | null }[]
    >(
      'SELECT (SELECT MAX(id) FROM action) AS actions, (SELECT MAX(id) FROM action_revision) AS revisions',
    );
    return `${row.actions ?? 0}/${row.revisions ?? 0}`;
  }

  private rememberPastCount(key: string, open: number): void {
    this.pastOpenCounts.delete(key);
    this.pastOpenCounts.set(key, open);
    if (this.pastOpenCounts.size > PAST_COUNTS_KEPT) {
      this.pastOpenCounts.delete(this.pastOpenCounts.keys().next().value!);
    }
  }

  private async allActions(query: ListActionsQueryDto, asOf: string): Promise<ActionDto[]> {
    const all: ActionDto[] = [];
    for (let afterId = 0; ;) {
      const batch = await this.actions.batchAfter(query, asOf, afterId, 2000);
      all.push(...batch);
      if (batch.length < 2000) return all;
      afterId = batch[batch.length - 1].id;
    }
  }

  /** The type and key question of each action's findings, as they were at the end of `asOf`. */
  private async findingFacts(
    actionIds: number[],
    asOf: string,
  ): Promise<Map<number, { type: string; keyQuestion: string | null }[]>> {
    const map = new Map<number, { type: string; keyQuestion: string | null }[]>();
    const t = this.facts.tables(asOf);
    for (const ids of chunks(actionIds)) {
      const rows = await this.facts.run<{
        action_id: number;
        type: string;
        key_question: string | null;
      }>(
        `SELECT af.action_id AS action_id, f.type AS type, f.key_question AS key_question
         FROM ${t.action_finding} af JOIN ${t.finding} f ON f.id = af.finding_id
         WHERE af.action_id IN (:...ids) ORDER BY af.action_id, f.id`,
        { ids, asOfEnd: endOfDay(asOf) },
      );
      for (const row of rows) {
        const id = Number(row.action_id);
        map.set(id, [...(map.get(id) ?? []), { type: row.type, keyQuestion: row.key_question }]);
      }
    }
    return map;
  }

  private async latestNotes(
    actionIds: number[],
    asOf: string,
  ): Promise<Map<number, { note: string; at: string }>> {
    const map = new Map<number, { note: string; at: string }>();
    for (const ids of chunks(actionIds)) {
      const rows = await ReadSnapshot.manager(this.dataSource)
        .createQueryBuilder()
        .select([
          'pu.action_id AS action_id',
          'pu.note AS note',
          'pu.created_at AS created_at',
          'pu.id AS id',
        ])
        .from('progress_update', 'pu')
        .where('pu.action_id IN (:...ids)', { ids })
        .andWhere('pu.created_at <= :end', { end: endOfDay(asOf) })
        .orderBy('pu.created_at', 'ASC')
        .addOrderBy('pu.id', 'ASC')
        .getRawMany<{ action_id: number; note: string; created_at: string }>();
      for (const row of rows)
        map.set(Number(row.action_id), { note: row.note, at: row.created_at });
    }
    return map;
  }

  private async latestSlipReasons(actionIds: number[], asOf: string): Promise<Map<number, string>> {
    const map = new Map<number, string>();
    for (const ids of chunks(actionIds)) {
      const rows = await ReadSnapshot.manager(this.dataSource)
        .createQueryBuilder()
        .select(['dc.action_id AS action_id', 'dc.reason AS reason'])
        .from('due_date_change', 'dc')
        .where('dc.action_id IN (:...ids)', { ids })
        .andWhere('dc.created_at <= :end', { end: endOfDay(asOf) })
        .orderBy('dc.created_at', 'ASC')
        .addOrderBy('dc.id', 'ASC')
        .getRawMany<{ action_id: number; reason: string }>();
      for (const row of rows) map.set(Number(row.action_id), row.reason);
    }
    return map;
  }

  private async assuredSince(
    actionIds: number[],
    from: string,
    asOf: string,
  ): Promise<Map<number, string>> {
    const map = new Map<number, string>();
    for (const ids of chunks(actionIds)) {
      const rows = await ReadSnapshot.manager(this.dataSource)
        .createQueryBuilder()
        .select(['pu.action_id AS action_id', 'MAX(pu.created_at) AS at'])
        .from('progress_update', 'pu')
        .where('pu.action_id IN (:...ids)', { ids })
        .andWhere("pu.status_to = 'ASSURED'")
        .andWhere('pu.created_at >= :from AND pu.created_at <= :end', { from, end: endOfDay(asOf) })
        .groupBy('pu.action_id')
        .getRawMany<{ action_id: number; at: string }>();
      for (const row of rows) map.set(Number(row.action_id), row.at);
    }
    return map;
  }
}

function chunks(ids: number[], size = 500): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** How many past month-end counts a report service keeps. */
const PAST_COUNTS_KEPT = 5000;

/** The last day of each of the `months` months before the as-at date, then the date itself. */
export function monthEnds(asOf: string, months: number): string[] {
  const [year, month] = asOf.split('-').map(Number);
  const dates: string[] = [];
  for (let back = months; back >= 1; back--) {
    dates.push(new Date(Date.UTC(year, month - back, 0)).toISOString().slice(0, 10));
  }
  return [...dates, asOf];
}
