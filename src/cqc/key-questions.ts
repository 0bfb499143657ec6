/** CQC's five key questions, spelled as CQC spells them. */
export const KEY_QUESTIONS = ['Safe', 'Effective', 'Caring', 'Responsive', 'Well-led'] as const;
export type KeyQuestion = (typeof KEY_QUESTIONS)[number];

/** A rating is given per key question and overall. */
export const RATING_SCOPES = [...KEY_QUESTIONS, 'Overall'] as const;
export type RatingScope = (typeof RATING_SCOPES)[number];

export function isKeyQuestion(value: unknown): value is KeyQuestion {
  return typeof value === 'string' && (KEY_QUESTIONS as readonly string[]).includes(value);
}
