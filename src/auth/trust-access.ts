import { DataSource, EntityManager } from 'typeorm';
import { AppError, invalidReference } from '../common/app-error';
import { RequestContext } from '../common/request-context';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import type { User, UserRole } from '../users/user.entity';

/**
 * Which trusts the caller may see, and their role in each. Admins, and the command line
 * (which says so explicitly), hold every trust, present and future; everyone else holds only
 * the trusts they are a member of.
 */
export interface TrustGrant {
  everyTrust: boolean;
  roles: ReadonlyMap<number, UserRole>;
}

export const NO_TRUSTS: TrustGrant = Object.freeze({ everyTrust: false, roles: new Map() });
export const EVERY_TRUST: TrustGrant = Object.freeze({ everyTrust: true, roles: new Map() });

/** Reads a user's grant: every trust for an admin, else their memberships. */
export async function loadTrustGrant(
  db: DataSource | EntityManager,
  user: Pick<User, 'id' | 'role' | 'active'>,
): Promise<TrustGrant> {
  if (!user.active) return NO_TRUSTS;
  if (user.role === 'admin') return EVERY_TRUST;
  const memberships = await db
    .getRepository(OrganisationMembership)
    .find({ where: { userId: user.id }, select: { organisationId: true, role: true } });
  return {
    everyTrust: false,
    roles: new Map(memberships.map((m) => [m.organisationId, m.role as UserRole])),
  };
}

/**
 * The one place that says whether the caller may touch a trust. It FAILS CLOSED: outside a
 * request, or before the guard has said who is asking, the caller holds no trust at all, so a
 * read finds nothing and a write is refused. Another trust's record is answered as not found
 * (its existence is not revealed); naming one in a body is an invalid reference; a trust the
 * caller belongs to but where their role may not do this is a 403.
 */
export const TrustAccess = {
  grant(): TrustGrant {
    return RequestContext.current()?.trusts ?? NO_TRUSTS;
  },

  /** The trusts the caller reads: 'all', or a list (possibly empty). */
  readableIds(): number[] | 'all' {
    const grant = TrustAccess.grant();
    return grant.everyTrust ? 'all' : [...grant.roles.keys()].sort((a, b) => a - b);
  },

  canRead(organisationId: number | null | undefined): boolean {
    if (organisationId === null || organisationId === undefined) return false;
    const grant = TrustAccess.grant();
    return grant.everyTrust || grant.roles.has(Number(organisationId));
  },

  /** The caller's role in a trust: admin for a holder of every trust, null for a stranger. */
  roleIn(organisationId: number): UserRole | null {
    const grant = TrustAccess.grant();
    if (grant.everyTrust) return 'admin';
    return grant.roles.get(Number(organisationId)) ?? null;
  },

  /** Throws the caller's own not-found error for a record in a trust they cannot see. */
  requireReadable(organisationId: number | null | undefined, notFound: () => AppError): void {
    if (!TrustAccess.canRead(organisationId)) throw notFound();
  },

  /**
   * A change to a record of this trust: not found if the trust is not the caller's, 403 if
   * their role there is not one the route allows (the guard let them in on a role they hold
   * somewhere else).
   */
  requireWritable(organisationId: number | null | undefined, notFound: () => AppError): void {
    TrustAccess.requireReadable(organisationId, notFound);
    const role = TrustAccess.roleIn(Number(organisationId));
    if (role === 'admin') return;
    const allowed = RequestContext.current()?.allowedRoles ?? [];
    if (!role || !allowed.includes(role)) {
      throw new AppError(
        'ROLE_NOT_ALLOWED',
        `In this trust you are ${role ?? 'not a member'}; this needs one of: ${['admin', ...allowed].join(', ')}`,
      );
    }
  },

  /** A trust named (directly or through a record) in a request body. */
  requireReference(organisationId: number | null | undefined, field: string, reason: string): void {
    if (!TrustAccess.canRead(organisationId)) throw invalidReference(field, reason);
  },

  /**
   * A SQL condition limiting `column` to the caller's trusts, adding its parameter to
   * `params`; null when the caller holds every trust.
   */
  sqlCondition(
    column: string,
    params: Record<string, unknown>,
    name = 'scopeOrganisationIds',
  ): string | null {
    const ids = TrustAccess.readableIds();
    if (ids === 'all') return null;
    if (ids.length === 0) return '1 = 0';
    params[name] = ids;
    return `${column} IN (:...${name})`;
  },

  /**
   * Someone who is not an admin and creates a trust (by importing its report) becomes its
   * quality lead, in the database and for the rest of this request; otherwise they could not
   * see what they had just made.
   */
  async joinCreatedTrust(
    manager: EntityManager,
    organisationId: number,
    now: string,
  ): Promise<void> {
    const state = RequestContext.current();
    if (!state?.user || !state.trusts || state.trusts.everyTrust) return;
    await manager.insert(OrganisationMembership, {
      userId: state.user.id,
      organisationId,
      role: 'quality_lead',
      createdAt: now,
    });
    const roles = new Map(state.trusts.roles);
    roles.set(organisationId, 'quality_lead');
    state.trusts = { everyTrust: false, roles };
  },

  /** The actor as the action rules should see them: with their role in the record's trust. */
  actorIn<A extends { id: number; role: string }>(actor: A, organisationId: number): A {
    return { ...actor, role: TrustAccess.roleIn(organisationId) ?? 'viewer' };
  },
};
