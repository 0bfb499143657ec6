import {
  mustAssuredPercent,
  projectedCompletion,
  ReadinessFigures,
  readinessVerdict,
  WarningNoticeFigures,
} from './readiness-rules';

const none = { ASSURED: 0, COMPLETED: 0, OFF_TRACK: 0, AT_RISK: 0, ON_TRACK: 0 };
const types = { MUST: 0, SHOULD: 0, WARNING_NOTICE: 0, RATING: 0 };

function figures(overrides: Partial<ReadinessFigures> = {}): ReadinessFigures {
  return {
    findingsByType: { ...types, MUST: 2 },
    uncoveredByType: { ...types },
    mustActions: { ...none, ASSURED: 2 },
    actions: { ...none, ASSURED: 2 },
    dueAfterReinspection: 0,
    mustDueAfterReinspection: 0,
    ...overrides,
  };
}

describe('readinessVerdict with warning notices', () => {
  const notice = (overrides: Partial<WarningNoticeFigures> = {}): WarningNoticeFigures => ({
    reference: 'WN1',
    deadlines: ['2027-03-01'],
    actions: 1,
    openActions: 1,
    ...overrides,
  });
  const at = (asOf: string, ...notices: WarningNoticeFigures[]) =>
    readinessVerdict(figures({ warningNotices: { asOf, notices } }));

  it('is NOT_READY when a notice has no action, naming its earliest deadline', () => {
    expect(
      at(
        '2027-01-01',
        notice({ actions: 0, openActions: 0, deadlines: ['2027-05-01', '2027-03-01'] }),
      ),
    ).toEqual({
      verdict: 'NOT_READY',
      reasons: ['Warning notice WN1 (deadline 1 March 2027) has no action'],
    });
  });

  it('is NOT_READY once a deadline has passed with actions not completed, and only then', () => {
    // On the deadline day itself it has not passed yet.
    expect(at('2027-03-01', notice())).toEqual({
      verdict: 'AT_RISK',
      reasons: ['Warning notice deadline 1 March 2027: due today, actions not completed'],
    });
    expect(at('2027-03-02', notice())).toEqual({
      verdict: 'NOT_READY',
      reasons: ['Warning notice deadline 1 March 2027 passed with actions not completed'],
    });
    expect(at('2027-02-26', notice())).toEqual({
      verdict: 'AT_RISK',
      reasons: ['Warning notice deadline 1 March 2027: 3 days left, actions not completed'],
    });
  });

  it('judges each failing by its own deadline', () => {
    const result = at('2027-04-01', notice({ deadlines: ['2027-06-30', '2027-03-01'] }));
    expect(result).toEqual({
      verdict: 'NOT_READY',
      reasons: [
        'Warning notice deadline 1 March 2027 passed with actions not completed',
        'Warning notice deadline 30 June 2027: 90 days left, actions not completed',
      ],
    });
  });

  it('lets a passed deadline be once every action for the notice is completed or assured', () => {
    expect(at('2027-04-01', notice({ actions: 2, openActions: 0 }))).toEqual({
      verdict: 'READY',
      reasons: [],
    });
  });

  it('puts warning notice reasons before every other reason', () => {
    const result = readinessVerdict(
      figures({
        uncoveredByType: { ...types, MUST: 1 },
        warningNotices: { asOf: '2027-04-01', notices: [notice({ reference: null })] },
      }),
    );
    expect(result.reasons).toEqual([
      'Warning notice deadline 1 March 2027 passed with actions not completed',
      '1 MUST finding has no action',
    ]);
  });
});

describe('readinessVerdict', () => {
  it('is READY when every MUST finding is covered, its actions assured, and nothing is off track', () => {
    expect(readinessVerdict(figures())).toEqual({ verdict: 'READY', reasons: [] });
  });

  it('stays READY with completed MUST actions awaiting assurance, saying so', () => {
    expect(
      readinessVerdict(
        figures({
          mustActions: { ...none, ASSURED: 1, COMPLETED: 1 },
          actions: { ...none, ASSURED: 1, COMPLETED: 1 },
        }),
      ),
    ).toEqual({
      verdict: 'READY',
      reasons: ['1 completed MUST action awaits assurance'],
    });
  });

  it('is NOT_READY when a MUST finding has no action', () => {
    expect(readinessVerdict(figures({ uncoveredByType: { ...types, MUST: 2 } }))).toEqual({
      verdict: 'NOT_READY',
      reasons: ['2 MUST findings have no action'],
    });
  });

  it('is NOT_READY when a MUST action is off track or due after reinspection, listing every reason', () => {
    const result = readinessVerdict(
      figures({
        mustActions: { ...none, OFF_TRACK: 1, ON_TRACK: 1 },
        actions: { ...none, OFF_TRACK: 2, ON_TRACK: 1 },
        mustDueAfterReinspection: 1,
        dueAfterReinspection: 1,
      }),
    );
    expect(result).toEqual({
      verdict: 'NOT_READY',
      reasons: [
        '1 MUST action is off track',
        '1 MUST action is due after the reinspection date',
        '2 MUST actions are not yet completed',
        '1 other action is off track',
      ],
    });
  });

  it('is AT_RISK while MUST actions are open but on track', () => {
    expect(
      readinessVerdict(
        figures({ mustActions: { ...none, ON_TRACK: 2 }, actions: { ...none, ON_TRACK: 2 } }),
      ),
    ).toEqual({
      verdict: 'AT_RISK',
      reasons: ['2 MUST actions are not yet completed'],
    });
  });

  it('is AT_RISK when only a SHOULD action is off track or late', () => {
    expect(
      readinessVerdict(figures({ actions: { ...none, ASSURED: 2, OFF_TRACK: 1 } })).verdict,
    ).toBe('AT_RISK');
    expect(readinessVerdict(figures({ dueAfterReinspection: 1 })).reasons).toEqual([
      '1 other action is due after the reinspection date',
    ]);
  });
});

describe('mustAssuredPercent', () => {
  it('is the share of MUST actions assured, or null when there are none', () => {
    expect(mustAssuredPercent({ ...none, ASSURED: 1, ON_TRACK: 2 })).toBe(33);
    expect(mustAssuredPercent(none)).toBeNull();
  });
});

describe('projectedCompletion', () => {
  it('carries the line from creation through the latest progress on to 100%', () => {
    // 40% in 20 days: 2% a day, 60% more takes 30 days.
    expect(
      projectedCompletion({
        createdAt: '2026-01-01T09:00:00.000Z',
        lastActivityAt: '2026-01-21T15:00:00.000Z',
        progress: 40,
        dueDate: '2026-03-01',
      }),
    ).toBe('2026-02-20');
  });

  it('has nothing to project from without progress, and a finished action finished when it reached 100', () => {
    expect(
      projectedCompletion({
        createdAt: '2026-01-01T00:00:00.000Z',
        lastActivityAt: '2026-01-05T00:00:00.000Z',
        progress: 0,
        dueDate: '2026-03-01',
      }),
    ).toBeNull();
    expect(
      projectedCompletion({
        createdAt: '2026-01-01T00:00:00.000Z',
        lastActivityAt: '2026-01-05T10:00:00.000Z',
        progress: 100,
        dueDate: '2026-03-01',
      }),
    ).toBe('2026-01-05');
  });

  it('counts progress made on the day of creation as one day', () => {
    expect(
      projectedCompletion({
        createdAt: '2026-01-01T08:00:00.000Z',
        lastActivityAt: '2026-01-01T17:00:00.000Z',
        progress: 50,
        dueDate: '2026-03-01',
      }),
    ).toBe('2026-01-02');
  });
});
