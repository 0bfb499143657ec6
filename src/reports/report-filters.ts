import { EntityManager } from 'typeorm';
import { Action } from '../actions/action.entity';
import { AppError, FieldProblem } from '../common/app-error';
import { CoreService } from '../core-services/core-service.entity';
import { isMember } from '../users/memberships';
import { User } from '../users/user.entity';

/** The filters a board report and a CQC return narrow by, besides the trust and the date. */
export interface ReportFilters {
  coreServiceId?: number;
  executiveLeadId?: number;
}

/**
 * Refuses filter ids that are not the trust's own (issue 16): another trust's core service or
 * person used to give an empty report, and an issued one was stored as if it were the trust's
 * record. Called by the board report and the CQC return before they read anything else, so
 * every door (the API, the pages, issuing) refuses alike and nothing is built or stored.
 *
 * A person is the trust's when they are a member, an admin (admins may lead any trust's
 * actions), or the executive lead of one of its actions (a lead who has since left the
 * trust still has a history to report on).
 */
export async function checkReportFilters(
  manager: EntityManager,
  organisationId: number,
  filters: ReportFilters,
): Promise<void> {
  const problems: FieldProblem[] = [];
  const { coreServiceId, executiveLeadId } = filters;
  if (
    coreServiceId !== undefined &&
    coreServiceId !== null &&
    !(await manager.existsBy(CoreService, { id: coreServiceId, organisationId }))
  )
    problems.push({
      field: 'coreServiceId',
      reason: 'not a core service of this trust',
      constraint: 'isOtherTrust',
    });
  if (
    executiveLeadId !== undefined &&
    executiveLeadId !== null &&
    !(await isPersonOf(manager, executiveLeadId, organisationId))
  )
    problems.push({
      field: 'executiveLeadId',
      reason: 'not a person of this trust',
      constraint: 'isOtherTrust',
    });
  if (problems.length)
    throw new AppError('VALIDATION_FAILED', 'The request is not valid', problems);
}

async function isPersonOf(
  manager: EntityManager,
  userId: number,
  organisationId: number,
): Promise<boolean> {
  const user = await manager.findOne(User, {
    where: { id: userId },
    select: { id: true, role: true },
  });
  if (!user) return false;
  return (
    user.role === 'admin' ||
    (await isMember(manager, userId, organisationId)) ||
    (await manager.existsBy(Action, { executiveLeadId: userId, organisationId }))
  );
}
