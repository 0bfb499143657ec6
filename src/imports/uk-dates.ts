const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return null;
  return date.toISOString().slice(0, 10);
}

/** A month name or abbreviation ("October", "Oct", "Sept") as 1-12, or null. */
export function monthNumber(name: string): number | null {
  const index = MONTHS.indexOf(name.trim().toLowerCase().slice(0, 3));
  return index < 0 ? null : index + 1;
}

/**
 * A date as people in the NHS write it: `31/03/2024`, `31-03-24`, `31 March 2024`, `31 Mar
 * 2024`, `2024-03-31`, or an Excel serial number (days since 1899-12-30). Never month-first.
 */
export function parseUkDate(value: unknown): string | null {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1 || value > 100000) return null;
    return new Date(Date.UTC(1899, 11, 30) + Math.round(value) * 86400000)
      .toISOString()
      .slice(0, 10);
  }
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/(\d)(st|nd|rd|th)\b/gi, '$1');
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (match) {
    const year = match[3].length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
    return isoDate(year, Number(match[2]), Number(match[1]));
  }
  match = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[2]);
    return month ? isoDate(Number(match[3]), month, Number(match[1])) : null;
  }
  if (/^\d{5}(\.\d+)?$/.test(text)) return parseUkDate(Number(text));
  return null;
}

/** Every "3 October 2017"-style date in a sentence, in order. */
export function datesIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(
    /\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?\s+(\d{4})\b/g,
  )) {
    const date = parseUkDate(`${match[1]} ${match[2]} ${match[3]}`);
    if (date) found.push(date);
  }
  return found;
}
