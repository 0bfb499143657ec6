import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActionsService } from '../actions/actions.service';
import { ActionDto, ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { validationFailed } from '../common/app-error';
import { endOfDay } from '../common/dates';
import { BRAG_ORDER, DELIVERY_STATUS_ORDER } from '../common/words';
import { ReadSnapshot } from '../database/read-snapshot';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { Brag } from '../delivery/brag';
import { DeliveryStatus } from '../delivery/delivery-status';
import { BoardReport, BoardReportOptions, BoardReportService } from './board-report.service';
import { IssuedReport } from './issued-report.entity';

export interface MovementActionRef {
  id: number;
  reference: string | null;
  title: string;
}

/** "Movement since the last issued board report": the board's figures then and now. */
export interface BoardMovement {
  /** What this report is compared with; null when nothing earlier was issued or asked for. */
  since: {
    asOf: string;
    /** The issued board report compared with, or null for a date the caller chose. */
    issuedReport: { id: number; meeting: string; issuedAt: string } | null;
  } | null;
  byDeliveryStatus: { status: DeliveryStatus; then: number; now: number }[];
  byBrag: { brag: Brag; then: number; now: number }[];
  /** Off track now and not off track then (including actions that did not exist then). */
  newlyOffTrack: MovementActionRef[];
  /** Assured now and not assured then. */
  newlyAssured: MovementActionRef[];
  /** Every due-date change made after the end of the earlier day, up to the end of this one. */
  /**
   * When nothing earlier was issued but a board report as at this same date was (issued
   * earlier in the day, say): which one, so the paper does not claim none was issued.
   */
  sameDateIssued?: { meeting: string; issuedAt: string } | null;
  dueDatesMoved: {
    action: MovementActionRef;
    from: string;
    to: string;
    reason: string;
    movedAt: string;
  }[];
}

export interface BoardReportWithMovementOptions extends BoardReportOptions {
  /** Compare with this earlier date instead of the last issued board report. */
  sinceAsOf?: string;
}

const BATCH = 2000;

/** The one status order of every page and report: what needs attention first. */
const STATUS_ORDER: readonly DeliveryStatus[] = DELIVERY_STATUS_ORDER;

/**
 * The board report with its movement section. The earlier figures are the board report
 * itself, built again as at the earlier date with the same filters, so "then" is exactly what
 * a board report for that date says (and, for an issued one, what the issued paper said,
 * since reports as at a past date do not change).
 */
@Injectable()
export class BoardMovementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly boardReports: BoardReportService,
    private readonly actions: ActionsService,
    private readonly facts: ActionFactsRepository,
  ) {}

  async build(options: BoardReportWithMovementOptions): Promise<BoardReport> {
    const { sinceAsOf, ...reportOptions } = options;
    const report = await this.boardReports.build(reportOptions);
    report.movement = await this.movement(report, reportOptions, sinceAsOf);
    return report;
  }

  private async movement(
    now: BoardReport,
    options: BoardReportOptions,
    sinceAsOf: string | undefined,
  ): Promise<BoardMovement> {
    if (sinceAsOf !== undefined && sinceAsOf >= now.asOf)
      throw validationFailed('sinceAsOf', `must be before the report's date (${now.asOf})`);
    const since = sinceAsOf
      ? { asOf: sinceAsOf, issuedReport: null }
      : await this.lastIssued(now.organisation.id, now.asOf);
    if (!since)
      return {
        since: null,
        sameDateIssued: sinceAsOf
          ? null
          : await this.issuedForSameDate(now.organisation.id, now.asOf),
        byDeliveryStatus: [],
        byBrag: [],
        newlyOffTrack: [],
        newlyAssured: [],
        dueDatesMoved: [],
      };
    const then = await this.boardReports.build({ ...options, asOf: since.asOf });
    const [offTrackThen, offTrackNow, assuredThen, assuredNow] = [
      await this.withStatus(options, since.asOf, 'OFF_TRACK'),
      await this.withStatus(options, now.asOf, 'OFF_TRACK'),
      await this.withStatus(options, since.asOf, 'ASSURED'),
      await this.withStatus(options, now.asOf, 'ASSURED'),
    ];
    const newly = (nowList: ActionDto[], thenList: ActionDto[]) => {
      const before = new Set(thenList.map((a) => a.id));
      return nowList.filter((a) => !before.has(a.id)).map(refOf);
    };
    return {
      since,
      byDeliveryStatus: STATUS_ORDER.map((status) => ({
        status,
        then: then.byDeliveryStatus[status],
        now: now.byDeliveryStatus[status],
      })),
      byBrag: BRAG_ORDER.map((brag) => ({
        brag,
        then: then.byBrag[brag],
        now: now.byBrag[brag],
      })),
      newlyOffTrack: newly(offTrackNow, offTrackThen),
      newlyAssured: newly(assuredNow, assuredThen),
      dueDatesMoved: await this.dueDatesMoved(options, since.asOf, now.asOf),
    };
  }

  /**
   * The latest board report issued for this trust, by the end of this report's day, as at a
   * date before this one.
   */
  private async lastIssued(organisationId: number, asOf: string): Promise<BoardMovement['since']> {
    const issued = await ReadSnapshot.manager(this.dataSource)
      .getRepository(IssuedReport)
      .createQueryBuilder('r')
      // Never the file itself: only what says which report it was.
      .select(['r.id', 'r.asOf', 'r.meeting', 'r.issuedAt'])
      .where('r.organisationId = :organisationId', { organisationId })
      .andWhere("r.kind = 'board'")
      .andWhere('r.asOf < :asOf', { asOf })
      // Only what had been issued by the end of this report's day, so a report as at a past
      // date says the same however many reports are issued later.
      .andWhere('r.issuedAt <= :end', { end: endOfDay(asOf) })
      .orderBy('r.asOf', 'DESC')
      .addOrderBy('r.issuedAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .getOne();
    if (!issued) return null;
    return {
      asOf: issued.asOf,
      issuedReport: { id: issued.id, meeting: issued.meeting, issuedAt: issued.issuedAt },
    };
  }

  /** The latest board report issued as at exactly this date, by the end of the day. */
  private async issuedForSameDate(
    organisationId: number,
    asOf: string,
  ): Promise<BoardMovement['sameDateIssued']> {
    const issued = await ReadSnapshot.manager(this.dataSource)
      .getRepository(IssuedReport)
      .createQueryBuilder('r')
      .select(['r.id', 'r.meeting', 'r.issuedAt'])
      .where('r.organisationId = :organisationId', { organisationId })
      .andWhere("r.kind = 'board'")
      .andWhere('r.asOf = :asOf', { asOf })
      .andWhere('r.issuedAt <= :end', { end: endOfDay(asOf) })
      .orderBy('r.issuedAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .getOne();
    return issued ? { meeting: issued.meeting, issuedAt: issued.issuedAt } : null;
  }

  /** The report's actions in one delivery status as at a date, filtered as the report is. */
  private async withStatus(
    options: BoardReportOptions,
    asOf: string,
    deliveryStatus: DeliveryStatus,
  ): Promise<ActionDto[]> {
    const query = {
      organisationId: options.organisationId,
      coreServiceId: options.coreServiceId,
      executiveLeadId: options.executiveLeadId,
      deliveryStatus,
      asOf,
    } as ListActionsQueryDto;
    const all: ActionDto[] = [];
    for (let afterId = 0; ;) {
      const batch = await this.actions.batchAfter(query, asOf, afterId, BATCH);
      all.push(...batch);
      if (batch.length < BATCH) return all;
      afterId = batch[batch.length - 1].id;
    }
  }

  private async dueDatesMoved(
    options: BoardReportOptions,
    sinceAsOf: string,
    asOf: string,
  ): Promise<BoardMovement['dueDatesMoved']> {
    const rows = await ReadSnapshot.manager(this.dataSource)
      .createQueryBuilder()
      .select([
        'dc.action_id AS action_id',
        'dc.previous_due_date AS previous_due_date',
        'dc.new_due_date AS new_due_date',
        'dc.reason AS reason',
        'dc.created_at AS created_at',
      ])
      .from('due_date_change', 'dc')
      .innerJoin('action', 'a', 'a.id = dc.action_id')
      .where('a.organisation_id = :organisationId', { organisationId: options.organisationId })
      .andWhere('dc.created_at > :from AND dc.created_at <= :to', {
        from: endOfDay(sinceAsOf),
        to: endOfDay(asOf),
      })
      .orderBy('dc.created_at', 'ASC')
      .addOrderBy('dc.id', 'ASC')
      .getRawMany<{
        action_id: number;
        previous_due_date: string;
        new_due_date: string;
        reason: string;
        created_at: string;
      }>();
    // Named, linked and led as they stood at the end of this report's day.
    const actions = await this.facts.findWithPeopleAndFindings(
      [...new Set(rows.map((r) => Number(r.action_id)))],
      asOf,
    );
    return rows.flatMap((row) => {
      const action = actions.get(Number(row.action_id));
      if (!action) return [];
      // The report's own filters: an action of that core service, led by that person.
      if (
        options.coreServiceId &&
        !action.findings?.some((f) => f.coreServiceId === options.coreServiceId)
      )
        return [];
      if (options.executiveLeadId && action.executiveLeadId !== options.executiveLeadId) return [];
      return [
        {
          action: refOf(action),
          from: row.previous_due_date,
          to: row.new_due_date,
          reason: row.reason,
          movedAt: row.created_at,
        },
      ];
    });
  }
}

function refOf(action: { id: number; reference: string | null; title: string }) {
  return { id: action.id, reference: action.reference, title: action.title };
}
