import {
  assuranceExplanation,
  canReview,
  permissionsFor,
  reviewExplanation,
} from './action-permissions';

const owner = { id: 7, name: 'Aisha Khan', email: 'a@example.nhs.uk' };
const lead = { id: 9, name: 'Dr Lee', email: 'l@example.nhs.uk' };
const action = (status: 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'ASSURED' | 'CANCELLED') => ({
  status,
  owner,
  executiveLead: lead,
});

/** Evidence accepted and the person independent of the work: only the action decides. */
const ready = { acceptedEvidence: 1, independent: true };

describe('permissionsFor', () => {
  it('lets the owner report on their own open action but not assure or review it', () => {
    const p = permissionsFor({ id: 7, role: 'owner' }, action('IN_PROGRESS'), ready);
    expect(p).toMatchObject({ postProgress: true, complete: true, addEvidence: true });
    expect(p).toMatchObject({ assure: false, reviewEvidence: false, assign: false });
    expect(p).toMatchObject({ changeDueDate: false, requestDueDate: true });
  });

  it('gives another owner nothing to do on an action they do not own', () => {
    const p = permissionsFor({ id: 8, role: 'owner' }, action('IN_PROGRESS'), ready);
    expect(Object.values(p).every((allowed) => !allowed)).toBe(true);
  });

  it('lets the executive lead assure a completed action they lead, and no other', () => {
    expect(permissionsFor({ id: 9, role: 'executive' }, action('COMPLETED'), ready).assure).toBe(
      true,
    );
    expect(permissionsFor({ id: 10, role: 'executive' }, action('COMPLETED'), ready).assure).toBe(
      false,
    );
    expect(permissionsFor({ id: 9, role: 'executive' }, action('IN_PROGRESS'), ready).assure).toBe(
      false,
    );
  });

  it('lets a quality lead run the plan but not assure an action they own', () => {
    const p = permissionsFor({ id: 3, role: 'quality_lead' }, action('COMPLETED'), ready);
    expect(p).toMatchObject({ assure: true, reviewEvidence: true, assign: true });
    const own = permissionsFor({ id: 7, role: 'quality_lead' }, action('COMPLETED'), ready);
    expect(own).toMatchObject({ assure: false, reviewEvidence: false });
  });

  it('offers nothing but reading once an action is cancelled', () => {
    const p = permissionsFor({ id: 1, role: 'admin' }, action('CANCELLED'), ready);
    expect(Object.values(p).every((allowed) => !allowed)).toBe(true);
  });

  it('shows a viewer no forms', () => {
    const p = permissionsFor({ id: 2, role: 'viewer' }, action('IN_PROGRESS'), ready);
    expect(Object.values(p).every((allowed) => !allowed)).toBe(true);
  });

  it('offers Assure only once evidence has been accepted, and says so', () => {
    const none = { acceptedEvidence: 0, independent: true };
    const executive = { id: 9, role: 'executive' };
    expect(permissionsFor(executive, action('COMPLETED'), none).assure).toBe(false);
    expect(assuranceExplanation(executive, action('COMPLETED'), none)).toBe(
      'You can assure this once evidence has been accepted.',
    );
    expect(assuranceExplanation(executive, action('COMPLETED'), ready)).toBeNull();
    expect(assuranceExplanation(executive, action('IN_PROGRESS'), ready)).toMatch(
      /once it has been marked as complete/,
    );
  });

  it('refuses Assure to anyone not independent of the work, with the reason', () => {
    const involved = { acceptedEvidence: 2, independent: false };
    const quality = { id: 3, role: 'quality_lead' };
    expect(permissionsFor(quality, action('COMPLETED'), involved).assure).toBe(false);
    expect(assuranceExplanation(quality, action('COMPLETED'), involved)).toMatch(
      /had a hand in the work/,
    );
  });

  it('gives no assurance explanation to people who never assure', () => {
    expect(assuranceExplanation({ id: 7, role: 'owner' }, action('COMPLETED'), ready)).toBeNull();
    expect(
      assuranceExplanation({ id: 10, role: 'executive' }, action('COMPLETED'), ready),
    ).toBeNull();
    expect(assuranceExplanation({ id: 2, role: 'viewer' }, action('COMPLETED'), ready)).toBeNull();
    expect(
      assuranceExplanation({ id: 3, role: 'quality_lead' }, action('ASSURED'), ready),
    ).toBeNull();
  });

  it('offers Review only on evidence awaiting review that the reviewer did not submit', () => {
    const quality = { id: 3, role: 'quality_lead' };
    const byOwner = { reviewState: 'SUBMITTED' as const, submittedBy: owner };
    const byReviewer = { reviewState: 'SUBMITTED' as const, submittedBy: { ...owner, id: 3 } };
    const accepted = { reviewState: 'ACCEPTED' as const, submittedBy: owner };
    expect(canReview(quality, action('COMPLETED'), byOwner)).toBe(true);
    expect(canReview(quality, action('COMPLETED'), byReviewer)).toBe(false);
    expect(reviewExplanation(quality, action('COMPLETED'), byReviewer)).toBe(
      'You submitted this, so someone else must review it.',
    );
    expect(canReview(quality, action('COMPLETED'), accepted)).toBe(false);
    expect(reviewExplanation(quality, action('COMPLETED'), accepted)).toBeNull();
    // Never the owner, never an executive, never on a cancelled action.
    expect(canReview({ id: 7, role: 'quality_lead' }, action('COMPLETED'), byOwner)).toBe(false);
    expect(canReview({ id: 9, role: 'executive' }, action('COMPLETED'), byOwner)).toBe(false);
    expect(canReview(quality, action('CANCELLED'), byOwner)).toBe(false);
  });

  it('lets the executive lead or a quality lead decide a due-date request on an open action', () => {
    expect(
      permissionsFor({ id: 9, role: 'executive' }, action('IN_PROGRESS'), ready).decideDueDate,
    ).toBe(true);
    expect(
      permissionsFor({ id: 3, role: 'quality_lead' }, action('NOT_STARTED'), ready).decideDueDate,
    ).toBe(true);
    expect(
      permissionsFor({ id: 1, role: 'admin' }, action('IN_PROGRESS'), ready).decideDueDate,
    ).toBe(true);
    expect(
      permissionsFor({ id: 10, role: 'executive' }, action('IN_PROGRESS'), ready).decideDueDate,
    ).toBe(false);
    expect(
      permissionsFor({ id: 7, role: 'owner' }, action('IN_PROGRESS'), ready).decideDueDate,
    ).toBe(false);
    expect(
      permissionsFor({ id: 9, role: 'executive' }, action('COMPLETED'), ready).decideDueDate,
    ).toBe(false);
  });

  it('lets only quality leads edit details (not once cancelled) and cancel (only while open)', () => {
    const quality = { id: 3, role: 'quality_lead' };
    expect(permissionsFor(quality, action('IN_PROGRESS'), ready)).toMatchObject({
      editDetails: true,
      cancel: true,
    });
    expect(permissionsFor(quality, action('COMPLETED'), ready)).toMatchObject({
      editDetails: true,
      cancel: false,
    });
    expect(permissionsFor(quality, action('ASSURED'), ready)).toMatchObject({
      editDetails: true,
      cancel: false,
    });
    for (const person of [
      { id: 7, role: 'owner' },
      { id: 9, role: 'executive' },
      { id: 2, role: 'viewer' },
    ]) {
      expect(permissionsFor(person, action('IN_PROGRESS'), ready)).toMatchObject({
        editDetails: false,
        cancel: false,
      });
    }
  });
});
