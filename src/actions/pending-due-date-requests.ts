import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DueDateRequest } from './due-date-request.entity';

/**
 * Ends every request still waiting on an action, in the caller's transaction: once the due
 * date has been set some other way (or the action cancelled), a pending request would ask the
 * executive lead to decide something already overtaken. Each is audited, and the owner sees
 * why on the action's page (the note).
 */
export async function closePendingDueDateRequests(
  manager: EntityManager,
  audit: AuditService,
  action: { id: number; organisationId: number },
  outcome: { state: 'SUPERSEDED' | 'CLOSED'; note: string; actorId: number | null; at: string },
): Promise<number> {
  const pending = await manager.find(DueDateRequest, {
    where: { actionId: action.id, state: 'PENDING' },
  });
  for (const request of pending) {
    const after = {
      state: outcome.state,
      decidedById: outcome.actorId,
      decidedAt: outcome.at,
      decisionNote: outcome.note,
    };
    await manager.update(DueDateRequest, { id: request.id, state: 'PENDING' }, after);
    await audit.record(manager, {
      action: 'update',
      entity: 'due_date_request',
      entityId: request.id,
      subject: `action:${action.id}`,
      organisationId: action.organisationId,
      before: { state: request.state },
      after: { state: outcome.state, decisionNote: outcome.note },
      summary: `Due-date request ${request.id} ${outcome.state.toLowerCase()}`,
    });
  }
  return pending.length;
}
