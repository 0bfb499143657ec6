import { canonicalCoreServiceName, CORE_SERVICES, findCoreService } from '../cqc/core-services';
import { KeyQuestion, RatingScope } from '../cqc/key-questions';
import { normaliseRating, Rating } from '../cqc/ratings';
import type { FindingType, RegulationCitation } from '../findings/finding.entity';
import { REGULATIONS_2014_FROM, scanCitations } from './regulation-citations';
import { datesIn, monthNumber } from './uk-dates';

export interface ParsedFinding {
  type: FindingType;
  /** Canonical catalogue name, or null for a trust-wide finding. */
  coreService: string | null;
  keyQuestion: KeyQuestion | null;
  regulations: RegulationCitation[];
  deadline: string | null;
  text: string;
  reference: string;
  line: number;
  page: number;
}

export interface ParsedRating {
  coreService: string | null;
  scope: RatingScope;
  rating: Rating;
  line: number;
}

export interface ImportWarning {
  line?: number;
  page?: number;
  message: string;
}

export interface ParsedReport {
  organisation: { name: string | null };
  inspection: { visitStart: string | null; visitEnd: string | null; publishedOn: string | null };
  ratings: ParsedRating[];
  findings: ParsedFinding[];
  warnings: ImportWarning[];
}

interface Line {
  text: string;
  line: number;
  page: number;
}

type Mode = 'NONE' | FindingType;

const BULLET =
  /^(?:[•\u2022\u25cf\u25aa\u25e6▪◦*\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\))\s+(.*)$/;
const KEY_QUESTION_WORDS: Record<string, KeyQuestion> = {
  safe: 'Safe',
  effective: 'Effective',
  caring: 'Caring',
  responsive: 'Responsive',
  'well-led': 'Well-led',
  'well led': 'Well-led',
};
const RATING_WORDS = '(outstanding|good|requires improvement|inadequate|not rated)';
const SECTION_ENDS =
  /^(summary of (this inspection|findings)|our (ratings|findings)|outstanding practice|background to|key facts|how we carried out|information about|areas for improvement|our inspection team|why we inspected|what people who use|notable practice)\b/i;
const REFERENCE_PREFIX: Record<FindingType, string> = {
  MUST: 'MD',
  SHOULD: 'SD',
  WARNING_NOTICE: 'WN',
  RATING: 'RI',
};
const REPORT_DATE_WINDOW = 60;

/**
 * Reads a CQC inspection report's text (one string per page) into the findings, ratings and
 * dates it states. A small state machine over lines: headings set the core service, key
 * question and kind of list; bullets (or "The trust must..." paragraphs) start items; wrapped
 * lines continue them; running page headers and footers are dropped first.
 */
