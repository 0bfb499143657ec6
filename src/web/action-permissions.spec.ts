import { permissionsFor } from './action-permissions';

const owner = { id: 7, name: 'Aisha Khan', email: 'a@example.nhs.uk' };
const lead = { id: 9, name: 'Dr Lee', email: 'l@example.nhs.uk' };
const action = (status: 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'ASSURED' | 'CANCELLED') => ({
  status,
  owner,
  executiveLead: lead,
});

describe('permissionsFor', () => {
  it('lets the owner report on their own open action but not assure or review it', () => {
    const p = permissionsFor({ id: 7, role: 'owner' }, action('IN_PROGRESS'));
    expect(p).toMatchObject({ postProgress: true, complete: true, addEvidence: true });
    expect(p).toMatchObject({ assure: false, reviewEvidence: false, assign: false });
    expect(p).toMatchObject({ changeDueDate: false, requestDueDate: true });
  });

  it('gives another owner nothing to do on an action they do not own', () => {
    const p = permissionsFor({ id: 8, role: 'owner' }, action('IN_PROGRESS'));
    expect(Object.values(p).every((allowed) => !allowed)).toBe(true);
  });

  it('lets the executive lead assure a completed action they lead, and no other', () => {
    expect(permissionsFor({ id: 9, role: 'executive' }, action('COMPLETED')).assure).toBe(true);
    expect(permissionsFor({ id: 10, role: 'executive' }, action('COMPLETED')).assure).toBe(false);
    expect(permissionsFor({ id: 9, role: 'executive' }, action('IN_PROGRESS')).assure).toBe(false);
  });

  it('lets a quality lead run the plan but not assure an action they own', () => {
    const p = permissionsFor({ id: 3, role: 'quality_lead' }, action('COMPLETED'));
    expect(p).toMatchObject({ assure: true, reviewEvidence: true, assign: true });
    const own = permissionsFor({ id: 7, role: 'quality_lead' }, action('COMPLETED'));
    expect(own).toMatchObject({ assure: false, reviewEvidence: false });
  });

  it('offers nothing but reading once an action is cancelled', () => {
    const p = permissionsFor({ id: 1, role: 'admin' }, action('CANCELLED'));
    expect(Object.values(p).every((allowed) => !allowed)).toBe(true);
  });

  it('shows a viewer no forms', () => {
    const p = permissionsFor({ id: 2, role: 'viewer' }, action('IN_PROGRESS'));
    expect(Object.values(p).every((allowed) => !allowed)).toBe(true);
  });
});
