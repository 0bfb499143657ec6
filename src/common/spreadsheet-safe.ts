/**
 * A spreadsheet treats a cell that begins with = + - @ (or a tab or carriage return) as a
 * formula. Anything exported for people to open is passed through this first, so text from
 * the tracker can never run as a formula on someone's machine.
 */
export function neutraliseCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
