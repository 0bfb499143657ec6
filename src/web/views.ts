import { roleInTrust } from './trust-role';
import { longDate } from '../common/dates';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { daysBetween, todayDate } from '../common/dates';
import { daysLeftText } from '../findings/finding-dates';

/**
 * Templates live beside this file in src/web/views. The build compiles TypeScript only, so
 * the compiled app (dist/src/web) reads them from the source tree.
 */
const VIEWS_DIR = [
  path.join(__dirname, 'views'),
  path.join(__dirname, '..', '..', '..', 'src', 'web', 'views'),
].find((dir) => existsSync(dir));

/** The NHS.UK design system's own Nunjucks macros, imported as "nhsuk/components/...". */
export const NHSUK_DIST_DIR = path.join(
  path.dirname(require.resolve('nhsuk-frontend/package.json')),
  'dist',
);

const NHSUK_VERSION = (
  JSON.parse(readFileSync(path.join(NHSUK_DIST_DIR, '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

export const PUBLIC_DIR = [
  path.join(__dirname, 'public'),
  path.join(__dirname, '..', '..', '..', 'src', 'web', 'public'),
].find((dir) => existsSync(dir));

/** "2027-03-05" → "5 March 2027", the NHS.UK style for dates. */
export function ukDate(value: string | null | undefined): string {
  return value ? longDate(value) : '';
}

const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
});
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** An instant as people in England read it: "5 March 2027 at 14:03". */
export function ukDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  return `${ukDate(LONDON_DATE.format(instant))} at ${TIME.format(instant)}`;
}

/** Words people read for the codes the API uses; anything not listed is tidied mechanically. */
const LABELS: Record<string, string> = {
  WARNING_NOTICE: 'Warning notice',
  quality_lead: 'Quality lead',
  cqc_json: 'CQC JSON',
};

/** "OFF_TRACK" → "Off track". */
export function labelOf(code: string | number | null | undefined): string {
  if (code === null || code === undefined) return '';
  const text = String(code);
  if (LABELS[text]) return LABELS[text];
  const words = text.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function createViewEnvironment(): nunjucks.Environment {
  if (!VIEWS_DIR) throw new Error('The page templates (src/web/views) are missing');
  const environment = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([VIEWS_DIR, NHSUK_DIST_DIR], {
      noCache: process.env.NODE_ENV === 'development',
    }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  environment.addFilter('ukDate', ukDate);
  environment.addFilter('ukDateTime', ukDateTime);
  environment.addFilter('label', labelOf);
  environment.addFilter('daysLeft', daysLeftText);
  // Days from today to a deadline, in words ("3 days overdue"), for pages that show today's view.
  environment.addFilter('daysLeftFromToday', (date: string) =>
    daysLeftText(daysBetween(todayDate(), date)),
  );
  environment.addGlobal('nhsukVersion', NHSUK_VERSION);
  // Buttons follow the person's role in the trust the page is about, not a role held elsewhere.
  environment.addGlobal('roleIn', roleInTrust);
  return environment;
}
