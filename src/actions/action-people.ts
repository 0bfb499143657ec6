import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { AppError, FieldProblem } from '../common/app-error';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { User, UserRole } from '../users/user.entity';

/*
 * Who can hold a part on an action: the one rule the pickers, the search page, the API and
 * the plan import share. It reads the person's role in the action's trust (their membership,
 * as TrustAccess does for permissions), not their global role: someone who owns actions in
 * one trust may only view another. An admin holds every trust but does no work in one, so is
 * never offered; nor is anyone inactive, who could not sign in to act.
 */

export type ActionPart = 'owner' | 'executiveLead';

export const ACTION_PARTS: readonly ActionPart[] = ['owner', 'executiveLead'];

/** The trust roles that can hold each part. */
export const ROLES_FOR_PART: Record<ActionPart, readonly UserRole[]> = {
  owner: ['owner', 'quality_lead', 'executive'],
  executiveLead: ['executive'],
};

export const PART_FIELD: Record<ActionPart, 'ownerId' | 'executiveLeadId'> = {
  owner: 'ownerId',
  executiveLead: 'executiveLeadId',
};

const CANNOT_HOLD: Record<ActionPart, string> = {
  owner: 'this person cannot own actions in this trust',
  executiveLead: 'this person cannot be the executive lead of actions in this trust',
};

export function isActionPart(value: unknown): value is ActionPart {
  return value === 'owner' || value === 'executiveLead';
}

/**
 * The people who can hold `part` in a trust, as a query on `u` (app_user) to narrow further:
 * active, not an admin, and a member of the trust in one of the part's roles.
 */
export function eligiblePeople(
  manager: EntityManager,
  organisationId: number,
  part: ActionPart,
): SelectQueryBuilder<User> {
  return manager
    .createQueryBuilder(User, 'u')
    .innerJoin(
      OrganisationMembership,
      'm',
      'm.user_id = u.id AND m.organisation_id = :organisationId AND m.role IN (:...partRoles)',
      { organisationId, partRoles: [...ROLES_FOR_PART[part]] },
    )
    .where('u.active = :active', { active: true })
    .andWhere('u.role <> :admin', { admin: 'admin' });
}

/** Who an action would be given to: its trust and the people named (null/undefined: nobody). */
export interface Assignment {
  organisationId: number;
  ownerId?: number | null;
  executiveLeadId?: number | null;
}

/**
 * For each assignment, the fields naming someone who cannot hold that part in its trust.
 * One query per 400 people, so a plan import of thousands of rows stays a few statements.
 */
export async function assignmentProblems(
  manager: EntityManager,
  assignments: Assignment[],
): Promise<FieldProblem[][]> {
  const userIds = [
    ...new Set(
      assignments.flatMap((a) =>
        [a.ownerId, a.executiveLeadId].filter((id): id is number => typeof id === 'number'),
      ),
    ),
  ];
  const places = new Map<string, { role: string; active: boolean; admin: boolean }>();
  for (let i = 0; i < userIds.length; i += 400) {
    const rows: {
      user_id: number;
      organisation_id: number;
      role: string;
      active: unknown;
      user_role: string;
    }[] = await manager
      .createQueryBuilder(OrganisationMembership, 'm')
      .innerJoin(User, 'u', 'u.id = m.user_id')
      .select([
        'm.user_id AS user_id',
        'm.organisation_id AS organisation_id',
        'm.role AS role',
        'u.active AS active',
        'u.role AS user_role',
      ])
      .where('m.user_id IN (:...ids)', { ids: userIds.slice(i, i + 400) })
      .getRawMany();
    for (const row of rows)
      places.set(`${Number(row.user_id)}:${Number(row.organisation_id)}`, {
        role: row.role,
        // SQLite answers 1/0, PostgreSQL true/false.
        active: row.active === true || Number(row.active) === 1,
        admin: row.user_role === 'admin',
      });
  }
  return assignments.map((assignment) => {
    const problems: FieldProblem[] = [];
    for (const part of ACTION_PARTS) {
      const field = PART_FIELD[part];
      const id = assignment[field];
      if (typeof id !== 'number') continue;
      const place = places.get(`${id}:${assignment.organisationId}`);
      if (!place || place.admin || !ROLES_FOR_PART[part].includes(place.role as UserRole))
        problems.push({ field, reason: CANNOT_HOLD[part], constraint: 'cannotHold' });
      else if (!place.active) problems.push({ field, reason: 'this person is no longer active' });
    }
    return problems;
  });
}

/** Refuses (400, naming the field) any assignment to someone who cannot hold the part. */
export async function requireAssignable(
  manager: EntityManager,
  assignments: Assignment[],
  label?: (index: number) => string,
): Promise<void> {
  const all = await assignmentProblems(manager, assignments);
  const problems = all.flatMap((list, i) => {
    const prefix = label ? `${label(i)} ` : '';
    return list.map((p) => ({ ...p, field: `${prefix}${p.field}` }));
  });
  if (problems.length)
    throw new AppError(
      'VALIDATION_FAILED',
      problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
      problems,
    );
}
