import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppError, errorStatus, FieldProblem } from '../common/app-error';
import { EARLIEST_DATE, isIsoDate, isSupportedDate, LATEST_DATE } from '../common/dates';
import { flattenValidationErrors } from '../common/validation';

/** What a page needs to show problems the NHS.UK way: a summary linking to each field, and the message beside it. */
export interface FormErrors {
  errorList: { text: string; href: string }[];
  errors: Record<string, string>;
}

export const NO_ERRORS: FormErrors = { errorList: [], errors: {} };

/** Fields are named in the API's words ("dueDate must be..."); people read their labels. */
export function toFormErrors(problems: FieldProblem[], labels: Record<string, string>): FormErrors {
  const errors: Record<string, string> = {};
  const errorList: FormErrors['errorList'] = [];
  for (const problem of problems) {
    const field = problem.field.split(/[.[]/)[0] || 'form';
    const label = labels[field];
    const reason = problem.reason.startsWith(`${field} `)
      ? problem.reason.slice(field.length + 1)
      : problem.reason;
    // "the file is empty" under the label "The file" reads as it is, not "The file the file ...";
    // a reason written as a whole sentence ("Enter the meeting ...") reads as it is too.
    const namesItself =
      label && (/^[A-Z]/.test(reason) || reason.toLowerCase().startsWith(label.toLowerCase()));
    const text = label && !namesItself ? `${label} ${reason}` : capitalise(reason);
    if (errors[field]) continue;
    errors[field] = text;
    errorList.push({ text, href: `#${field}` });
  }
  return { errorList, errors };
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
    return required ? { problem: { field: name, reason: `enter the ${label.toLowerCase()}` } } : {};
  }
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) {
    return { problem: { field: name, reason: `must include a ${missing.join(' and ')}` } };
  }
  const iso = `${year!.padStart(4, '0')}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  if (!/^\d{4}$/.test(year!) || !isIsoDate(iso)) {
    return { problem: { field: name, reason: 'must be a real date, like 31 3 2027' } };
  }
  if (!isSupportedDate(iso)) {
    return {
      problem: {
        field: name,
        reason: `must be from ${EARLIEST_DATE.slice(0, 4)} to ${LATEST_DATE.slice(0, 4)}`,
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
    if (error instanceof AppError && [400, 409, 422].includes(status)) {
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
