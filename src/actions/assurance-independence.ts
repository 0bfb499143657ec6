import { EntityManager } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AppError } from '../common/app-error';
import { Evidence } from './evidence.entity';
import { ProgressUpdate } from './progress-update.entity';

/**
 * Assurance is an independent check, so it is refused to anyone who had a hand in the work,
 * not only its current owner: whoever EVER owned the action (so reassigning the owner first
 * does not open the way), posted its completion, or submitted evidence that was accepted for it.
 * Past owners come from the audit trail, which records every owner change (API, pages and plan
 * imports alike) in the same transaction as the change.
 */
export async function checkAssurerIndependent(
  manager: EntityManager,
  actionId: number,
  assurerId: number,
): Promise<void> {
  if (await everOwned(manager, actionId, assurerId)) {
    throw notIndependent('they have owned this action');
  }
  const completed = await manager.existsBy(ProgressUpdate, {
    actionId,
    authorId: assurerId,
    statusTo: 'COMPLETED',
  });
  if (completed) throw notIndependent('they posted its completion');
  const evidence = await manager.existsBy(Evidence, {
    actionId,
    submittedById: assurerId,
    reviewState: 'ACCEPTED',
  });
  if (evidence) throw notIndependent('they submitted its accepted evidence');
}

async function everOwned(
  manager: EntityManager,
  actionId: number,
  userId: number,
): Promise<boolean> {
  // Only events whose recorded changes mention the owner; parsed here to match the id exactly.
  const events = await manager
    .createQueryBuilder(AuditEvent, 'e')
    .select(['e.id', 'e.changes'])
    .where('e.subject = :subject', { subject: `action:${actionId}` })
    .andWhere('e.changes LIKE :owner', { owner: '%"ownerId"%' })
    .getMany();
  return events.some((event) => {
    try {
      const changes = JSON.parse(event.changes ?? 'null') as {
        before?: { ownerId?: unknown } | null;
        after?: { ownerId?: unknown } | null;
      } | null;
      return changes?.before?.ownerId === userId || changes?.after?.ownerId === userId;
    } catch {
      return false;
    }
  });
}

function notIndependent(why: string): AppError {
  return new AppError(
    'ASSURER_NOT_INDEPENDENT',
    `Assurance must come from someone independent of the work; this person cannot assure it because ${why}`,
  );
}
