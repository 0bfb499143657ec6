import { joinWithAnd, summarySentences, SummaryFigures } from './board-summary';

const base: SummaryFigures = {
  total: 88,
  offTrack: 12,
  atRisk: 5,
  overdue: 0,
  assuredRecently: 0,
  notReady: [],
  atRiskServices: [],
  services: 0,
  warningNotices: 0,
};

describe('the board summary sentences', () => {
  it('writes the issue example with movement against the last report', () => {
    const s = summarySentences({
      ...base,
      before: { offTrack: 8, atRisk: 5, total: 80 },
      beforeLabel: 'the last report',
      notReady: ['A', 'B', 'C'],
      services: 4,
    });
    expect(s[0]).toBe('12 of 88 actions are off track, 4 more than at the last report.');
    expect(s[1]).toBe('5 actions are at risk, the same as at the last report.');
    expect(s).toContain('3 core services are not ready for reinspection: A, B and C.');
  });

  it.each([
    [1, 88, '1 of 88 actions is off track.'],
    [2, 88, '2 of 88 actions are off track.'],
    [0, 88, 'None of the 88 actions is off track.'],
    [0, 1, 'The 1 action is not off track.'],
    [1, 1, '1 of 1 action is off track.'],
  ])('gets plurals right: %i of %i', (offTrack, total, sentence) => {
    expect(summarySentences({ ...base, offTrack, total, atRisk: 0 })[0]).toBe(sentence);
  });

  it('says fewer against a chosen date', () => {
    const s = summarySentences({
      ...base,
      offTrack: 3,
      atRisk: 1,
      before: { offTrack: 5, atRisk: 0, total: 88 },
      beforeLabel: '1 November 2026',
    });
    expect(s[0]).toBe('3 of 88 actions are off track, 2 fewer than on 1 November 2026.');
    expect(s[1]).toBe('1 action is at risk, 1 more than on 1 November 2026.');
  });

  it('says nothing of movement with nothing to compare with', () => {
    expect(summarySentences(base)[0]).toBe('12 of 88 actions are off track.');
  });

  it('handles an empty report', () => {
    const s = summarySentences({ ...base, total: 0, offTrack: 0, atRisk: 0 });
    expect(s[0]).toBe('There are no actions in this report.');
    expect(s.join(' ')).not.toMatch(/undefined|NaN/);
  });

  it('does not call services ready when the report holds no actions to judge them by', () => {
    const s = summarySentences({ ...base, total: 0, offTrack: 0, atRisk: 0, services: 6 });
    expect(s).toContain(
      'With no actions in this report, the readiness below rests on none and says nothing of how ready the core services are.',
    );
    expect(s.join(' ')).not.toMatch(/No core service is judged not ready/);
    const withFindingsUnanswered = summarySentences({
      ...base,
      total: 0,
      offTrack: 0,
      atRisk: 0,
      services: 2,
      notReady: ['Maternity'],
    });
    expect(withFindingsUnanswered).toContain(
      '1 core service is not ready for reinspection: Maternity.',
    );
  });

  it('names one not-ready service and at-risk services, overdue and assured counts', () => {
    const s = summarySentences({
      ...base,
      notReady: ['Maternity'],
      atRiskServices: ['Surgery', 'Trust-wide'],
      services: 5,
      overdue: 1,
      assuredRecently: 2,
      warningNotices: 1,
      warningNoticesOutstanding: 1,
    });
    expect(s).toContain(
      '1 core service is not ready for reinspection: Maternity; 2 are at risk: Surgery and Trust-wide.',
    );
    expect(s).toContain('1 open action is past its due date.');
    expect(s).toContain('2 actions were assured in the last 30 days.');
    expect(s).toContain(
      'There is 1 warning notice, 1 with actions not yet completed; they come first after this summary.',
    );
  });

  it('counts warning notices with actions outstanding', () => {
    expect(
      summarySentences({ ...base, warningNotices: 3, warningNoticesOutstanding: 0 }),
    ).toContain(
      'There are 3 warning notices, none with actions not yet completed; they come first after this summary.',
    );
  });

  it('says when no service is not ready', () => {
    expect(summarySentences({ ...base, services: 2, overdue: 3 })).toEqual(
      expect.arrayContaining([
        'No core service is judged not ready for reinspection.',
        '3 open actions are past their due date.',
      ]),
    );
  });

  it('gives the assurance level and recommendation in words, or says they are not given', () => {
    const given = summarySentences({
      ...base,
      assuranceLevel: 'reasonable',
      recommendation: 'The board is asked to note the report',
      nextReinspection: { date: '2027-03-01', service: 'Maternity' },
    });
    expect(given).toContain('The executive gives reasonable assurance.');
    expect(given).toContain('Recommendation: The board is asked to note the report.');
    expect(given).toContain('The next reinspection is expected on 1 March 2027 (Maternity).');
    const none = summarySentences({ ...base, assuranceLevel: 'none' });
    expect(none).toContain('The executive gives no assurance.');
    const missing = summarySentences(base);
    expect(missing).toContain('No assurance level is given.');
    expect(missing).toContain('Recommendation: not given.');
  });

  it('joins lists with "and"', () => {
    expect(joinWithAnd([])).toBe('');
    expect(joinWithAnd(['A'])).toBe('A');
    expect(joinWithAnd(['A', 'B'])).toBe('A and B');
    expect(joinWithAnd(['A', 'B', 'C'])).toBe('A, B and C');
    expect(joinWithAnd(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'])).toBe(
      'A, B, C, D, E and 3 others',
    );
  });
});