export function parseReport(pages: string[]): ParsedReport {
  const warnings: ImportWarning[] = [];
  const lines = withoutRunningHeadersAndFooters(pages);
  const head = lines.slice(0, REPORT_DATE_WINDOW).map((l) => l.text);
  const organisation = { name: providerName(head) };
  const inspection = inspectionDates(head);
  const defaultInstrument =
    (inspection.publishedOn ?? inspection.visitStart ?? '9999') < REGULATIONS_2014_FROM
      ? 2010
      : 2014;

  const ratings: ParsedRating[] = [];
  const findings: ParsedFinding[] = [];
  const counters: Record<FindingType, number> = {
    MUST: 0,
    SHOULD: 0,
    WARNING_NOTICE: 0,
    RATING: 0,
  };
  let mode: Mode = 'NONE';
  let coreService: string | null = null;
  let keyQuestion: KeyQuestion | null = null;
  let ratingQuestion: KeyQuestion | null = null;
  let item: { text: string; line: number; page: number } | null = null as {
    text: string;
    line: number;
    page: number;
  } | null;
  let itemsInList = 0;
  let listHeading: Line | null = null;

  const flush = () => {
    const open = item;
    item = null;
    if (!open || mode === 'NONE') return;
    const text = open.text.replace(/\s+/g, ' ').trim();
    if (text.length < 3) return;
    const type = mode;
    const { citations, unknown } = scanCitations(text, defaultInstrument);
    for (const number of unknown) {
      warnings.push({
        line: open.line,
        page: open.page,
        message: `"Regulation ${number}" is not a regulation of the ${defaultInstrument} regulations; left out`,
      });
    }
    let deadline: string | null = null;
    if (type === 'WARNING_NOTICE') {
      deadline = datesIn(text).pop() ?? null;
      if (!deadline) {
        warnings.push({
          line: open.line,
          page: open.page,
          message: `A warning notice item has no deadline ("by <date>"); left out: ${text.slice(0, 80)}`,
        });
        return;
      }
    }
    itemsInList++;
    counters[type]++;
    findings.push({
      type,
      coreService,
      keyQuestion: type === 'RATING' ? ratingQuestion : null,
      regulations: citations,
      deadline,
      text,
      reference: `${REFERENCE_PREFIX[type]}${counters[type]}`,
      line: open.line,
      page: open.page,
    });
  };
  const startList = (next: Mode, at: Line) => {
    flush();
    endList();
    mode = next;
    itemsInList = 0;
    listHeading = at;
  };
  const endList = () => {
    flush();
    if (mode !== 'NONE' && itemsInList === 0 && listHeading) {
      warnings.push({
        line: listHeading.line,
        page: listHeading.page,
        message: `"${listHeading.text.slice(0, 60)}" is followed by no items`,
      });
    }
    mode = 'NONE';
    listHeading = null;
  };
  const startItem = (text: string, at: Line) => {
    flush();
    item = { text, line: at.line, page: at.page };
  };

  for (const entry of lines) {
    const text = entry.text;
    if (!text) continue;

    const listStart = listKind(text);
    if (listStart) {
      // A second heading line for a list that has not started yet ("We served a warning notice...").
      const sameEmptyList = listStart.mode === mode && itemsInList === 0 && !item;
      if (!sameEmptyList) startList(listStart.mode, entry);
      if (listStart.mode === 'RATING') ratingQuestion = listStart.keyQuestion ?? keyQuestion;
      const rest = listStart.rest.trim();
      if (rest) {
        // "we told the trust that they must: • ensure ... • ensure ..." on one line.
        for (const part of rest.split(/\s*[•\u2022]\s*/).filter(Boolean)) startItem(part, entry);
      }
      continue;
    }
    if (/^however\b/i.test(text)) {
      endList();
      continue;
    }

    const rating = ratingLine(text);
    if (rating) {
      endList();
      ratings.push({
        coreService: rating.trustLevel ? null : coreService,
        scope: rating.scope,
        rating: rating.rating,
        line: entry.line,
      });
      if (rating.scope !== 'Overall') keyQuestion = rating.scope;
      continue;
    }
    const question = keyQuestionHeading(text);
    if (question) {
      endList();
      keyQuestion = question;
      continue;
    }
    const service = coreServiceHeading(text);
    if (service !== undefined) {
      endList();
      coreService = service;
      keyQuestion = null;
      continue;
    }
    if (SECTION_ENDS.test(text)) {
      endList();
      continue;
    }

    const bullet = BULLET.exec(text);
    if (mode !== 'NONE' && bullet) {
      startItem(bullet[1], entry);
      continue;
    }
    if (mode === 'NONE') continue;
    // Bullets run together inside a wrapped paragraph: "...(Regulation 9) • ensure that ..."
    const inline = text.split(/\s+[•\u2022]\s+/);
    if (inline.length > 1 && item) {
      const open = item as { text: string };
      open.text = joinWrapped(open.text, inline[0]);
      for (const part of inline.slice(1)) startItem(part, entry);
      continue;
    }
    const open = item as { text: string } | null;
    if (open && continues(open.text, text)) {
      open.text = joinWrapped(open.text, text);
      continue;
    }
    // Items written as paragraphs: "The trust must ensure that..."
    if (mode !== 'RATING' && /\b(must|should|ensure)\b/i.test(text) && /^[A-Z]/.test(text)) {
      startItem(text, entry);
      continue;
    }
    // Ordinary text after the list: the list is over.
    endList();
  }
  endList();

  return { organisation, inspection, ratings: dedupeRatings(ratings), findings, warnings };
}

