/**
 * Dates travel and are stored as ISO strings: calendar dates as `YYYY-MM-DD`, instants as
 * `YYYY-MM-DDTHH:mm:ss.sssZ` in UTC. Both sort and compare correctly as text, on SQLite and
 * PostgreSQL alike, so as-at queries compare strings and never depend on a driver's date
 * conversion.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export function nowTimestamp(): string {
  return new Date().toISOString();
}

/**
 * The tracker's calendar is the Europe/London day (GMT in winter, BST in summer): "today",
 * as-at dates, due-date comparisons and report titles all mean the day as people in England
 * live it, not the UTC day (which ends at 23:00 London time all summer).
 */
export const TRUST_TIME_ZONE = 'Europe/London';

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: TRUST_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The London calendar day an instant falls on. */
export function londonDateOf(instant: string | number | Date): string {
  return londonDay.format(new Date(instant));
}

export function todayDate(): string {
  return londonDateOf(Date.now());
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * The dates the tracker accepts from people and clients. Outside them a date is a typing
 * mistake (year 0000, 20277), and PostgreSQL and SQLite disagree on what they would store.
 */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2199-12-31';

/** A real `YYYY-MM-DD` date from 1900-01-01 to 2199-12-31. */
export function isSupportedDate(value: string): boolean {
  return isIsoDate(value) && value >= EARLIEST_DATE && value <= LATEST_DATE;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS,
  );
}

/**
 * The last instant (UTC) of a London calendar day: everything recorded on that day counts as
 * at it. In summer that is 22:59:59.999Z. Clocks change at 01:00 UTC, so the offset at
 * 23:59 UTC of the day is the offset at the day's end.
 */
export function endOfDay(date: string): string {
  const utcEnd = Date.parse(`${date}T23:59:59.999Z`);
  return new Date(utcEnd - londonOffsetMs(utcEnd)).toISOString();
}

/** The first instant (UTC) of a London calendar day. */
export function startOfDay(date: string): string {
  return new Date(Date.parse(endOfDay(addDays(date, -1))) + 1).toISOString();
}

/** How far London's clocks are ahead of UTC at an instant: 0 or one hour. */
function londonOffsetMs(instant: number): number {
  const parts = Object.fromEntries(
    londonClock.formatToParts(new Date(instant)).map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour) % 24,
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: TRUST_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function timestampDaysBefore(timestamp: string, days: number): string {
  return new Date(Date.parse(timestamp) - days * DAY_MS).toISOString();
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2027-03-01" → "1 March 2027": how people write a date (NHS.UK style), in pages and reports. */
export function longDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  return `${Number(match[3])} ${MONTH_NAMES[Number(match[2]) - 1]} ${match[1]}`;
}
