import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppError, errorStatus, FieldProblem } from '../common/app-error';
import { EARLIEST_DATE, isIsoDate, isSupportedDate, LATEST_DATE, longDate } from '../common/dates';
import { flattenValidationErrors } from '../common/validation';
import { FieldKind, FieldMessages, FORM_MESSAGES, PICKER_MESSAGES } from './form-messages';

const NUMBER = 'must be a whole number';

/** What a page needs to show problems the NHS.UK way: a summary linking to each field, and the message beside it. */
export interface FormErrors {
  errorList: { text: string; href: string }[];
  errors: Record<string, string>;
}

export const NO_ERRORS: FormErrors = { errorList: [], errors: {} };

/**
 * The problems as people read them. With `form` (a key of FORM_MESSAGES) each field the form
 * knows gets its own NHS.UK-style message, chosen by what is wrong (left empty, too long, or a
 * particular rule), never the API's reason, and the summary follows the order of the form's
 * inputs. `labels` name fields the table does not know; problems a service wrote for people
 * (no constraint) read as "Label reason".
 */
export function toFormErrors(
  problems: FieldProblem[],
  labels: Record<string, string>,
  form?: string,
): FormErrors {
  const table = form ? FORM_MESSAGES[form] : undefined;
  const byField = new Map<string, FieldProblem[]>();
  for (const problem of problems) {
    const field = problem.field.split(/[.[]/)[0] || 'form';
    byField.set(field, [...(byField.get(field) ?? []), problem]);
  }
  let fields = [...byField.keys()];
  if (table) {
    const order = Object.keys(table);
    const rank = (field: string) =>
      field === 'form' ? -1 : order.includes(field) ? order.indexOf(field) : order.length;
    fields = fields.sort((a, b) => rank(a) - rank(b));
  }
  const errors: Record<string, string> = {};
  const errorList: FormErrors['errorList'] = [];
  for (const field of fields) {
    const entry = table?.[field] ?? (labels[field] ? fromLabel(field, labels[field]) : undefined);
    const text = readable(messageFor(field, byField.get(field)!, entry, labels[field]));
    errors[field] = text;
    errorList.push({ text, href: `#${hrefOf(field, entry)}` });
  }
  return { errorList, errors };
}

const MISSING = ['isNotEmpty', 'isDefined', 'isNotNull', 'dateMissing'];

function messageFor(
  field: string,
  problems: FieldProblem[],
  entry: FieldMessages | undefined,
  label: string | undefined,
): string {
  // What the date input found (a box left empty, 31 2) is the cause of the DTO's complaint.
  const typed = problems.find((p) => p.constraint?.startsWith('date'));
  if (typed) problems = [typed];
  const first = problems[0];
  for (const problem of problems) {
    const picked = problem.constraint && PICKER_MESSAGES[field]?.[problem.constraint];
    if (picked) return picked;
  }
  if (field === 'form' || !entry) return legacy(field, first, label);
  const name = lowerFirst(entry.label);
  const kind = entry.kind ?? 'text';
  if (problems.some((p) => p.missing || MISSING.includes(p.constraint ?? ''))) {
    return (
      entry.missing ??
      (kind === 'choice' || kind === 'file' ? `Select ${article(name)}` : `Enter ${article(name)}`)
    );
  }
  for (const problem of problems) {
    const rule = problem.constraint && entry.rules?.[problem.constraint];
    if (rule) return rule;
  }
  const constrained = problems.find((p) => p.constraint);
  if (!constrained) return legacy(field, first, entry.label);
  switch (constrained.constraint ?? '') {
    case 'maxLength': {
      const most = /at most (\d+)/.exec(constrained.reason)?.[1];
      return (
        entry.tooLong ??
        (most
          ? `${entry.label} must be ${Number(most).toLocaleString('en-GB')} characters or fewer`
          : `${entry.label} is too long`)
      );
    }
    // The date input's own checks already say what is wrong in people's words.
    case 'dateIncomplete':
    case 'dateRange':
      return `${entry.label} ${constrained.reason}`;
    case 'dateNotReal':
    case 'isCalendarDate':
      return `${entry.label} must be a real date`;
    case 'isNotInFuture':
      return `${entry.label} is in the future: enter today or an earlier date`;
    default:
      break;
  }
  if (entry.invalid) return entry.invalid;
  switch (kind) {
    case 'choice':
    case 'file':
      return `Select ${article(name)}`;
    case 'number':
      return `${entry.label} ${NUMBER}`;
    case 'date':
      return `${entry.label} must be a real date`;
    case 'text':
      return `Enter ${article(name)} in words`;
  }
}

/** A reason a service wrote for people: "The file is empty", "Title must not be empty". */
function legacy(field: string, problem: FieldProblem, known: string | undefined): string {
  const namedByCode = problem.reason.startsWith(`${field} `);
  const reason = namedByCode ? problem.reason.slice(field.length + 1) : problem.reason;
  // A field no table names, in a reason that starts with its code name: say its name in words.
  const label = known ?? (namedByCode ? humanise(field) : '');
  // "the file is empty" under the label "The file" reads as it is, not "The file the file ...";
  // a reason written as a whole sentence ("Enter the meeting ...") reads as it is too.
  const namesItself =
    !label || /^[A-Z]/.test(reason) || reason.toLowerCase().startsWith(label.toLowerCase());
  return namesItself ? capitalise(reason) : `${label} ${reason}`;
}

/** A field only named in a controller's labels: guess its kind from its name. */
function fromLabel(field: string, label: string): FieldMessages {
  const kind: FieldKind = /Ids?$/.test(field)
    ? 'choice'
    : /Date$|AsOf$|^asOf$/.test(field)
      ? 'date'
      : 'text';
  return { label, kind };
}

function hrefOf(field: string, entry: FieldMessages | undefined): string {
  if (entry?.id) return entry.id;
  // The NHS.UK date input's first box is the day, `<id>-day`.
  return entry?.kind === 'date' ? `${field}-day` : field;
}

/** Words a person reads: no ISO dates, no code names. */
function readable(message: string): string {
  return message
    .replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (iso) => (isIsoDate(iso) ? longDate(iso) : iso))
    .replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, humaniseWord);
}