/** A line inside an item continues it unless the item is finished and this reads as a new sentence. */
function continues(itemText: string, line: string): boolean {
  if (/^\(?regulations?\b/i.test(line)) return true;
  if (/^[a-z(]/.test(line)) return true;
  return !/[.;:)]$/.test(itemText.trim());
}

/** Joins a wrapped line, mending words the PDF hyphenated across lines ("multi-" + "disciplinary"). */
function joinWrapped(text: string, line: string): string {
  if (/[a-z]-$/.test(text) && /^[a-z]/.test(line)) return text.slice(0, -1) + line;
  return `${text} ${line}`;
}

function listKind(text: string): { mode: Mode; rest: string; keyQuestion?: KeyQuestion } | null {
  let match =
    /^actions? (?:the|that the) (?:trust|provider|hospital|service|location)s? (must|should) take to improve\b[:.]?(.*)$/i.exec(
      text,
    );
  if (match) return { mode: match[1].toLowerCase() === 'must' ? 'MUST' : 'SHOULD', rest: match[2] };
  match =
    /\bwe told the (?:trust|provider|hospital|service) that (?:they|it) (must|should)(?: take action to)?\s*:(.*)$/i.exec(
      text,
    );
  if (match) return { mode: match[1].toLowerCase() === 'must' ? 'MUST' : 'SHOULD', rest: match[2] };
  match =
    /\bwe rated (it|this service|the service|them|this core service|safe|effective|caring|responsive|well[- ]led) as (requires improvement|inadequate) because\s*:?(.*)$/i.exec(
      text,
    );
  if (match)
    return {
      mode: 'RATING',
      rest: match[3],
      keyQuestion: KEY_QUESTION_WORDS[match[1].toLowerCase()],
    };
  match = /\bsection 29a warning notice\b[^:]*:?(.*)$/i.exec(text);
  if (match && !/\bby \d/.test(match[1])) return { mode: 'WARNING_NOTICE', rest: match[1] };
  return null;
}

function ratingLine(
  text: string,
): { scope: RatingScope; rating: Rating; trustLevel: boolean } | null {
  let match = new RegExp(
    `^(?:are services|is the service|are the services|is the trust)?\\s*(safe|effective|caring|responsive|well[- ]led)\\??\\s*[:\\-–]?\\s*${RATING_WORDS}\\s*[.]?$`,
    'i',
  ).exec(text);
  if (match) {
    const rating = normaliseRating(match[2]);
    return rating
      ? { scope: KEY_QUESTION_WORDS[match[1].toLowerCase()], rating, trustLevel: false }
      : null;
  }
  match = new RegExp(
    `^overall rating for (this core service|this service|this trust|the trust|this location)\\s*[:\\-–]?\\s*${RATING_WORDS}\\s*[.]?$`,
    'i',
  ).exec(text);
  if (match) {
    const rating = normaliseRating(match[2]);
    return rating ? { scope: 'Overall', rating, trustLevel: /trust/i.test(match[1]) } : null;
  }
  return null;
}

function keyQuestionHeading(text: string): KeyQuestion | null {
  const match =
    /^(?:are services|is the service|are the services|is the trust)\s+(safe|effective|caring|responsive|well[- ]led)\?\s*$/i.exec(
      text,
    );
  return match ? KEY_QUESTION_WORDS[match[1].toLowerCase()] : null;
}

/**
 * A heading naming a core service (its canonical name or an alias), a sentence such as
 * "During an inspection of Community health services for adults", or a trust-wide heading
 * (null). Undefined when the line is none of these.
 */
function coreServiceHeading(text: string): string | null | undefined {
  const bare = text.replace(/[:.]$/, '').trim();
  if (
    /^(trust[- ]wide|the trust|trust level|provider level|well[- ]led(?: at trust level)?|across the trust)$/i.test(
      bare,
    )
  )
    return null;
  if (bare.length <= 120 && findCoreService(bare)) return canonicalCoreServiceName(bare).name;
  const sentence = /\b(?:inspection|inspected|inspect) of ([A-Z][^.,;]+)/.exec(text);
  if (sentence) {
    const named = longestServiceIn(sentence[1]);
    if (named) return named;
  }
  return undefined;
}

/** The longest catalogue name or alias a phrase starts with, so "Community health services for
 * adults" is not mistaken for a shorter service with a similar name. */
function longestServiceIn(phrase: string): string | undefined {
  const lower = phrase.toLowerCase();
  let best: { name: string; length: number } | undefined;
  for (const service of CORE_SERVICES) {
    for (const name of [service.name, ...service.aliases]) {
      const candidate = name.toLowerCase();
      if (lower.startsWith(candidate) && (!best || candidate.length > best.length))
        best = { name: service.name, length: candidate.length };
    }
  }
  return best?.name;
}

function providerName(head: string[]): string | null {
  for (const text of head) {
    const match = /^([A-Z][A-Za-z'&,.\- ]{2,120}? NHS (?:Foundation )?Trust)\b/.exec(text);
    if (match) return match[1].trim();
  }
  return null;
}

function inspectionDates(head: string[]): ParsedReport['inspection'] {
  const result: ParsedReport['inspection'] = {
    visitStart: null,
    visitEnd: null,
    publishedOn: null,
  };
  for (const text of head) {
    if (/publi(shed|cation)/i.test(text) && !result.publishedOn) {
      result.publishedOn = datesIn(text)[0] ?? null;
      continue;
    }
    if (/inspect(ion|ed)|visit/i.test(text) && !result.visitStart) {
      // "3 to 12 October 2017" and "3-12 October 2017" share the month and year.
      const shared = /\b(\d{1,2})\s*(?:to|-|–)\s*(\d{1,2})\s+([A-Za-z]{3,9})\s+(\d{4})\b/.exec(
        text,
      );
      if (shared && monthNumber(shared[3])) {
        result.visitStart = datesIn(`${shared[1]} ${shared[3]} ${shared[4]}`)[0] ?? null;
        result.visitEnd = datesIn(`${shared[2]} ${shared[3]} ${shared[4]}`)[0] ?? null;
        continue;
      }
      const dates = datesIn(text);
      if (dates.length) {
        result.visitStart = dates[0];
        result.visitEnd = dates[1] ?? null;
      }
    }
  }
  return result;
}

/**
 * Splits pages into numbered lines and drops running headers and footers: page numbers, and
 * short lines that open or close three or more pages.
 */
function withoutRunningHeadersAndFooters(pages: string[]): Line[] {
  const split = pages.map((page) => page.split(/\r?\n/));
  const edgeCounts = new Map<string, number>();
  for (const page of split) {
    const content = page.map((l) => l.trim()).filter(Boolean);
    const edges = new Set([...content.slice(0, 2), ...content.slice(-2)].map(normaliseEdge));
    for (const edge of edges) edgeCounts.set(edge, (edgeCounts.get(edge) ?? 0) + 1);
  }
  const running = (text: string) =>
    /^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$/i.test(text) ||
    (split.length >= 3 && text.length <= 100 && (edgeCounts.get(normaliseEdge(text)) ?? 0) >= 3);

  const lines: Line[] = [];
  let number = 0;
  split.forEach((page, index) => {
    page.forEach((raw, lineInPage) => {
      // A page break (form feed) sits inside a text line: the next page starts on the same line.
      if (index === 0 || lineInPage > 0) number++;
      const text = raw.trim();
      lines.push({ text: running(text) ? '' : text, line: number, page: index + 1 });
    });
  });
  return lines;
}

/** Page numbers inside a running header ("Report title | Page 3") do not make it differ. */
function normaliseEdge(text: string): string {
  return text.replace(/\d+/g, '#').toLowerCase();
}

function dedupeRatings(ratings: ParsedRating[]): ParsedRating[] {
  const byKey = new Map<string, ParsedRating>();
  for (const rating of ratings) byKey.set(`${rating.coreService ?? ''}|${rating.scope}`, rating);
  return [...byKey.values()];
}
