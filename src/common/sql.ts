import { AppError } from './app-error';

/** A LIKE pattern matching `text` anywhere, with its wildcards escaped; use with `ESCAPE '\'`. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const LIKE_ESCAPE = "ESCAPE '\\'";

/** Optimistic locking: a write naming a version other than the stored one changes nothing. */
export function checkVersion(entity: string, stored: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== stored) {
    throw new AppError(
      'VERSION_CONFLICT',
      `This ${entity} has changed since you read it (you have version ${expected}, it is now ${stored}); reload and try again`,
    );
  }
}
