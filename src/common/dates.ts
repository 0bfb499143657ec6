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

export function todayDate(): string {
  return nowTimestamp().slice(0, 10);
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

/** The last instant of a calendar day: everything recorded on that day counts as at it. */
export function endOfDay(date: string): string {
  return `${date}T23:59:59.999Z`;
}

export function timestampDaysBefore(timestamp: string, days: number): string {
  return new Date(Date.parse(timestamp) - days * DAY_MS).toISOString();
}
