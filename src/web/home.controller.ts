import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { DueDateRequest } from '../actions/due-date-request.entity';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { ActionsService } from '../actions/actions.service';
import { Allow, AuthenticatedRequest, READ_ROLES } from '../auth/roles';
import { TrustAccess } from '../auth/trust-access';
import { todayDate } from '../common/dates';
import { BoardReportService } from '../reports/board-report.service';
import { bragByServiceChart, openOverTimeChart } from '../reports/charts';
import { servicesWithoutDate, trustSummary } from './home-summary';
import { PageRenderer } from './page-renderer';
import { TrustScopes } from './trust-scope';
import { WorkQueues } from './work-queues';

const OPEN = new Set(['ON_TRACK', 'AT_RISK', 'OFF_TRACK']);
const MY_ACTIONS_LIMIT = 200;
/** The overview lists only the worst exceptions; the rest are a link away. */
const EXCEPTIONS_SHOWN = 10;

/**
 * Home: a one-line summary of the trust, then the person's work queues (each a count and a
 * link to the list of exactly those items). An owner then sees their own actions, overdue
 * first; everyone else sees readiness, then the rest of the trust at a glance (the board
 * report's figures, so the two always agree).
 */
@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(
    private readonly actions: ActionsService,
    private readonly boardReports: BoardReportService,
    private readonly scopes: TrustScopes,
    private readonly queues: WorkQueues,
    private readonly pages: PageRenderer,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  async home(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('organisationId') organisationId?: string,
  ) {
    const user = request.user!;
    const scope = await this.scopes.resolve(organisationId);
    if (!scope.current) {
      return this.pages.render(request, response, 'home-empty', { title: 'Home' });
    }
    const trust = scope.current;
    // A person may hold different roles in different trusts: the queues follow this trust's.
    const role = TrustAccess.roleIn(trust.id) ?? user.role;
    const report = await this.boardReports.build({ organisationId: trust.id });
    const withoutDate = servicesWithoutDate(report);
    const queues = await this.queues.forRole(role, user.id, trust.id, withoutDate);
    const common = { scope, summary: trustSummary(report), queues, report, withoutDate };
    if (role === 'owner') {
      return this.pages.render(request, response, 'home-owner', {
        title: `My actions – ${trust.name}`,
        ...common,
        ...(await this.myActions(user.id, trust.id)),
        elsewhere: await this.openElsewhere(user.id, scope.organisations, trust.id),
        requestOutcomes: await this.requestOutcomes(user.id, trust.id),
      });
    }
    const services = report.breakdowns.find((b) => b.title === 'By core service')?.rows ?? [];
    this.pages.render(request, response, 'home-trust', {
      title: `Home – ${trust.name}`,
      ...common,
      role,
      exceptions: report.exceptions.slice(0, EXCEPTIONS_SHOWN),
      offTrack: report.byDeliveryStatus.OFF_TRACK,
      atRisk: report.byDeliveryStatus.AT_RISK,
      totalActions: Object.values(report.byBrag).reduce((sum, n) => sum + n, 0),
      bragChart: services.length ? svgImageSource(bragByServiceChart(services)) : null,
      openChart: svgImageSource(openOverTimeChart(report.openOverTime, report.nextReinspection)),
    });
  }

  /** An owner working in several trusts is told where else their open actions are, one click away. */
  private async openElsewhere(
    userId: number,
    organisations: { id: number; name: string }[],
    currentId: number,
  ): Promise<{ id: number; name: string; open: number }[]> {
    const others = organisations.filter((o) => o.id !== currentId);
    const counts = await Promise.all(
      others.map(async (o) => {
        const query = Object.assign(new ListActionsQueryDto(), {
          organisationId: o.id,
          ownerId: userId,
          open: true,
          limit: 1,
          offset: 0,
        });
        return { ...o, open: (await this.actions.list(query)).total };
      }),
    );
    return counts.filter((o) => o.open > 0);
  }

  /**
   * What became of the owner's requests for a new due date in the last few weeks, so the answer
   * reaches them on Home and not only on the action.
   */
  private async requestOutcomes(userId: number, organisationId: number) {
    const since = new Date(Date.now() - REQUEST_OUTCOME_DAYS * 86_400_000).toISOString();
    const rows = await this.dataSource
      .getRepository(DueDateRequest)
      .createQueryBuilder('r')
      .innerJoinAndSelect('r.action', 'a')
      .leftJoinAndSelect('r.decidedBy', 'd')
      .where('r.requestedById = :userId', { userId })
      .andWhere('a.organisationId = :organisationId', { organisationId })
      .andWhere("r.state <> 'PENDING'")
      .andWhere('r.decidedAt >= :since', { since })
      .orderBy('r.decidedAt', 'DESC')
      .take(20)
      .getMany();
    return rows.map((r) => ({
      actionId: r.actionId,
      action: r.action?.reference ?? r.action?.title ?? `Action ${r.actionId}`,
      newDueDate: r.newDueDate,
      outcome: REQUEST_OUTCOMES[r.state] ?? r.state,
      decidedBy: r.decidedBy?.name ?? null,
      decidedAt: r.decidedAt,
      note: r.decisionNote,
    }));
  }

  private async myActions(userId: number, organisationId: number) {
    const page = await this.actions.list(
      Object.assign(new ListActionsQueryDto(), {
        organisationId,
        ownerId: userId,
        sort: 'dueDate',
        order: 'asc',
        limit: MY_ACTIONS_LIMIT,
        offset: 0,
      }),
    );
    const today = todayDate();
    const open = page.items.filter((a) => OPEN.has(a.deliveryStatus));
    return {
      today,
      overdue: open.filter((a) => a.dueDate < today),
      upcoming: open.filter((a) => a.dueDate >= today),
      awaitingAssurance: page.items.filter((a) => a.deliveryStatus === 'COMPLETED'),
      assuredCount: page.items.filter((a) => a.deliveryStatus === 'ASSURED').length,
      total: page.total,
    };
  }
}

const REQUEST_OUTCOME_DAYS = 30;
const REQUEST_OUTCOMES: Record<string, string> = {
  APPROVED: 'Agreed',
  REJECTED: 'Refused',
  SUPERSEDED: 'Overtaken by a direct change of date',
  CLOSED: 'Closed when the action was cancelled',
};

/**
 * A chart goes into the page as an image, never as inline markup: an SVG loaded by <img> runs no
 * script and reaches no page state, so names in it (core services) cannot inject anything,
 * whatever the charting library does with them, and the template needs no `| safe`.
 */
function svgImageSource(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
