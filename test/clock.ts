import { addDays } from '../src/common/dates';

/**
 * The Europe/London calendar day, which is the as-at day of every report (BST and GMT), worked
 * out here independently of the app so the tests check the app's idea of a day rather than
 * share it.
 */
const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function londonDate(instant: string | number | Date = Date.now()): string {
  return LONDON.format(new Date(instant));
}

/** The first instant of a London day: 00:00 GMT, or 23:00 UTC the evening before in BST. */
export function londonStartOfDay(date: string): string {
  const utcMidnight = Date.parse(`${date}T00:00:00.000Z`);
  const hourEarlier = utcMidnight - 60 * 60 * 1000;
  return new Date(londonDate(hourEarlier) === date ? hourEarlier : utcMidnight).toISOString();
}

/** The last millisecond of a London day. */
export function londonEndOfDay(date: string): string {
  return new Date(Date.parse(londonStartOfDay(addDays(date, 1))) - 1).toISOString();
}

/**
 * Sets the clock the app reads (`Date`) to a chosen instant, so records are written through
 * the API as if at that time, whatever tables the write path fills. Only `Date` is faked:
 * timers, ticks and the database drivers run on real time. Frozen until set again.
 */
export function setClock(instant: string): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    now: new Date(instant),
  });
}

export function realClock(): void {
  jest.useRealTimers();
}
