import { Brackets, EntityManager } from 'typeorm';
import { Evidence } from './evidence.entity';

/**
 * Evidence can say how long it holds (an audit valid for 3 months): it counts up to and
 * including its expiry date, and from the day after it no longer counts towards assurance, in
 * the assure rule, the pages and the exports' counts alike.
 */
export function evidenceExpired(evidence: { expiryDate: string | null }, asOf: string): boolean {
  return evidence.expiryDate !== null && evidence.expiryDate < asOf;
}

/** The SQL form of "not expired as at :asOf", for evidence under `alias`. */
export function evidenceInForceSql(alias: string, asOfParameter = 'asOf'): string {
  return `(${alias}.expiry_date IS NULL OR ${alias}.expiry_date >= :${asOfParameter})`;
}

/** Accepted evidence of an action that has not expired as at `asOf`: what assurance needs. */
export function countAcceptedInForce(
  manager: EntityManager,
  actionId: number,
  asOf: string,
): Promise<number> {
  return manager
    .createQueryBuilder(Evidence, 'e')
    .where('e.actionId = :actionId', { actionId })
    .andWhere("e.reviewState = 'ACCEPTED'")
    .andWhere(
      new Brackets((q) =>
        q.where('e.expiryDate IS NULL').orWhere('e.expiryDate >= :asOf', { asOf }),
      ),
    )
    .getCount();
}
