import type { ActionDto } from '../actions/dto/action-read.dto';
import type { User } from '../users/user.entity';

/** Which of an action's forms a person is shown. The API enforces the same rules; hiding a
 * button is a courtesy, never the protection. */
export interface ActionPermissions {
  postProgress: boolean;
  complete: boolean;
  addEvidence: boolean;
  reviewEvidence: boolean;
  assure: boolean;
  changeDueDate: boolean;
  requestDueDate: boolean;
  assign: boolean;
}

const OPEN = new Set(['NOT_STARTED', 'IN_PROGRESS']);

export function permissionsFor(
  user: Pick<User, 'id' | 'role'>,
  action: Pick<ActionDto, 'status' | 'owner' | 'executiveLead'>,
): ActionPermissions {
  const admin = user.role === 'admin';
  const lead = admin || user.role === 'quality_lead';
  const ownsIt = user.role === 'owner' && action.owner?.id === user.id;
  const leadsIt = user.role === 'executive' && action.executiveLead?.id === user.id;
  const open = OPEN.has(action.status);
  const reportable = lead || ownsIt;
  const isOwnerOfRecord = action.owner?.id === user.id;
  return {
    postProgress: reportable && (open || action.status === 'COMPLETED'),
    complete: reportable && open,
    addEvidence: reportable && action.status !== 'CANCELLED' && action.status !== 'ASSURED',
    reviewEvidence: lead && !isOwnerOfRecord && action.status !== 'CANCELLED',
    assure: (lead || leadsIt) && action.status === 'COMPLETED' && !isOwnerOfRecord,
    changeDueDate: (lead || leadsIt) && open,
    requestDueDate: ownsIt && open,
    assign: lead && action.status !== 'CANCELLED' && action.status !== 'ASSURED',
  };
}
