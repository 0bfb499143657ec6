import { ukDate } from '../common/words';

/** What the board is asked to do with the paper. */
export const BOARD_PURPOSES = ['information', 'discussion', 'decision'] as const;
export type BoardPurpose = (typeof BOARD_PURPOSES)[number];

/** The NHS board assurance levels an executive gives a paper, strongest first. */
export const ASSURANCE_LEVELS = [
  'substantial',
  'reasonable',
  'partial',
  'limited',
  'none',
] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];

export const PURPOSE_LABELS: Record<BoardPurpose, string> = {
  information: 'For information',
  discussion: 'For discussion',
  decision: 'For decision',
};

export const ASSURANCE_LABELS: Record<AssuranceLevel, string> = {
  substantial: 'Substantial assurance',
  reasonable: 'Reasonable assurance',
  partial: 'Partial assurance',
  limited: 'Limited assurance',
  none: 'No assurance',
};

/** Protective marking printed on every page unless the author gives another. */
export const DEFAULT_MARKING = 'OFFICIAL-SENSITIVE';
export const NOT_GIVEN = 'Not given';

/** The cover sheet's facts, as the author gave them; every one optional. */
export interface BoardCover {
  meeting?: string;
  /** YYYY-MM-DD; printed "1 December 2026". */
  meetingDate?: string;
  agendaItem?: string;
  author?: string;
  executiveSponsor?: string;
  purpose?: BoardPurpose;
  assuranceLevel?: AssuranceLevel;
  strategicRisks?: string;
  recommendation?: string;
  marking?: string;
  version?: string;
}

/** The cover fields a caller may pass, in the order the cover sheet prints them. */
export const COVER_FIELDS = [
  'meeting',
  'meetingDate',
  'agendaItem',
  'author',
  'executiveSponsor',
  'purpose',
  'assuranceLevel',
  'strategicRisks',
  'recommendation',
  'marking',
  'version',
] as const;

export function markingOf(cover: BoardCover | undefined): string {
  return cover?.marking?.trim() || DEFAULT_MARKING;
}

/**
 * The cover sheet as label and value rows, decided once for the PDF, the HTML page and the
 * workbook; anything not given reads "Not given", never blank or "undefined".
 */
export function coverRows(cover: BoardCover | undefined, trust: string): [string, string][] {
  const c = cover ?? {};
  const given = (value: string | undefined) => value?.trim() || NOT_GIVEN;
  return [
    ['Trust', trust],
    ['Meeting', given(c.meeting)],
    ['Date of meeting', c.meetingDate ? ukDate(c.meetingDate) : NOT_GIVEN],
    ['Agenda item', given(c.agendaItem)],
    ['Author', given(c.author)],
    ['Executive sponsor', given(c.executiveSponsor)],
    ['Purpose', c.purpose ? PURPOSE_LABELS[c.purpose] : NOT_GIVEN],
    ['Assurance level', c.assuranceLevel ? ASSURANCE_LABELS[c.assuranceLevel] : NOT_GIVEN],
    ['Links to strategic risks', given(c.strategicRisks)],
    ['Recommendation', given(c.recommendation)],
    ['Protective marking', markingOf(c)],
    ['Version', given(c.version)],
  ];
}
