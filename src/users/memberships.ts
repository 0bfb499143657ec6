import { DataSource, EntityManager, In } from 'typeorm';
import { TrustAccess } from '../auth/trust-access';
import { invalidReference } from '../common/app-error';
import { nowTimestamp } from '../common/dates';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { MembershipDto, MembershipInputDto } from './dto/user.dto';

/**
 * Each user's memberships, limited to the trusts the caller can see: a member of trust A
 * learns nothing of where else a colleague works.
 */
export async function membershipsOf(
  db: DataSource | EntityManager,
  userIds: number[],
): Promise<Map<number, MembershipDto[]>> {
  const byUser = new Map<number, MembershipDto[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows = await db.getRepository(OrganisationMembership).find({
    where: { userId: In(userIds) },
    relations: { organisation: true },
    order: { organisationId: 'ASC' },
  });
  for (const row of rows) {
    if (!TrustAccess.canRead(row.organisationId)) continue;
    byUser.get(row.userId)?.push({
      organisationId: row.organisationId,
      organisationName: row.organisation?.name ?? '',
      role: row.role,
    });
  }
  return byUser;
}

/** Replaces a user's memberships; each trust must exist (422 naming the entry otherwise). */
export async function replaceMemberships(
  manager: EntityManager,
  userId: number,
  wanted: MembershipInputDto[],
): Promise<void> {
  const ids = wanted.map((m) => m.organisationId);
  const found = new Set(
    (await manager.find(Organisation, { where: { id: In(ids) }, select: { id: true } })).map(
      (o) => o.id,
    ),
  );
  wanted.forEach((m, i) => {
    if (!found.has(m.organisationId))
      throw invalidReference(
        `memberships[${i}].organisationId`,
        `no organisation ${m.organisationId}`,
      );
  });
  await manager.delete(OrganisationMembership, { userId });
  const now = nowTimestamp();
  const unique = new Map(wanted.map((m) => [m.organisationId, m.role]));
  for (const [organisationId, role] of unique) {
    await manager.insert(OrganisationMembership, { userId, organisationId, role, createdAt: now });
  }
}

export async function isMember(
  manager: EntityManager,
  userId: number,
  organisationId: number,
): Promise<boolean> {
  return manager.existsBy(OrganisationMembership, { userId, organisationId });
}
