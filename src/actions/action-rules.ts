import { AppError } from '../common/app-error';
import type { ActionStatus } from './action.entity';

/**
 * Status changes an action may make. ASSURED is reopened when a later check finds the
 * improvement has not lasted; CANCELLED is final.
 */
const NEXT_STATUSES: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  NOT_STARTED: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: ['IN_PROGRESS', 'ASSURED'],
  ASSURED: ['IN_PROGRESS'],
  CANCELLED: [],
};

export const OPEN_STATUSES: readonly ActionStatus[] = ['NOT_STARTED', 'IN_PROGRESS'];

export function checkTransition(from: ActionStatus, to: ActionStatus): void {
  if (!NEXT_STATUSES[from].includes(to)) {
    throw new AppError(
      'INVALID_STATUS_TRANSITION',
      `An action cannot go from ${from} to ${to}` +
        (NEXT_STATUSES[from].length
          ? ` (allowed: ${NEXT_STATUSES[from].join(', ')})`
          : ' (it is final)'),
    );
  }
}

export interface ProgressInput {
  progress?: number;
  status?: ActionStatus;
}

export interface ProgressOutcome {
  progress: number;
  /** The new status, or null when the status does not change. */
  statusTo: ActionStatus | null;
}

/**
 * What a progress update does to an action. COMPLETED needs progress 100 and forces it;
 * the first progress above 0 starts a not-started action; ASSURED and CANCELLED have their
 * own routes because they have their own checks; a closed action takes no progress unless
 * the update reopens it.
 */
export function applyProgressUpdate(
  current: { status: ActionStatus; progress: number },
  input: ProgressInput,
): ProgressOutcome {
  if (input.status === 'ASSURED') {
    throw new AppError(
      'INVALID_STATUS_TRANSITION',
      'An action is assured through POST /api/v1/actions/{id}/assure, which checks its evidence',
    );
  }
  if (input.status === 'CANCELLED') {
    throw new AppError(
      'INVALID_STATUS_TRANSITION',
      'An action is cancelled through POST /api/v1/actions/{id}/cancel, with a reason',
    );
  }
  const closed = !OPEN_STATUSES.includes(current.status);
  if (current.status === 'CANCELLED') {
    throw new AppError('ACTION_CLOSED', 'This action was cancelled; it takes no more updates');
  }
  if (closed && input.status !== 'IN_PROGRESS') {
    throw new AppError(
      'ACTION_CLOSED',
      `This action is ${current.status}; post status IN_PROGRESS to reopen it before reporting progress`,
    );
  }

  let progress = input.progress ?? current.progress;
  let target = input.status ?? current.status;
  // Reporting any progress on a not-started action starts it.
  if (target === 'NOT_STARTED' && progress > 0) target = 'IN_PROGRESS';
  if (target !== current.status) checkTransition(current.status, target);

  if (target === 'COMPLETED') {
    if (input.progress !== undefined && input.progress !== 100) {
      throw new AppError(
        'COMPLETION_NEEDS_FULL_PROGRESS',
        `A completed action has progress 100; this update says ${input.progress}`,
      );
    }
    progress = 100;
  }
  return { progress, statusTo: target === current.status ? null : target };
}

export interface AssuranceCheck {
  status: ActionStatus;
  ownerId: number | null;
  assurerId: number;
  acceptedEvidence: number;
}

/** ASSURED needs a completed action, accepted evidence, and an assurer who is not the owner. */
export function checkAssurance(check: AssuranceCheck): void {
  checkTransition(check.status, 'ASSURED');
  if (check.acceptedEvidence < 1) {
    throw new AppError(
      'ASSURANCE_NEEDS_ACCEPTED_EVIDENCE',
      'An action is assured only once at least one evidence item has been accepted',
    );
  }
  if (check.ownerId !== null && check.ownerId === check.assurerId) {
    throw new AppError('ASSURER_IS_OWNER', "An action's owner cannot assure it");
  }
}

/** Evidence is reviewed once, by someone other than whoever submitted it or owns the action. */
export function checkEvidenceReview(check: {
  reviewState: string;
  submittedById: number;
  ownerId: number | null;
  reviewerId: number;
}): void {
  if (check.reviewState !== 'SUBMITTED') {
    throw new AppError(
      'EVIDENCE_ALREADY_REVIEWED',
      `This evidence was already ${check.reviewState.toLowerCase()}`,
    );
  }
  if (check.reviewerId === check.submittedById) {
    throw new AppError(
      'REVIEWER_IS_AUTHOR',
      'Evidence cannot be reviewed by the person who submitted it',
    );
  }
  if (check.ownerId !== null && check.reviewerId === check.ownerId) {
    throw new AppError('REVIEWER_IS_AUTHOR', "Evidence cannot be reviewed by the action's owner");
  }
}

/** Who is acting, as far as the rules about roles and ownership need to know. */
export interface Actor {
  id: number;
  role: string;
}

/** An owner acts only on the actions they own; other allowed roles act on any. */
export function checkOwnsAction(actor: Actor, action: { ownerId: number | null }): void {
  if (actor.role === 'owner' && action.ownerId !== actor.id) {
    throw new AppError('NOT_ACTION_OWNER', 'An owner can do this only on actions they own');
  }
}

/** An executive acts only on the actions they lead; other allowed roles act on any. */
export function checkLeadsAction(actor: Actor, action: { executiveLeadId: number | null }): void {
  if (actor.role === 'executive' && action.executiveLeadId !== actor.id) {
    throw new AppError('NOT_ACTION_LEAD', 'An executive can do this only on actions they lead');
  }
}
