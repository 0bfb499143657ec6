import { TrustAccess } from '../auth/trust-access';
import { AppError } from '../common/app-error';

/**
 * A form page is opened only by someone whose role in the record's trust lets them send it: a
 * person who is a quality lead in one trust and an owner in another must not be shown forms in
 * the second that would only answer 403 and lose what they typed. The route's `@Allow` roles are
 * the ones checked, as the API's write does; the record has already been read, so its trust is
 * one the person can see.
 */
export function requireFormRoleIn(organisationId: number): void {
  TrustAccess.requireWritable(
    organisationId,
    () => new AppError('ROUTE_NOT_FOUND', 'There is no such page'),
  );
}

/** For templates: the person's role in a trust (admin for an admin; null for a stranger). */
export function roleInTrust(organisationId: unknown): string | null {
  const id = Number(organisationId);
  return Number.isInteger(id) && id > 0 ? TrustAccess.roleIn(id) : null;
}
