import { endOfDay, londonDateOf } from './dates';

describe('the London calendar day', () => {
  it('ends at 22:59:59.999 UTC in summer (BST) and 23:59:59.999 UTC in winter (GMT)', () => {
    expect(endOfDay('2026-07-01')).toBe('2026-07-01T22:59:59.999Z');
    expect(endOfDay('2026-12-31')).toBe('2026-12-31T23:59:59.999Z');
  });

  it('follows the clock changes: the last Sundays of March and October 2026', () => {
    expect(endOfDay('2026-03-28')).toBe('2026-03-28T23:59:59.999Z'); // Saturday, still GMT
    expect(endOfDay('2026-03-29')).toBe('2026-03-29T22:59:59.999Z'); // clocks went forward
    expect(endOfDay('2026-10-24')).toBe('2026-10-24T22:59:59.999Z'); // Saturday, still BST
    expect(endOfDay('2026-10-25')).toBe('2026-10-25T23:59:59.999Z'); // clocks went back
  });

  it('puts the hour after midnight on the new day in summer and winter', () => {
    // 00:30 BST on 1 July is 23:30 UTC on 30 June.
    expect(londonDateOf('2026-06-30T23:30:00.000Z')).toBe('2026-07-01');
    expect(londonDateOf('2026-06-30T22:59:59.999Z')).toBe('2026-06-30');
    // 00:30 GMT on 1 January is 00:30 UTC.
    expect(londonDateOf('2026-12-31T23:30:00.000Z')).toBe('2026-12-31');
    expect(londonDateOf('2027-01-01T00:30:00.000Z')).toBe('2027-01-01');
  });

  it('agrees with endOfDay: the end of a day is on that day, a millisecond later is the next', () => {
    for (const date of ['2026-01-15', '2026-03-29', '2026-06-30', '2026-10-25', '2026-12-31']) {
      const end = endOfDay(date);
      expect(londonDateOf(end)).toBe(date);
      expect(londonDateOf(Date.parse(end) + 1)).not.toBe(date);
    }
  });
});
