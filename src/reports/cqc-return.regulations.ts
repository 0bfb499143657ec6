import { findRegulation, RegulationInstrument } from '../cqc/regulations';
import type { RegulationCitation } from '../findings/finding.entity';
import { scanCitations } from '../imports/regulation-citations';

/**
 * How the CQC return files a finding: under each regulation it breaches, by instrument and
 * regulation NUMBER (12(1) and 12(2)(a) are one section, the paragraphs listed with the
 * breach), the 2010 regulations apart from the 2014 ones, and findings citing none in a
 * section of their own.
 */
export interface CitedRegulation {
  instrument: RegulationInstrument;
  /** "12", "9A". */
  number: string;
  /** "(1)(2)(a)", or null when the citation names the whole regulation. */
  paragraph: string | null;
}

const BARE = /^\s*(\d{1,2}[A-Za-z]?)(?!\d)\s*((?:\(\s*[0-9a-z]{1,4}\s*\)\s*)*)/i;

/**
 * One citation read robustly, whether stored as the API writes it ({instrument, number,
 * paragraph}), with the paragraph run into the number ("12(1)"), the instrument as text, or
 * written out as a report writes it ("Regulation 12 (1)(2)(a)", "Reg 17(2)(b)", "Regulation 9
 * HSCA (RA) Regulations 2014", "Regulation 10 of the 2010 regulations"). Null when there is
 * no regulation number to read.
 */
export function readCitation(
  value: unknown,
  defaultInstrument: RegulationInstrument = 2014,
): CitedRegulation | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const c = value as Partial<Record<keyof RegulationCitation, unknown>>;
    const instrument = instrumentOf(c.instrument) ?? defaultInstrument;
    const parsed = readCitation(textOf(c.number), instrument);
    if (!parsed) return null;
    const paragraph = paragraphOf(`${parsed.paragraph ?? ''}${textOf(c.paragraph)}`);
    return { instrument: parsed.instrument, number: parsed.number, paragraph };
  }
  const text = textOf(value).trim();
  if (!text) return null;
  const instrument: RegulationInstrument =
    /\b2010\b/.test(text) && !/\b2014\b/.test(text)
      ? 2010
      : /\b2014\b/.test(text)
        ? 2014
        : defaultInstrument;
  const [scanned] = scanCitations(text, instrument).citations;
  if (scanned)
    return {
      instrument: scanned.instrument,
      number: scanned.number,
      paragraph: paragraphOf(scanned.paragraph),
    };
  // A bare number ("12", "17(2)(a)") or one the scanner does not know (an unknown number).
  const bare = BARE.exec(text.replace(/^(?:regulations?|regs?\.?)\s*/i, ''));
  if (!bare) return null;
  return { instrument, number: bare[1].toUpperCase(), paragraph: paragraphOf(bare[2]) };
}

/** A cell's text: strings and numbers as written, anything else as nothing. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function instrumentOf(value: unknown): RegulationInstrument | null {
  const year = Number(value);
  return year === 2010 || year === 2014 ? year : null;
}

/** "(1) (2)(a)" → "(1)(2)(a)"; "" → null. */
function paragraphOf(value: string | null | undefined): string | null {
  const text = (value ?? '').replace(/\s+/g, '').toLowerCase();
  return /^(\([0-9a-z]{1,4}\))+$/.test(text) ? text : null;
}

/** A section of the return: one regulation of one instrument, or none. */
export interface RegulationSectionKey {
  /** "2014:12", "2010:22", or "none". */
  key: string;
  instrument: RegulationInstrument | null;
  number: string | null;
  heading: string;
}

export const NO_REGULATION: RegulationSectionKey = {
  key: 'none',
  instrument: null,
  number: null,
  heading: 'Not tied to a regulation',
};

export function sectionOf(citation: Pick<CitedRegulation, 'instrument' | 'number'>) {
  const title = findRegulation(citation.instrument, citation.number)?.title;
  const name =
    citation.instrument === 2010
      ? `Regulation ${citation.number} of the 2010 regulations`
      : `Regulation ${citation.number}`;
  return {
    key: `${citation.instrument}:${citation.number}`,
    instrument: citation.instrument,
    number: citation.number,
    heading: title ? `${name}: ${title}` : name,
  } satisfies RegulationSectionKey;
}

/**
 * The sections a finding belongs to, in the return's order, each with the paragraphs it cites
 * ("12(1)(2)(a)"); the "none" section when it cites no regulation.
 */
export function sectionsOfFinding(
  citations: unknown,
): { section: RegulationSectionKey; paragraphs: string[] }[] {
  const list = Array.isArray(citations) ? citations : [];
  const bySection = new Map<string, { section: RegulationSectionKey; paragraphs: string[] }>();
  for (const raw of list) {
    const citation = readCitation(raw);
    if (!citation) continue;
    const section = sectionOf(citation);
    const entry = bySection.get(section.key) ?? { section, paragraphs: [] };
    const cited = `${citation.number}${citation.paragraph ?? ''}`;
    if (citation.paragraph && !entry.paragraphs.includes(cited)) entry.paragraphs.push(cited);
    bySection.set(section.key, entry);
  }
  if (!bySection.size) return [{ section: NO_REGULATION, paragraphs: [] }];
  return [...bySection.values()].sort((a, b) => compareSections(a.section, b.section));
}

/** 2014 regulations first by number (9 before 9A before 10), then 2010, then none. */
export function compareSections(a: RegulationSectionKey, b: RegulationSectionKey): number {
  const rank = (s: RegulationSectionKey) => (s.instrument === 2014 ? 0 : s.instrument ? 1 : 2);
  const number = (s: RegulationSectionKey) => parseInt(s.number ?? '0', 10);
  return (
    rank(a) - rank(b) ||
    number(a) - number(b) ||
    (a.number ?? '').localeCompare(b.number ?? '', 'en')
  );
}

/** The name of an instrument as the return's part headings give it. */
export const INSTRUMENT_HEADINGS: Record<RegulationInstrument, string> = {
  2014: 'Health and Social Care Act 2008 (Regulated Activities) Regulations 2014',
  2010: 'Health and Social Care Act 2008 (Regulated Activities) Regulations 2010',
};
