/** The four ratings, plus "Not rated", spelled as CQC's data spells them. */
export const RATINGS = [
  'Outstanding',
  'Good',
  'Requires improvement',
  'Inadequate',
  'Not rated',
] as const;
export type Rating = (typeof RATINGS)[number];

/** Ratings that oblige a trust to improve: each becomes a RATING finding on import. */
export const RATINGS_NEEDING_IMPROVEMENT: readonly Rating[] = [
  'Requires improvement',
  'Inadequate',
];

/** Accepts the spellings seen in reports and spreadsheets ("requires improvement", "RI"). */
export function normaliseRating(value: string): Rating | undefined {
  const key = value.trim().toLowerCase().replace(/\s+/g, ' ');
  const aliases: Record<string, Rating> = {
    ri: 'Requires improvement',
    'no published rating': 'Not rated',
  };
  return RATINGS.find((rating) => rating.toLowerCase() === key) ?? aliases[key];
}

/**
 * Single assessment framework: a key question's percentage score maps to a rating
 * (25-38% Inadequate, 39-62% Requires improvement, 63-87% Good, 88%+ Outstanding).
 */
export const SCORE_BANDS: readonly { minPercent: number; rating: Rating }[] = [
  { minPercent: 88, rating: 'Outstanding' },
  { minPercent: 63, rating: 'Good' },
  { minPercent: 39, rating: 'Requires improvement' },
  { minPercent: 25, rating: 'Inadequate' },
];

export function ratingForScorePercent(percent: number): Rating | undefined {
  return SCORE_BANDS.find((band) => percent >= band.minPercent)?.rating;
}
