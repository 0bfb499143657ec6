import { Injectable } from '@nestjs/common';
import { ActionsService } from '../actions/actions.service';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import { FindingsService } from '../findings/findings.service';
import type { UserRole } from '../users/user.entity';
import { toQueryString } from './list-pages';

/** One queue on Home: how many items wait, and the list that shows exactly those. */
export interface WorkQueue {
  id: string;
  title: string;
  /** What to do with the items, in a few words. */
  hint: string;
  count: number;
  href: string;
  /** The first item of the list, linked straight from Home so the next piece of work is one click away. */
  next?: { href: string; text: string };
}

/** The filters of one actions queue: the same names as the list's URL and the API's query. */
type ActionFilters = Partial<
  Pick<
    ListActionsQueryDto,
    | 'ownerId'
    | 'executiveLeadId'
    | 'open'
    | 'overdue'
    | 'evidence'
    | 'dueDateRequest'
    | 'awaiting'
    | 'deliveryStatus'
  >
>;

interface ActionQueue {
  id: string;
  title: string;
  hint: string;
  filters: ActionFilters;
}

/** A service to show on Home that has no reinspection date yet. */
export interface ServiceWithoutDate {
  coreServiceId: number | null;
  name: string;
}

/**
 * Each role's daily work, as queues on Home. A queue's count is the total of the very query its
 * link runs (the actions list reads the same filters through the same DTO), so the number on
 * Home is always the number of rows the list shows.
 */
@Injectable()
export class WorkQueues {
  constructor(
    private readonly actions: ActionsService,
    private readonly findings: FindingsService,
  ) {}

  async forRole(
    role: UserRole,
    userId: number,
    organisationId: number,
    servicesWithoutDate: ServiceWithoutDate[],
  ): Promise<WorkQueue[]> {
    const queues = await Promise.all(
      actionQueuesFor(role, userId).map((queue) => this.countActions(queue, organisationId)),
    );
    if (role === 'quality_lead' || role === 'admin') {
      queues.push(await this.findingsWithoutAction(organisationId), {
        id: 'services-without-date',
        title: 'Services without a reinspection date',
        hint: 'Set when CQC is expected back',
        count: servicesWithoutDate.length,
        href: '#services-without-date',
      });
    }
    return queues;
  }

  private async countActions(queue: ActionQueue, organisationId: number): Promise<WorkQueue> {
    const query = Object.assign(new ListActionsQueryDto(), {
      ...queue.filters,
      organisationId,
      limit: 1,
      offset: 0,
    });
    const { total, items } = await this.actions.list(query);
    const first = items[0];
    return {
      id: queue.id,
      title: queue.title,
      hint: queue.hint,
      count: total,
      href: `/actions${toQueryString({ organisationId, ...stringify(queue.filters) })}`,
      next: first
        ? {
            href: `/actions/${first.id}`,
            text: first.reference ? `${first.reference}: ${first.title}` : first.title,
          }
        : undefined,
    };
  }

  private async findingsWithoutAction(organisationId: number): Promise<WorkQueue> {
    const query = Object.assign(new ListFindingsQueryDto(), {
      organisationId,
      uncovered: true,
      limit: 1,
      offset: 0,
    });
    const { total } = await this.findings.list(query);
    return {
      id: 'findings-without-action',
      title: 'Findings without an action',
      hint: 'Plan an action for each',
      count: total,
      href: `/findings${toQueryString({ organisationId, uncovered: 'true' })}`,
    };
  }
}

/** Which queues each role works from. Viewers and board members have none: they read readiness. */
export function actionQueuesFor(role: UserRole, userId: number): ActionQueue[] {
  switch (role) {
    case 'owner':
      return [
        {
          id: 'my-actions',
          title: 'My open actions',
          hint: 'Overdue first; post an update when something changes',
          filters: { ownerId: userId, open: true },
        },
        {
          id: 'my-overdue',
          title: 'My overdue actions',
          hint: 'Past their due date',
          filters: { ownerId: userId, overdue: true },
        },
        {
          id: 'evidence-returned',
          title: 'Evidence sent back to me',
          hint: 'Rejected; add better evidence',
          filters: { ownerId: userId, evidence: 'returned' },
        },
      ];
    case 'quality_lead':
    case 'admin':
      return [
        {
          id: 'evidence-to-review',
          title: 'Evidence to review',
          hint: 'Accept or reject it',
          filters: { evidence: 'toReview' },
        },
        {
          id: 'due-date-requests',
          title: 'Due-date requests to decide',
          hint: 'Agree or refuse a new due date',
          filters: { dueDateRequest: 'pending' },
        },
      ];
    case 'executive':
      return [
        {
          id: 'awaiting-assurance',
          title: 'Awaiting my assurance',
          hint: 'Completed with accepted evidence',
          filters: { executiveLeadId: userId, awaiting: 'assurance' },
        },
        {
          id: 'due-date-requests',
          title: 'Due-date requests to decide',
          hint: 'On actions I lead',
          filters: { executiveLeadId: userId, dueDateRequest: 'pending' },
        },
        {
          id: 'off-track',
          title: 'Actions I lead that are off track',
          hint: 'Ask the owner what is needed',
          filters: { executiveLeadId: userId, deliveryStatus: 'OFF_TRACK' },
        },
      ];
    case 'viewer':
      return [];
  }
}

function stringify(filters: ActionFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).map(([key, value]) => [key, String(value)]));
}
