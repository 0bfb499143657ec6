import { EntityManager } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { spendAttempt } from './attempt-budget';

/** Refusals recorded in the audit trail per user (or per address, when nobody signed in). */
export const REFUSALS_RECORDED = 20;
export const REFUSAL_WINDOW_MS = 10 * 60_000;

/**
 * Whether this refusal goes in the audit trail: the first 20 per user in 10 minutes do, then
 * one that says the rest are not recorded, then none until the window ends. A script looping on
 * a refused route would otherwise fill the audit table without bound.
 */
export async function refusalToRecord(
  manager: EntityManager,
  clientAddress: string,
): Promise<'record' | 'record-last' | 'skip'> {
  const user = RequestContext.current()?.user;
  const key = (user ? `refusals:user:${user.id}` : `refusals:client:${clientAddress}`).slice(
    0,
    100,
  );
  const { spent } = await spendAttempt(manager, key, {
    limit: REFUSALS_RECORDED,
    windowMs: REFUSAL_WINDOW_MS,
    lockMs: REFUSAL_WINDOW_MS,
  });
  if (spent <= REFUSALS_RECORDED) return 'record';
  return spent === REFUSALS_RECORDED + 1 ? 'record-last' : 'skip';
}
