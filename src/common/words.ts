import { longDate } from './dates';
import { BRAG_COLOURS } from '../delivery/brag';
import { DELIVERY_STATUSES } from '../delivery/delivery-status';

/**
 * The words people read for the codes the API uses, shared by the pages and every report format
 * (HTML, PDF, XLSX, CSV), so a board paper says "Off track" where the page says "Off track".
 */
const LABELS: Record<string, string> = {
  WARNING_NOTICE: 'Warning notice',
  quality_lead: 'Quality lead',
  cqc_json: 'CQC JSON',
  DUE_SOON_WITH_LOW_PROGRESS: 'Due soon with little progress',
  NO_RECENT_UPDATE: 'No update for over 30 days',
  DUE_AFTER_REINSPECTION: 'Due after the reinspection',
  FLAGGED_OFF_TRACK: 'Flagged off track',
  PAST_DUE: 'Past its due date',
  NOT_READY: 'Not ready',
  AT_RISK: 'At risk',
  READY: 'Ready',
};

/** "OFF_TRACK" → "Off track"; anything not listed above is tidied mechanically. */
export function labelOf(code: string | number | null | undefined): string {
  if (code === null || code === undefined) return '';
  const text = String(code);
  if (LABELS[text]) return LABELS[text];
  const words = text.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Delivery statuses in the one order every page and report lists them: what needs the board's
 * attention first (off track), then at risk, on track, done, and cancelled last.
 */
export const DELIVERY_STATUS_ORDER = DELIVERY_STATUSES;

/** BRAG colours in the same spirit: red first, blue (assured) last. */
export const BRAG_ORDER = BRAG_COLOURS;

/** Readiness verdicts, worst first. */
export const VERDICT_ORDER = ['NOT_READY', 'AT_RISK', 'READY'] as const;

const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
});
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** "2027-03-05" → "5 March 2027", the NHS.UK style for dates; empty for none. */
export function ukDate(value: string | null | undefined): string {
  return value ? longDate(value) : '';
}

/** An instant as people in England read it: "5 March 2027 at 14:03". */
export function ukDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return String(value);
  return `${ukDate(LONDON_DATE.format(instant))} at ${TIME.format(instant)}`;
}