function humaniseWord(word: string): string {
  return word
    .replace(/Ids?$/, '')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase();
}

function humanise(field: string): string {
  return capitalise(humaniseWord(field));
}

function lowerFirst(text: string): string {
  // "CQC evidence category" keeps its capitals.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function article(name: string): string {
  if (/^(the|a|an|your|their|what|how|why|who|which|where|when) /i.test(name)) return name;
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Checks a form against the same DTO the API uses, so the pages and the API accept exactly the same things. */
export async function validateForm<T extends object>(
  type: new () => T,
  plain: Record<string, unknown>,
): Promise<{ value: T; problems: FieldProblem[] }> {
  const value = plainToInstance(type, plain);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: false });
  return { value, problems: flattenValidationErrors(errors) };
}

/** A form field as text, trimmed; empty means not given. */
export function text(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A whole number typed into a form; anything else is passed on as typed, for the DTO to refuse. */
export function integer(body: Record<string, unknown>, name: string): number | string | undefined {
  const value = text(body, name);
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

/**
 * A date entered as day, month and year (the NHS.UK date input names them `name[day]`,
 * `name[month]`, `name[year]`), as `YYYY-MM-DD`; or a problem saying what is wrong with it.
 */
export function dateInput(
  body: Record<string, unknown>,
  name: string,
  label: string,
  required: boolean,
): { value?: string; problem?: FieldProblem } {
  const day = text(body, `${name}[day]`);
  const month = text(body, `${name}[month]`);
  const year = text(body, `${name}[year]`);
  if (!day && !month && !year) {
    const reason = `enter the ${label.toLowerCase()}`;
    return required ? { problem: { field: name, reason, constraint: 'dateMissing' } } : {};
  }
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) {
    const reason = `must include a ${missing.join(' and ')}`;
    return { problem: { field: name, reason, constraint: 'dateIncomplete' } };
  }
  const iso = `${year!.padStart(4, '0')}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  if (!/^\d{4}$/.test(year!) || !isIsoDate(iso)) {
    const reason = 'must be a real date, like 31 3 2027';
    return { problem: { field: name, reason, constraint: 'dateNotReal' } };
  }
  if (!isSupportedDate(iso)) {
    return {
      problem: {
        field: name,
        reason: `must be from ${EARLIEST_DATE.slice(0, 4)} to ${LATEST_DATE.slice(0, 4)}`,
        constraint: 'dateRange',
      },
    };
  }
  return { value: iso };
}

/** The day, month and year to show in a date input again. */
export function dateParts(
  body: Record<string, unknown>,
  name: string,
  fallback?: string | null,
): { day: string; month: string; year: string } {
  if (body[`${name}[day]`] !== undefined || body[`${name}[year]`] !== undefined) {
    return {
      day: text(body, `${name}[day]`) ?? '',
      month: text(body, `${name}[month]`) ?? '',
      year: text(body, `${name}[year]`) ?? '',
    };
  }
  if (!fallback) return { day: '', month: '', year: '' };
  return {
    day: String(Number(fallback.slice(8, 10))),
    month: String(Number(fallback.slice(5, 7))),
    year: fallback.slice(0, 4),
  };
}

/**
 * Runs a change the person asked for. A refusal the person can fix (bad input, a stale
 * version, a rule) comes back as problems to show on the form; anything else (403, 404, 5xx)
 * goes on to the error filter, which renders and records it.
 */
export async function attempt<T>(
  work: () => Promise<T>,
): Promise<
  { ok: true; value: T } | { ok: false; status: number; code: string; problems: FieldProblem[] }
> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const status = error instanceof AppError ? errorStatus(error.code) : 500;
    // 415: an evidence document of a type not allowed is answered on its form, naming the file.
    if (error instanceof AppError && [400, 409, 415, 422].includes(status)) {
      return {
        ok: false,
        status,
        code: error.code,
        problems: error.errors?.length ? error.errors : [{ field: 'form', reason: error.message }],
      };
    }
    throw error;
  }
}
