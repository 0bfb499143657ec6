import type { ActionDto, EvidenceDto } from '../actions/dto/action-read.dto';
import type { User } from '../users/user.entity';

/** Which of an action's forms a person is shown. The API enforces the same rules; hiding a
 * button is a courtesy, never the protection. A button is shown only when its change can
 * succeed, so each rule mirrors the service's checks (action-rules.ts, assurance-independence.ts). */
export interface ActionPermissions {
  postProgress: boolean;
  complete: boolean;
  addEvidence: boolean;
  /** May review evidence on this action at all; each item also needs `canReview`. */
  reviewEvidence: boolean;
  assure: boolean;
  changeDueDate: boolean;
  requestDueDate: boolean;
  decideDueDate: boolean;
  assign: boolean;
  editDetails: boolean;
  cancel: boolean;
}

/** What the assurance rule needs beyond the action: read by the page before it asks. */
export interface AssuranceFacts {
  /** Evidence items accepted by a reviewer. */
  acceptedEvidence: number;
  /** The person passes the independence check (never owned it, did not complete it, did not submit its accepted evidence). */
  independent: boolean;
}

type Person = Pick<User, 'id'> & { role: string };
type ActionFacts = Pick<ActionDto, 'status' | 'owner' | 'executiveLead'>;

const OPEN = new Set(['NOT_STARTED', 'IN_PROGRESS']);

function standing(user: Person, action: ActionFacts) {
  const lead = user.role === 'admin' || user.role === 'quality_lead';
  return {
    lead,
    ownsIt: user.role === 'owner' && action.owner?.id === user.id,
    leadsIt: user.role === 'executive' && action.executiveLead?.id === user.id,
    isOwnerOfRecord: action.owner?.id === user.id,
    open: OPEN.has(action.status),
  };
}

export function permissionsFor(
  user: Person,
  action: ActionFacts,
  facts: AssuranceFacts,
): ActionPermissions {
  const { lead, ownsIt, leadsIt, isOwnerOfRecord, open } = standing(user, action);
  const reportable = lead || ownsIt;
  return {
    postProgress: reportable && (open || action.status === 'COMPLETED'),
    complete: reportable && open,
    addEvidence: reportable && action.status !== 'CANCELLED' && action.status !== 'ASSURED',
    reviewEvidence: lead && !isOwnerOfRecord && action.status !== 'CANCELLED',
    assure:
      (lead || leadsIt) &&
      action.status === 'COMPLETED' &&
      !isOwnerOfRecord &&
      facts.acceptedEvidence > 0 &&
      facts.independent,
    changeDueDate: (lead || leadsIt) && open,
    requestDueDate: ownsIt && open,
    decideDueDate: (lead || leadsIt) && open,
    assign: lead && action.status !== 'CANCELLED' && action.status !== 'ASSURED',
    editDetails: lead && action.status !== 'CANCELLED',
    // Only an open action may be cancelled (action-rules.ts: COMPLETED and ASSURED are not).
    cancel: lead && open,
  };
}

/** One evidence item may be reviewed: still awaiting review, not by whoever submitted it or owns the action. */
export function canReview(
  user: Person,
  action: ActionFacts,
  item: Pick<EvidenceDto, 'reviewState' | 'submittedBy'>,
): boolean {
  return (
    permissionsFor(user, action, { acceptedEvidence: 0, independent: false }).reviewEvidence &&
    item.reviewState === 'SUBMITTED' &&
    item.submittedBy?.id !== user.id
  );
}

/**
 * Why someone who could one day assure this action cannot yet: a short line for the page in
 * place of the button. Null when they can, or when assuring is never theirs to do.
 */
export function assuranceExplanation(
  user: Person,
  action: ActionFacts,
  facts: AssuranceFacts,
): string | null {
  const { lead, leadsIt, isOwnerOfRecord, open } = standing(user, action);
  if (!(lead || leadsIt) || action.status === 'ASSURED' || action.status === 'CANCELLED')
    return null;
  if (isOwnerOfRecord || !facts.independent) {
    return 'You cannot assure this action because you had a hand in the work. Someone independent of it must assure it.';
  }
  if (open)
    return 'You can assure this once it has been marked as complete and evidence has been accepted.';
  if (facts.acceptedEvidence < 1) return 'You can assure this once evidence has been accepted.';
  return null;
}

/** Why an evidence item shows no Review link to someone who may review evidence here. */
export function reviewExplanation(
  user: Person,
  action: ActionFacts,
  item: Pick<EvidenceDto, 'reviewState' | 'submittedBy'>,
): string | null {
  const p = permissionsFor(user, action, { acceptedEvidence: 0, independent: false });
  if (!p.reviewEvidence || item.reviewState !== 'SUBMITTED') return null;
  return item.submittedBy?.id === user.id
    ? 'You submitted this, so someone else must review it.'
    : null;
}
