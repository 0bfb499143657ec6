import { roleInTrust } from './trust-role';
import { labelOf, ukDate, ukDateTime } from '../common/words';
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

export { labelOf, ukDate, ukDateTime } from '../common/words';

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
  // An evidence document's size in words (12 KB, 3.4 MB).
  environment.addFilter('fileSize', (bytes: number) =>
    bytes < 1024
      ? `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
      : bytes < 1024 * 1024
        ? `${Math.round(bytes / 1024)} KB`
        : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`,
  );
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
