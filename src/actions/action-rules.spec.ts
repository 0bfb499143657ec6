import { AppError, ErrorCode } from '../common/app-error';
import {
  applyProgressUpdate,
  checkAssurance,
  checkEvidenceReview,
  checkTransition,
} from './action-rules';

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

describe('status transitions', () => {
  it.each([
    ['NOT_STARTED', 'IN_PROGRESS'],
    ['NOT_STARTED', 'COMPLETED'],
    ['NOT_STARTED', 'CANCELLED'],
    ['IN_PROGRESS', 'COMPLETED'],
    ['IN_PROGRESS', 'CANCELLED'],
    ['COMPLETED', 'IN_PROGRESS'],
    ['COMPLETED', 'ASSURED'],
    ['ASSURED', 'IN_PROGRESS'],
  ] as const)('allows %s -> %s', (from, to) => {
    expect(codeOf(() => checkTransition(from, to))).toBeUndefined();
  });

  it.each([
    ['NOT_STARTED', 'ASSURED'],
    ['IN_PROGRESS', 'ASSURED'],
    ['IN_PROGRESS', 'NOT_STARTED'],
    ['COMPLETED', 'CANCELLED'],
    ['ASSURED', 'CANCELLED'],
    ['CANCELLED', 'IN_PROGRESS'],
    ['CANCELLED', 'COMPLETED'],
  ] as const)('refuses %s -> %s', (from, to) => {
    expect(codeOf(() => checkTransition(from, to))).toBe('INVALID_STATUS_TRANSITION');
  });
});

describe('applyProgressUpdate', () => {
  it('starts a not-started action when progress is reported', () => {
    expect(applyProgressUpdate({ status: 'NOT_STARTED', progress: 0 }, { progress: 10 })).toEqual({
      progress: 10,
      statusTo: 'IN_PROGRESS',
    });
  });

  it('keeps the status when a note carries no progress', () => {
    expect(applyProgressUpdate({ status: 'NOT_STARTED', progress: 0 }, {})).toEqual({
      progress: 0,
      statusTo: null,
    });
    expect(applyProgressUpdate({ status: 'IN_PROGRESS', progress: 40 }, {})).toEqual({
      progress: 40,
      statusTo: null,
    });
  });

  it('forces progress to 100 on completion', () => {
    expect(
      applyProgressUpdate({ status: 'IN_PROGRESS', progress: 40 }, { status: 'COMPLETED' }),
    ).toEqual({
      progress: 100,
      statusTo: 'COMPLETED',
    });
  });

  it('refuses completion with progress other than 100', () => {
    expect(
      codeOf(() =>
        applyProgressUpdate(
          { status: 'IN_PROGRESS', progress: 40 },
          { status: 'COMPLETED', progress: 90 },
        ),
      ),
    ).toBe('COMPLETION_NEEDS_FULL_PROGRESS');
  });

  it('sends assurance and cancellation to their own routes', () => {
    expect(
      codeOf(() =>
        applyProgressUpdate({ status: 'COMPLETED', progress: 100 }, { status: 'ASSURED' }),
      ),
    ).toBe('INVALID_STATUS_TRANSITION');
    expect(
      codeOf(() =>
        applyProgressUpdate({ status: 'IN_PROGRESS', progress: 10 }, { status: 'CANCELLED' }),
      ),
    ).toBe('INVALID_STATUS_TRANSITION');
  });

  it('refuses progress on a closed action unless the update reopens it', () => {
    expect(
      codeOf(() => applyProgressUpdate({ status: 'COMPLETED', progress: 100 }, { progress: 80 })),
    ).toBe('ACTION_CLOSED');
    expect(codeOf(() => applyProgressUpdate({ status: 'ASSURED', progress: 100 }, {}))).toBe(
      'ACTION_CLOSED',
    );
    expect(
      applyProgressUpdate(
        { status: 'COMPLETED', progress: 100 },
        { status: 'IN_PROGRESS', progress: 80 },
      ),
    ).toEqual({
      progress: 80,
      statusTo: 'IN_PROGRESS',
    });
  });

  it('never reopens a cancelled action', () => {
    expect(
      codeOf(() =>
        applyProgressUpdate({ status: 'CANCELLED', progress: 10 }, { status: 'IN_PROGRESS' }),
      ),
    ).toBe('ACTION_CLOSED');
  });

  it('refuses going back to not started', () => {
    expect(
      codeOf(() =>
        applyProgressUpdate({ status: 'IN_PROGRESS', progress: 0 }, { status: 'NOT_STARTED' }),
      ),
    ).toBe('INVALID_STATUS_TRANSITION');
  });
});

describe('checkAssurance', () => {
  const ok = { status: 'COMPLETED' as const, ownerId: 1, assurerId: 2, acceptedEvidence: 1 };

  it('passes a completed action with accepted evidence and an independent assurer', () => {
    expect(codeOf(() => checkAssurance(ok))).toBeUndefined();
  });

  it('needs the action completed first', () => {
    expect(codeOf(() => checkAssurance({ ...ok, status: 'IN_PROGRESS' }))).toBe(
      'INVALID_STATUS_TRANSITION',
    );
  });

  it('needs at least one accepted evidence item', () => {
    expect(codeOf(() => checkAssurance({ ...ok, acceptedEvidence: 0 }))).toBe(
      'ASSURANCE_NEEDS_ACCEPTED_EVIDENCE',
    );
  });

  it('refuses the owner as assurer', () => {
    expect(codeOf(() => checkAssurance({ ...ok, assurerId: 1 }))).toBe('ASSURER_IS_OWNER');
  });
});

describe('checkEvidenceReview', () => {
  const ok = { reviewState: 'SUBMITTED', submittedById: 1, ownerId: 2, reviewerId: 3 };

  it('passes an independent reviewer of submitted evidence', () => {
    expect(codeOf(() => checkEvidenceReview(ok))).toBeUndefined();
  });

  it('refuses the submitter and the owner', () => {
    expect(codeOf(() => checkEvidenceReview({ ...ok, reviewerId: 1 }))).toBe('REVIEWER_IS_AUTHOR');
    expect(codeOf(() => checkEvidenceReview({ ...ok, reviewerId: 2 }))).toBe('REVIEWER_IS_AUTHOR');
  });

  it('reviews evidence only once', () => {
    expect(codeOf(() => checkEvidenceReview({ ...ok, reviewState: 'ACCEPTED' }))).toBe(
      'EVIDENCE_ALREADY_REVIEWED',
    );
  });
});
