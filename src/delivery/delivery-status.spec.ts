import { DeliveryFacts, deliveryReason, deliveryStatus } from './delivery-status';
import { bragOf, deliveryStatusesOfBrag } from './brag';

const AS_OF = '2026-06-15';

function facts(overrides: Partial<DeliveryFacts> = {}): DeliveryFacts {
  return {
    status: 'IN_PROGRESS',
    progress: 60,
    dueDate: '2026-08-01',
    flaggedOffTrack: false,
    lastActivityAt: '2026-06-10T09:00:00.000Z',
    reinspectionDate: '2026-09-01',
    ...overrides,
  };
}

describe('deliveryStatus', () => {
  it('is ASSURED for an assured action, whatever its dates', () => {
    expect(deliveryStatus(facts({ status: 'ASSURED', dueDate: '2020-01-01' }), AS_OF)).toBe(
      'ASSURED',
    );
  });

  it('is COMPLETED for a completed action awaiting assurance, even past its due date', () => {
    expect(deliveryStatus(facts({ status: 'COMPLETED', dueDate: '2020-01-01' }), AS_OF)).toBe(
      'COMPLETED',
    );
  });

  it('is CANCELLED for a cancelled action', () => {
    expect(deliveryStatus(facts({ status: 'CANCELLED', flaggedOffTrack: true }), AS_OF)).toBe(
      'CANCELLED',
    );
  });

  it('is OFF_TRACK when an open action is past its due date', () => {
    expect(deliveryReason(facts({ dueDate: '2026-06-14' }), AS_OF)).toBe('PAST_DUE');
    expect(deliveryStatus(facts({ dueDate: '2026-06-14' }), AS_OF)).toBe('OFF_TRACK');
  });

  it('is not past due on the due date itself', () => {
    expect(deliveryReason(facts({ dueDate: AS_OF, progress: 90 }), AS_OF)).toBe('ON_TRACK');
  });

  it('is OFF_TRACK when the latest update flagged it off track', () => {
    expect(deliveryReason(facts({ flaggedOffTrack: true }), AS_OF)).toBe('FLAGGED_OFF_TRACK');
    expect(deliveryStatus(facts({ flaggedOffTrack: true, status: 'NOT_STARTED' }), AS_OF)).toBe(
      'OFF_TRACK',
    );
  });

  it('is AT_RISK when due after its core service is reinspected', () => {
    expect(deliveryReason(facts({ dueDate: '2026-09-02' }), AS_OF)).toBe('DUE_AFTER_REINSPECTION');
    expect(deliveryReason(facts({ dueDate: '2026-09-01' }), AS_OF)).toBe('ON_TRACK');
  });

  it('ignores reinspection when the action has no core service with a date', () => {
    expect(deliveryReason(facts({ dueDate: '2027-09-02', reinspectionDate: null }), AS_OF)).toBe(
      'ON_TRACK',
    );
  });

  it('is AT_RISK when due within 14 days with progress under 50', () => {
    expect(deliveryReason(facts({ dueDate: '2026-06-29', progress: 49 }), AS_OF)).toBe(
      'DUE_SOON_WITH_LOW_PROGRESS',
    );
    expect(deliveryReason(facts({ dueDate: '2026-06-29', progress: 50 }), AS_OF)).toBe('ON_TRACK');
    expect(deliveryReason(facts({ dueDate: '2026-06-30', progress: 10 }), AS_OF)).toBe('ON_TRACK');
  });

  it('is AT_RISK when nothing has been recorded for more than 30 days (London days)', () => {
    // 16 May 2026 began at 00:00 BST, 23:00 UTC on the 15th: the last entry of the 15th is stale.
    expect(deliveryReason(facts({ lastActivityAt: '2026-05-15T22:59:59.999Z' }), AS_OF)).toBe(
      'NO_RECENT_UPDATE',
    );
    expect(deliveryReason(facts({ lastActivityAt: '2026-05-15T23:00:00.000Z' }), AS_OF)).toBe(
      'ON_TRACK',
    );
  });

  it('is ON_TRACK otherwise, including a fresh not-started action', () => {
    expect(deliveryStatus(facts({ status: 'NOT_STARTED', progress: 0 }), AS_OF)).toBe('ON_TRACK');
  });

  it('applies the rules in order: past due beats the at-risk reasons', () => {
    expect(
      deliveryReason(
        facts({ dueDate: '2026-06-01', progress: 0, lastActivityAt: '2025-01-01T00:00:00.000Z' }),
        AS_OF,
      ),
    ).toBe('PAST_DUE');
  });
});

describe('BRAG', () => {
  it('maps delivery status to the default colours', () => {
    expect(bragOf('OFF_TRACK')).toBe('RED');
    expect(bragOf('AT_RISK')).toBe('AMBER');
    expect(bragOf('ON_TRACK')).toBe('GREEN');
    expect(bragOf('COMPLETED')).toBe('GREEN');
    expect(bragOf('ASSURED')).toBe('BLUE');
    expect(bragOf('CANCELLED')).toBeNull();
  });

  it('turns a colour back into the statuses it stands for', () => {
    expect(deliveryStatusesOfBrag('GREEN').sort()).toEqual(['COMPLETED', 'ON_TRACK']);
    expect(deliveryStatusesOfBrag('BLUE')).toEqual(['ASSURED']);
    expect(deliveryStatusesOfBrag('RED')).toEqual(['OFF_TRACK']);
    expect(deliveryStatusesOfBrag('AMBER')).toEqual(['AT_RISK']);
  });
});
