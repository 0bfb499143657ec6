import { labelOf } from './views';

type Names = Map<string, string>;

/**
 * A filtered list's heading, so each view has its own page title (and a screen reader's tab
 * list, history and bookmarks tell them apart): "Actions: off track, led by Sam Patel".
 * Only the filters a person would name are described; sort and paging are not.
 */
export function actionListHeading(
  filters: Record<string, string>,
  names: { owners: Names; leads: Names; services: Names },
): string {
  const parts: string[] = [];
  const flag = (key: string, yes: string, no: string) => {
    if (filters[key] === 'true') parts.push(yes);
    else if (filters[key] === 'false') parts.push(no);
  };
  if (filters.awaiting === 'assurance') parts.push('awaiting assurance');
  if (filters.evidence === 'toReview') parts.push('evidence to review');
  if (filters.evidence === 'returned') parts.push('evidence sent back');
  if (filters.dueDateRequest === 'pending') parts.push('due-date requests to decide');
  flag('open', 'open', 'not open');
  flag('overdue', 'overdue', 'not overdue');
  if (filters.deliveryStatus) parts.push(labelOf(filters.deliveryStatus).toLowerCase());
  if (filters.brag) parts.push(labelOf(filters.brag).toLowerCase());
  if (filters.status) parts.push(`status ${labelOf(filters.status).toLowerCase()}`);
  if (filters.ownerId) parts.push(`owned by ${names.owners.get(filters.ownerId) ?? 'one person'}`);
  if (filters.executiveLeadId) {
    parts.push(`led by ${names.leads.get(filters.executiveLeadId) ?? 'one person'}`);
  }
  if (filters.coreServiceId) {
    parts.push(names.services.get(filters.coreServiceId) ?? 'one core service');
  }
  if (filters.dueAfter || filters.dueBefore) parts.push('due in a date range');
  if (filters.q) parts.push(`matching “${filters.q}”`);
  return parts.length ? `Actions: ${parts.join(', ')}` : 'Actions';
}
