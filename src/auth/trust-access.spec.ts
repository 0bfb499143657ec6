import { AppError } from '../common/app-error';
import { RequestContext } from '../common/request-context';
import { EVERY_TRUST, TrustAccess, TrustGrant } from './trust-access';
import type { UserRole } from '../users/user.entity';

const notFound = () => new AppError('ACTION_NOT_FOUND', 'No action');

function codeOf(work: () => void): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as AppError).code;
  }
}

/** Runs `work` inside a request context holding `grant`, on a route allowing `allowed`. */
function asCaller<T>(grant: TrustGrant, allowed: UserRole[], work: () => T): Promise<T> {
  return RequestContext.runAs(
    undefined,
    () => {
      RequestContext.current()!.allowedRoles = allowed;
      return Promise.resolve(work());
    },
    grant,
  );
}

const leadInOneViewerInTwo: TrustGrant = {
  everyTrust: false,
  roles: new Map<number, UserRole>([
    [1, 'quality_lead'],
    [2, 'viewer'],
  ]),
};

describe('TrustAccess', () => {
  it('fails closed outside a request: no trust readable, every write refused as not found', () => {
    expect(TrustAccess.readableIds()).toEqual([]);
    expect(TrustAccess.canRead(1)).toBe(false);
    expect(codeOf(() => TrustAccess.requireReadable(1, notFound))).toBe('ACTION_NOT_FOUND');
    expect(codeOf(() => TrustAccess.requireWritable(1, notFound))).toBe('ACTION_NOT_FOUND');
    const params = {};
    expect(TrustAccess.sqlCondition('a.organisation_id', params)).toBe('1 = 0');
  });

  it('fails closed inside a request before anyone is identified', async () => {
    await RequestContext.runAs(undefined, () => {
      expect(TrustAccess.readableIds()).toEqual([]);
      expect(TrustAccess.roleIn(1)).toBeNull();
      return Promise.resolve();
    });
  });

  it('limits a member to their trusts and checks their role in the trust of the record', async () => {
    await asCaller(leadInOneViewerInTwo, ['quality_lead'], () => {
      expect(TrustAccess.readableIds()).toEqual([1, 2]);
      expect(TrustAccess.canRead(3)).toBe(false);
      expect(codeOf(() => TrustAccess.requireWritable(1, notFound))).toBeUndefined();
      expect(codeOf(() => TrustAccess.requireWritable(2, notFound))).toBe('ROLE_NOT_ALLOWED');
      expect(codeOf(() => TrustAccess.requireWritable(3, notFound))).toBe('ACTION_NOT_FOUND');
      expect(codeOf(() => TrustAccess.requireReference(3, 'findingIds', 'no finding 9'))).toBe(
        'INVALID_REFERENCE',
      );
      const params: Record<string, unknown> = {};
      expect(TrustAccess.sqlCondition('a.organisation_id', params)).toBe(
        'a.organisation_id IN (:...scopeOrganisationIds)',
      );
      expect(params).toEqual({ scopeOrganisationIds: [1, 2] });
      expect(TrustAccess.actorIn({ id: 5, role: 'quality_lead' }, 2).role).toBe('viewer');
    });
  });

  it('gives a holder of every trust (admin, the command line) everything, unfiltered', async () => {
    await asCaller(EVERY_TRUST, [], () => {
      expect(TrustAccess.readableIds()).toBe('all');
      expect(TrustAccess.roleIn(99)).toBe('admin');
      expect(codeOf(() => TrustAccess.requireWritable(99, notFound))).toBeUndefined();
      expect(TrustAccess.sqlCondition('a.organisation_id', {})).toBeNull();
    });
  });
});
