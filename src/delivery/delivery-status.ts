import type { ActionStatus } from '../actions/action.entity';
import { addDays, startOfDay } from '../common/dates';

/** In the one order every page, list and report shows them: what needs attention first. */
export const DELIVERY_STATUSES = [
  'OFF_TRACK',
  'AT_RISK',
  'ON_TRACK',
  'COMPLETED',
  'ASSURED',
  'CANCELLED',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** An open action due within this many days with too little progress is at risk. */
export const DUE_SOON_DAYS = 14;
/** ...where too little progress means under this percentage. */
export const DUE_SOON_MIN_PROGRESS = 50;
/** An open action with no update for longer than this is at risk. */
export const STALE_AFTER_DAYS = 30;

/** What delivery status is derived from, each as it stood at the as-at date. */
export interface DeliveryFacts {
  status: ActionStatus;
  progress: number;
  dueDate: string;
  /** The latest history entry flagged the action off track. */
  flaggedOffTrack: boolean;
  /** Instant of the latest history entry, or of the action's creation if it has none. */
  lastActivityAt: string;
  /** Earliest reinspection date of the core services its findings belong to. */
  reinspectionDate: string | null;
}

/** Why an action has the delivery status it has; the first matching reason wins. */
export type DeliveryReason =
  | 'ASSURED'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'PAST_DUE'
  | 'FLAGGED_OFF_TRACK'
  | 'DUE_AFTER_REINSPECTION'
  | 'DUE_SOON_WITH_LOW_PROGRESS'
  | 'NO_RECENT_UPDATE'
  | 'ON_TRACK';

/**
 * The delivery status of docs/domain.md as at `asOf` (a calendar date). The SQL translation in
 * delivery-status.sql.ts must give the same answer; an e2e test compares the two.
 */
export function deliveryReason(facts: DeliveryFacts, asOf: string): DeliveryReason {
  switch (facts.status) {
    case 'ASSURED':
      return 'ASSURED';
    case 'COMPLETED':
      return 'COMPLETED';
    case 'CANCELLED':
      return 'CANCELLED';
    case 'NOT_STARTED':
    case 'IN_PROGRESS':
      break;
  }
  if (facts.dueDate < asOf) return 'PAST_DUE';
  if (facts.flaggedOffTrack) return 'FLAGGED_OFF_TRACK';
  if (facts.reinspectionDate !== null && facts.dueDate > facts.reinspectionDate) {
    return 'DUE_AFTER_REINSPECTION';
  }
  if (facts.dueDate <= addDays(asOf, DUE_SOON_DAYS) && facts.progress < DUE_SOON_MIN_PROGRESS) {
    return 'DUE_SOON_WITH_LOW_PROGRESS';
  }
  if (facts.lastActivityAt < staleBefore(asOf)) return 'NO_RECENT_UPDATE';
  return 'ON_TRACK';
}

export function deliveryStatus(facts: DeliveryFacts, asOf: string): DeliveryStatus {
  return deliveryStatusOfReason(deliveryReason(facts, asOf));
}

export function deliveryStatusOfReason(reason: DeliveryReason): DeliveryStatus {
  switch (reason) {
    case 'ASSURED':
    case 'COMPLETED':
    case 'CANCELLED':
    case 'ON_TRACK':
      return reason;
    case 'PAST_DUE':
    case 'FLAGGED_OFF_TRACK':
      return 'OFF_TRACK';
    case 'DUE_AFTER_REINSPECTION':
    case 'DUE_SOON_WITH_LOW_PROGRESS':
    case 'NO_RECENT_UPDATE':
      return 'AT_RISK';
  }
}

/**
 * Activity before this instant (the start of the London day 30 days before `asOf`) is stale as
 * at `asOf`. An entry made on that day itself is not stale: 30 whole days have not yet passed.
 */
export function staleBefore(asOf: string): string {
  return startOfDay(addDays(asOf, -STALE_AFTER_DAYS));
}
