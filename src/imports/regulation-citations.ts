import { findRegulation, RegulationInstrument } from '../cqc/regulations';
import type { RegulationCitation } from '../findings/finding.entity';

/** Reports published before this date cite the 2010 regulations. */
export const REGULATIONS_2014_FROM = '2015-04-01';

export interface CitationScan {
  citations: RegulationCitation[];
  /** Numbers that look like citations but are not regulations of the instrument. */
  unknown: string[];
}

/**
 * Finds every regulation a finding cites, in the forms CQC reports use: `(Regulation 9)`,
 * `Regulation 12(1)(2)(a)`, `Regulation 17 (Good governance) and Regulation 18 (Staffing)`,
 * `Regulations 12 and 17`, `Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment`,
 * `a breach of regulation 12(1) of the Health and Social Care Act 2008 (Regulated Activities)
 * Regulations 2014`, and `Regulation 22 ... 2010 Staffing`. The instrument is the one the text
 * names, or else the one in force on the report's date.
 */
export function scanCitations(
  text: string,
  defaultInstrument: RegulationInstrument = 2014,
): CitationScan {
  const instrument: RegulationInstrument =
    /\b2010\b/.test(text) && !/\b2014\b/.test(text)
      ? 2010
      : /\b2014\b/.test(text)
        ? 2014
        : defaultInstrument;
  text = numbersInWords(text);
  const citations: RegulationCitation[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  // "Regulation 12(1)(2)(a)", "regulations 12, 17 and 18": a number, optional paragraph groups,
  // then further numbers joined by commas or "and".
  const pattern =
    /\b(?:regulations?|regs?\.?)\s*(\d{1,2}[Aa]?(?!\d)(?:\s?\([0-9a-z]{1,4}\))*(?:\s*(?:,|and|&)\s*\d{1,2}[Aa]?(?!\d)(?:\s?\([0-9a-z]{1,4}\))*)*)/gi;
  for (const match of text.matchAll(pattern)) {
    for (const part of match[1].split(/\s*(?:,|and|&)\s*/)) {
      const parsed = /^(\d{1,2}[Aa]?)((?:\s?\([0-9a-z]{1,4}\))*)$/.exec(part.trim());
      if (!parsed) continue;
      const number = parsed[1].toUpperCase();
      const paragraph = parsed[2].replace(/\s/g, '') || null;
      if (!findRegulation(instrument, number)) {
        unknown.push(number);
        continue;
      }
      const key = `${instrument}:${number}:${paragraph ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      citations.push({ instrument, number, paragraph });
    }
  }
  // "in breach of the legal regulation relating to good governance": regulations named by title.
  if (instrument === 2014) {
    for (const sentence of text.split(/(?<=[.;])\s+/)) {
      if (!/\bbreach(?:es|ed)? of (?:the )?(?:legal )?regulations?\b(?!\s+\d)/i.test(sentence))
        continue;
      for (const [number, pattern] of TITLES_2014) {
        if (!pattern.test(sentence)) continue;
        const key = `2014:${number}:`;
        if (seen.has(key)) continue;
        seen.add(key);
        citations.push({ instrument: 2014, number, paragraph: null });
      }
    }
  }
  // "Regulation 12 ... This was a breach of regulation 12(2)(a)": the bare number adds nothing.
  const withParagraph = new Set(
    citations.filter((c) => c.paragraph).map((c) => `${c.instrument}:${c.number}`),
  );
  return {
    citations: citations.filter(
      (c) => c.paragraph || !withParagraph.has(`${c.instrument}:${c.number}`),
    ),
    unknown,
  };
}

/** 2014 regulations as reports name them in words ("the legal regulation relating to staffing"). */
const TITLES_2014: [string, RegExp][] = [
  ['9', /\bperson[- ]centred care\b/i],
  ['10', /\bdignity and respect\b/i],
  ['11', /\bneed for consent\b/i],
  ['12', /\bsafe care and treatment\b/i],
  ['13', /\bsafeguarding service users from abuse\b/i],
  ['14', /\bmeeting nutritional and hydration needs\b/i],
  ['15', /\bpremises and equipment\b/i],
  ['16', /\breceiving and acting on complaints\b/i],
  ['17', /\bgood governance\b/i],
  ['18', /\bstaffing\b/i],
  ['19', /\bfit and proper persons employed\b/i],
  ['20', /\bduty of candour\b/i],
];

const NUMBER_WORDS: Record<string, number> = {
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  'twenty-one': 21,
  'twenty one': 21,
  'twenty-two': 22,
  'twenty two': 22,
  'twenty-three': 23,
  'twenty three': 23,
  'twenty-four': 24,
  'twenty four': 24,
};
const NUMBER_WORD =
  '(?:twenty[- ](?:one|two|three|four)|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)';

/** "regulation twelve", "regulations twelve and seventeen": the numbers as digits. */
function numbersInWords(text: string): string {
  const list = new RegExp(
    `\\b(regulations?\\s+)(${NUMBER_WORD}(?:\\s*(?:,|and|&)\\s*${NUMBER_WORD})*)\\b`,
    'gi',
  );
  return text.replace(list, (_all, lead: string, numbers: string) => {
    const digits = numbers.replace(new RegExp(NUMBER_WORD, 'gi'), (word) =>
      String(NUMBER_WORDS[word.toLowerCase()] ?? word),
    );
    return `${lead}${digits}`;
  });
}
