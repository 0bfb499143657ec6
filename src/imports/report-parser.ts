import { canonicalCoreServiceName, CORE_SERVICES, findCoreService } from '../cqc/core-services';
import { KeyQuestion, RatingScope } from '../cqc/key-questions';
import { QUALITY_STATEMENT_SCORES, QUALITY_STATEMENTS } from '../cqc/quality-statements';
import { normaliseRating, Rating, SCORE_BANDS } from '../cqc/ratings';
import type { FindingType, RegulationCitation } from '../findings/finding.entity';
import { REGULATIONS_2014_FROM, scanCitations } from './regulation-citations';
import { datesIn, monthNumber, parseUkDate } from './uk-dates';

export interface ParsedFinding {
  type: FindingType;
  /** Canonical catalogue name, or null for a trust-wide finding. */
  coreService: string | null;
  keyQuestion: KeyQuestion | null;
  /** Single assessment framework: the quality statement the finding scores, if any. */
  qualityStatement: string | null;
  /** Single assessment framework: the published score (1-4 for a quality statement, a
   * percentage for a key question). */
  score: number | null;
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
  /** Leading spaces of the raw line (a tab counts as four), to tell continuation lines. */
  indent: number;
  line: number;
  page: number;
}

/** NOTICE: the closing "Requirement notices" (or 2014 "Compliance actions") table. */
type Mode = 'NONE' | FindingType | 'NOTICE' | 'EARLIER';

const BULLET =
  /^(?:[•\u2022\u25cf\u25aa\u25e6▪◦*\-–—\uf0b7\uf0a7o]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\))\s+(.*)$/;
const BULLET_ONLY =
  /^(?:[•\u2022\u25cf\u25aa\u25e6▪◦*\-–—\uf0b7\uf0a7]|\(?\d{1,2}[.)]|\(?[a-z][.)])$/;
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
  /^(summary of (this inspection|findings)|our (ratings|findings)|outstanding practice|background to|key facts|how we carried out|information about|areas for improvement|our inspection team|why we inspected|what people who use|notable practice|enforcement actions?|this section is primarily information|overall summary|what we found|detailed findings|contents)\b/i;
/** Boilerplate between a MUST/SHOULD heading and its items: not an action itself. */
const INTRO =
  /^(we (told|also told|found|issued|are taking|have told|took)|this action related|these actions? related|our action related|action (the|a) (trust|provider|service|hospital|location)s? (must|should) take is|for more information|see the|the table below|the provider must send|full details of|we will make sure|this is to|in addition,? we)\b/i;
/** "The trust must...", "Staff should...", "Ensure that...": an action written as a paragraph. */
const PARAGRAPH_ITEM =
  /^(?:ensure\b|(?:the|this|that|all|its)?\s?[A-Za-z'’ ,-]{0,60}?\b(?:must|should)\b)/i;
const REFERENCE_PREFIX: Record<FindingType, string> = {
  MUST: 'MD',
  SHOULD: 'SD',
  WARNING_NOTICE: 'WN',
  RATING: 'RI',
};
const REPORT_DATE_WINDOW = 60;
/** The "good" threshold of the single assessment framework, as a percentage. */
const GOOD_SCORE_PERCENT = SCORE_BANDS.find((band) => band.rating === 'Good')!.minPercent;
/** Regulated activities name the rows of a requirement notice table; they are not findings. */
const REGULATED_ACTIVITIES =
  /^(treatment of disease, disorder or injury|assessment or medical treatment for persons detained under the mental health act 1983|diagnostic and screening procedures|surgical procedures|maternity and midwifery services|family planning( services)?|personal care|accommodation for persons who require (nursing or personal care|treatment for substance misuse)|transport services, triage and medical advice provided remotely|termination of pregnanc(y|ies)|nursing care|management of supply of blood and blood derived products|services in slimming clinics)\b/i;
const STATEMENT_TEXT_MAX = 2000;

/**
 * Reads a CQC inspection report's text (one string per page) into the findings, ratings and
 * dates it states. A small state machine over lines: headings set the core service, key
 * question and kind of list; bullets (or "The trust must..." paragraphs) start items; wrapped
 * and indented lines continue them; running page headers and footers are dropped first. It
 * reads the 2014-2016 quality reports, 2017-2019 "areas for improvement", requirement notice
 * tables, Section 29A warning notices, rating reasons and single assessment framework pages.
 */
export function parseReport(pages: string[]): ParsedReport {
  pages = pages.map(withShortSpaceRuns);
  const warnings: ImportWarning[] = [];
  const lines = withoutRunningHeadersAndFooters(pages);
  const rawHead = pages
    .join('\n')
    .split(/\r?\n/)
    .slice(0, REPORT_DATE_WINDOW)
    .map((l) => l.trim());
  const head = lines.slice(0, REPORT_DATE_WINDOW).map((l) => l.text);
  const organisation = { name: providerName(rawHead, lines) };
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
  let mode = 'NONE' as Mode;
  let coreService: string | null = null;
  let keyQuestion: KeyQuestion | null = null;
  let ratingQuestion: KeyQuestion | null = null;
  interface OpenItem {
    text: string;
    line: number;
    page: number;
    indent: number;
    /** Requirement notices: the regulation named in the row, before the text. */
    regulationText?: string;
  }
  let item = null as OpenItem | null;
  let itemsInList = 0;
  let listHeading: Line | null = null;
  let inIntro = false;
  let bulletPending = false;
  const pendingReasons: {
    text: string;
    at: { line: number; page: number };
    extra: Partial<ParsedFinding>;
  }[] = [];
  /** A rating reasons list written as one paragraph per reason, without bullets. */
  let paragraphList = false;
  /** "Requirement notices against the effective key question": the question of what follows. */
  let noticeQuestion: KeyQuestion | null = null;
  interface KeyQuestionSummary {
    keyQuestion: KeyQuestion;
    rating: Rating | null;
    text: string[];
    line: number;
    page: number;
    collecting: boolean;
  }
  /** Single assessment framework: a key question's own summary, under its bare heading. */
  let summary = null as KeyQuestionSummary | null;
  interface OpenStatement {
    name: string;
    keyQuestion: KeyQuestion;
    score: number | null;
    text: string[];
    line: number;
    page: number;
    linesWithoutScore: number;
  }
  let statement = null as OpenStatement | null;

  const add = (
    type: FindingType,
    text: string,
    at: { line: number; page: number },
    extra: Partial<ParsedFinding> = {},
  ) => {
    counters[type]++;
    findings.push({
      type,
      coreService,
      keyQuestion:
        type === 'RATING'
          ? ratingQuestion
          : type === 'MUST' || type === 'SHOULD'
            ? noticeQuestion
            : null,
      qualityStatement: null,
      score: null,
      regulations: [],
      deadline: null,
      text,
      reference: `${REFERENCE_PREFIX[type]}${counters[type]}`,
      line: at.line,
      page: at.page,
      ...extra,
    });
  };
  const citationsOf = (text: string, at: { line: number; page: number }) => {
    const { citations, unknown } = scanCitations(text, defaultInstrument);
    for (const number of unknown) {
      warnings.push({
        line: at.line,
        page: at.page,
        message: `"Regulation ${number}" is not a regulation of the ${defaultInstrument} regulations; left out`,
      });
    }
    return citations;
  };

  const flush = () => {
    const open = item;
    item = null;
    if (!open || mode === 'NONE' || mode === 'EARLIER') return;
    const text = open.text.replace(/\s+/g, ' ').trim();
    if (mode === 'NOTICE') {
      if (text.length < 3) {
        if (open.regulationText)
          warnings.push({
            line: open.line,
            page: open.page,
            message: `A requirement notice row has no text saying how the regulation was not met: ${open.regulationText.slice(0, 80)}`,
          });
        return;
      }
      itemsInList++;
      const regulations = citationsOf(`${open.regulationText ?? ''} ${text}`, open);
      add('MUST', stripBreachSentence(text), open, { regulations, keyQuestion: null });
      return;
    }
    if (text.length < 3) return;
    const type = mode;
    const regulations = citationsOf(text, open);
    if (type === 'WARNING_NOTICE') {
      const clauses = deadlineClauses(text);
      if (!clauses.length) {
        warnings.push({
          line: open.line,
          page: open.page,
          message: `A warning notice item has no deadline ("by <date>"); left out: ${text.slice(0, 80)}`,
        });
        return;
      }
      itemsInList++;
      for (const clause of clauses)
        add(type, clause.text, open, { deadline: clause.deadline, regulations });
      return;
    }
    itemsInList++;
    if (type === 'RATING') {
      // Kept until the list ends: a "However:" closes the shortfalls; without one, the
      // strengths run on in the same list and each reason is read for a shortfall.
      pendingReasons.push({
        text: text.replace(/[;,]?\s+(?:and|or)$/i, ''),
        at: { line: open.line, page: open.page },
        extra: { regulations, coreService, keyQuestion: ratingQuestion },
      });
      return;
    }
    add(type, text.replace(/[;,]?\s+(?:and|or)$/i, ''), open, { regulations });
  };
  const commitReasons = (closedByHowever: boolean) => {
    for (const reason of pendingReasons.splice(0)) {
      const restatesRatings =
        /\brated\b|^(safe|effective|caring|responsive|well[- ]led)(, (safe|effective|caring|responsive|well[- ]led))*,? and /i.test(
          reason.text,
        );
      if (restatesRatings || (!closedByHowever && !readsAsShortfall(reason.text))) {
        warnings.push({
          ...reason.at,
          message: `Under a "rated ... because" heading but reads as ${restatesRatings ? 'a summary of ratings' : 'a strength'}, not a shortfall; not imported: ${reason.text.slice(0, 80)}`,
        });
        continue;
      }
      add('RATING', reason.text, reason.at, reason.extra);
    }
  };
  const closeStatement = () => {
    const open = statement;
    statement = null;
    if (!open || open.score === null) return;
    if (open.score > 2) return;
    const words = open.text.join(' ').replace(/\s+/g, ' ').trim();
    const label = QUALITY_STATEMENT_SCORES[open.score as 1 | 2];
    add('RATING', words || `${open.name}: scored ${open.score} (${label.toLowerCase()})`, open, {
      keyQuestion: open.keyQuestion,
      qualityStatement: open.name,
      score: open.score,
    });
  };
  const closeSummary = (score: number | null, at?: Line) => {
    const open = summary;
    summary = null;
    if (!open) return false;
    const words = open.text.join(' ').replace(/\s+/g, ' ').trim();
    const stated =
      /\b(?:the rating (?:was|is|has remained|remains|went down to|is now)|we rated (?:it|this key question) as)\s*[‘'"]?(requires improvement|inadequate)\b/i.exec(
        words.replace(/^.*?\bat this (?:assessment|inspection)\b/i, ''),
      );
    const below =
      score !== null
        ? score < GOOD_SCORE_PERCENT
        : !!stated || (open.rating !== null && RATINGS_BELOW_GOOD.includes(open.rating));
    if (!below || (!words && !at)) return !!words;
    add('RATING', words || at!.text, words ? open : at!, { keyQuestion: open.keyQuestion, score });
    return true;
  };
  const endList = (closedByHowever = false) => {
    flush();
    commitReasons(closedByHowever);
    if (mode !== 'NONE' && mode !== 'EARLIER' && itemsInList === 0 && listHeading) {
      warnings.push({
        line: listHeading.line,
        page: listHeading.page,
        message: `"${listHeading.text.slice(0, 60)}" is followed by no items`,
      });
    }
    mode = 'NONE';
    listHeading = null;
    inIntro = false;
    paragraphList = false;
  };
  const startList = (next: Mode, at: Line) => {
    closeStatement();
    endList();
    mode = next;
    itemsInList = 0;
    listHeading = at;
  };
  const startItem = (text: string, at: Line, indent = at.indent) => {
    flush();
    inIntro = false;
    item = { text, line: at.line, page: at.page, indent };
  };

  joinSplitRatingHeadings(lines);
  const referenceDate = inspection.publishedOn ?? documentDate(head);
  for (const entry of lines) {
    const text = entry.text;
    if (!text) continue;

    const against =
      /\b(?:against|for|under) the (safe|effective|caring|responsive|well[- ]led) key question\b/i.exec(
        text,
      );
    if (against) noticeQuestion = KEY_QUESTION_WORDS[against[1].toLowerCase().replace(' ', '-')];

    // Single assessment framework: a key question's summary under its bare heading, closed by
    // its score ("This service scored 59 (out of 100)") or by the next part of the page.
    if (summary) {
      const score = keyQuestionScore(text, summary.keyQuestion);
      if (score) {
        closeSummary(score.percent, entry);
        continue;
      }
      const bareRating = normaliseRating(text.replace(/[.:]$/, ''));
      if (bareRating && !summary.text.length) {
        summary.rating = bareRating;
        continue;
      }
      if (
        !summary.collecting &&
        /^at (?:our|the) (?:last|previous) (?:assessment|inspection)\b|^at this (?:assessment|inspection)\b/i.test(
          text,
        )
      ) {
        summary.collecting = true;
      }
      if (summary.collecting) {
        if (
          /^(we looked for|we assessed|we scored|find out|this service scored)\b/i.test(text) ||
          isHeadingLike(text) ||
          qualityStatementLine(text)
        ) {
          closeSummary(null);
        } else {
          summary.text.push(text);
          continue;
        }
      } else if (
        summary.text.length === 0 &&
        !isHeadingLike(text) &&
        !qualityStatementLine(text) &&
        datesIn(text).length &&
        text.length < 40
      ) {
        continue;
      } else if (!summary.collecting) {
        summary = null;
      }
    }

    // Single assessment framework: a quality statement heading, with its score on the same
    // line or just below, and its text after.
    const qs = qualityStatementLine(text);
    if (qs && (qs.score !== null || mode === 'NONE')) {
      closeStatement();
      endList();
      statement = {
        name: qs.name,
        keyQuestion: qs.keyQuestion,
        score: qs.score,
        text: [],
        line: entry.line,
        page: entry.page,
        linesWithoutScore: 0,
      };
      continue;
    }
    const kqScore = keyQuestionScore(text, keyQuestion);
    if (kqScore && !listKind(text)) {
      closeStatement();
      endList();
      keyQuestion = kqScore.keyQuestion;
      if (kqScore.percent < GOOD_SCORE_PERCENT)
        add('RATING', text, entry, { keyQuestion: kqScore.keyQuestion, score: kqScore.percent });
      continue;
    }
    if (statement) {
      const score = statement.score === null ? scoreLine(text) : null;
      if (score !== null) {
        statement.score = score;
        continue;
      }
      if (!isHeadingLike(text)) {
        if (statement.score === null && ++statement.linesWithoutScore > 3) statement = null;
        else if (statement.text.join(' ').length < STATEMENT_TEXT_MAX && !isScoreLabel(text))
          statement.text.push(text);
        if (statement) continue;
      } else {
        closeStatement();
      }
    }

    if (
      (mode === 'NONE' || (mode === 'WARNING_NOTICE' && !item)) &&
      NOTICE_WORDS.test(text) &&
      !listKind(text)
    ) {
      // A warning notice told in prose ("... a warning notice ... setting a date for
      // compliance of November 30", "... requiring improvements in staffing by 30 June 2019"):
      // each sentence that sets a deadline is a finding, one per deadline.
      const found: { text: string; deadline: string }[] = [];
      for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z“"‘])/)) {
        if (DEADLINE_WORDS.test(sentence) && !/\bby (?:the )?\d/i.test(sentence)) {
          for (const deadline of proseDeadlines(sentence, referenceDate))
            found.push({ text: sentence.trim(), deadline });
        } else if (
          /\bby (?:the )?\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s+\d{4}\b/.test(sentence)
        ) {
          found.push(...deadlineClauses(sentence.trim()));
        }
      }
      if (found.length) {
        for (const clause of found)
          add('WARNING_NOTICE', clause.text, entry, {
            deadline: clause.deadline,
            regulations: citationsOf(clause.text, entry),
          });
        continue;
      }
    }
    if (mode === 'NONE' && QUOTED_ACTION.test(text)) {
      // A board paper or news page quoting the report: "The trust must also take action to
      // “ensure sufficient numbers of ... nurses are available ... on wards caring for
      // palliative and end of life patients”". Each quoting sentence is a finding, with the
      // service its quoted words name.
      for (const sentence of text.split(/(?<=[.!?”"])\s+(?=[A-Z])/)) {
        const quoted = QUOTED_ACTION.exec(sentence);
        if (!quoted) continue;
        const inQuote = /[“"]([^”"]+)[”"]/.exec(sentence)?.[1] ?? sentence;
        add(/must/i.test(quoted[1] ?? quoted[2]) ? 'MUST' : 'SHOULD', sentence.trim(), entry, {
          coreService: serviceNamedIn(inQuote) ?? coreService,
          regulations: citationsOf(sentence, entry),
          keyQuestion: null,
        });
      }
      continue;
    }
    const notMet =
      /\bnot meeting (?:\w+ )?(?:regulations?|legal requirements?)[:.]?\s+(Regulation \d.*)$/i.exec(
        text,
      );
    if (notMet && mode === 'NONE') {
      // "We found the trust was not meeting three regulations Regulation 22 ... Staffing.
      // Regulation 23 ... Supporting Workers." Each regulation named is a breach to put right.
      for (const sentence of notMet[1].split(/(?<=\.)\s+/)) {
        if (!/^Regulation \d/.test(sentence)) break;
        add('MUST', sentence.trim(), entry, {
          regulations: citationsOf(sentence, entry),
          keyQuestion: null,
        });
      }
      continue;
    }
    const listStart = listKind(text);
    if (listStart) {
      // A second heading line for a list that has not started yet ("We served a warning notice...").
      const sameEmptyList = listStart.mode === mode && itemsInList === 0 && !item;
      if (!sameEmptyList) startList(listStart.mode, entry);
      if (listStart.mode === 'RATING') ratingQuestion = listStart.keyQuestion ?? keyQuestion;
      if (listStart.mode === 'NOTICE') coreService = null;
      if (listStart.coreService) coreService = listStart.coreService;
      inIntro = listStart.intro ?? false;
      const rest = listStart.rest.trim();
      if (rest && !listStart.intro) {
        // "we told the trust that they must: • ensure ... • ensure ..." on one line.
        for (const part of rest.split(/\s*[•\u2022]\s*/).filter(Boolean)) startItem(part, entry);
      }
      continue;
    }
    if (/^however\b/i.test(text)) {
      endList(mode === 'RATING');
      continue;
    }

    if (mode === 'NOTICE') {
      const handled = noticeLine(text, entry);
      if (handled) continue;
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
    if (
      question &&
      mode === 'NONE' &&
      /^(safe|effective|caring|responsive|well[- ]led)$/i.test(text)
    ) {
      closeStatement();
      keyQuestion = question;
      summary = {
        keyQuestion: question,
        rating: null,
        text: [],
        line: entry.line,
        page: entry.page,
        collecting: false,
      };
      continue;
    }
    if (question) {
      // "Is the service safe?" groups items inside a list too; it does not end the list.
      if (mode === 'RATING' || mode === 'NONE') endList();
      else flush();
      keyQuestion = question;
      continue;
    }
    const service = coreServiceHeading(text);
    if (service !== undefined) {
      // Core service sub-headings ("Trust wide", "Community health inpatient services") group
      // the items of a MUST or SHOULD list; they set the service and keep the list going.
      if (mode === 'MUST' || mode === 'SHOULD' || mode === 'WARNING_NOTICE') flush();
      else endList();
      coreService = service;
      keyQuestion = null;
      continue;
    }
    if (SECTION_ENDS.test(text)) {
      closeStatement();
      endList();
      continue;
    }

    if (mode === 'NONE') {
      if (looksLikeAction(text))
        warnings.push({
          line: entry.line,
          page: entry.page,
          message: `Reads like an action but is under no MUST, SHOULD or warning notice heading; not imported: ${text.slice(0, 80)}`,
        });
      continue;
    }

    if (BULLET_ONLY.test(text)) {
      flush();
      bulletPending = true;
      continue;
    }
    const bullet = BULLET.exec(text);
    if (bullet || bulletPending) {
      bulletPending = false;
      startItem(bullet ? bullet[1] : text, entry);
      continue;
    }
    // Bullets run together inside a wrapped paragraph: "...(Regulation 9) • ensure that ..."
    const inline = text.split(/\s+[•\u2022]\s+/);
    if (inline.length > 1 && item) {
      const open = item;
      open.text = joinWrapped(open.text, inline[0]);
      for (const part of inline.slice(1)) startItem(part, entry);
      continue;
    }
    const open = item;
    // An indented line under a bullet belongs to it, whatever it starts with.
    if (open && entry.indent > open.indent) {
      open.text = joinWrapped(open.text, text);
      continue;
    }
    if (open && continues(open.text, text)) {
      open.text = joinWrapped(open.text, text);
      continue;
    }
    if (
      (mode === 'RATING' || mode === 'MUST' || mode === 'SHOULD') &&
      /:$/.test(text) &&
      text.length <= 80 &&
      (open || itemsInList > 0)
    ) {
      // "In both core services:" groups the reasons that follow; the list goes on.
      flush();
      continue;
    }
    if (
      mode === 'RATING' &&
      /^[A-Z‘'"]/.test(text) &&
      !NOT_A_REASON.test(text) &&
      (paragraphList || (!open && itemsInList === 0))
    ) {
      paragraphList = true;
      startItem(text, entry);
      continue;
    }
    if (INTRO.test(text) || (!open && /:$/.test(text) && itemsInList === 0)) {
      flush();
      inIntro = true;
      continue;
    }
    // Items written as paragraphs: "The trust must ensure that..."
    if (mode !== 'RATING' && /^[A-Z]/.test(text) && PARAGRAPH_ITEM.test(text)) {
      startItem(text, entry);
      continue;
    }
    if (inIntro) continue;
    // A short line with no full stop inside a MUST or SHOULD list is a sub-heading the
    // catalogue does not know (a hospital, an unknown service name): warn, keep the list.
    if (
      (mode === 'MUST' || mode === 'SHOULD') &&
      text.length <= 80 &&
      !/[.;:]$/.test(text) &&
      /^[A-Z]/.test(text)
    ) {
      flush();
      warnings.push({
        line: entry.line,
        page: entry.page,
        message: `"${text}" reads as a sub-heading but is not a known core service; the items under it are kept under ${coreService ?? 'the trust as a whole'}`,
      });
      continue;
    }
    // Ordinary text after the list: the list is over.
    endList();
  }
  closeStatement();
  endList();

  return { organisation, inspection, ratings: dedupeRatings(ratings), findings, warnings };

  /**
   * One line of a requirement notice table. A row names a regulated activity and a
   * regulation ("Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment"), then
   * "How the regulation was not being met:" and the text, often closed by "This was a breach
   * of regulation 12(2)(a)". True when the line was used here.
   */
  function noticeLine(text: string, at: Line): boolean {
    if (/^regulated activit(y|ies)\b/i.test(text) || /^regulations?$/i.test(text)) {
      flush();
      return true;
    }
    if (SECTION_ENDS.test(text)) return false;
    const activity = REGULATED_ACTIVITIES.exec(text);
    // A row starts with its regulated activities: the row before is over.
    if (activity) flush();
    const rest = activity ? text.slice(activity[0].length).trim() : text;
    if (
      /^Regulation \d{1,2}[A-Z]?\b/.test(rest) &&
      (/HSCA|Regulations? 20(10|14)|Health and Social Care Act|\(RA\)/i.test(rest) ||
        rest.length < 80)
    ) {
      flush();
      item = { text: '', line: at.line, page: at.page, indent: at.indent, regulationText: rest };
      inIntro = false;
      return true;
    }
    if (activity && !rest) return true;
    if (/^how the regulation (was|is) not being met\b/i.test(text)) {
      const after = text.replace(/^how the regulation (was|is) not being met\s*:?/i, '').trim();
      if (!item) item = { text: '', line: at.line, page: at.page, indent: at.indent };
      if (after) item.text = joinWrapped(item.text, after);
      return true;
    }
    if (INTRO.test(text) || /^action we have told the provider to take\b/i.test(text)) {
      inIntro = !item;
      return true;
    }
    if (item) {
      if (!item.text) {
        item.line = at.line;
        item.page = at.page;
      }
      const words = BULLET.exec(text)?.[1] ?? text;
      item.text = item.text ? joinWrapped(item.text, words) : words;
      return true;
    }
    // Between rows: the rest of a regulated activity wrapped over lines, column headings.
    return true;
  }
}

// Section 29A for NHS trusts; Section 29 for other registered providers. Both are warning notices.
const NOTICE_WORDS = /\b(?:warning notices?|s\.?\s?29a? notices?|section 29a? notices?)\b/i;
const DEADLINE_WORDS =
  /\b(?:deadline (?:of|was|is)|date for compliance (?:of|was|is)|compliance date (?:of|was|is)|must (?:comply|improve|make [a-z ]{0,40}) by)\b/i;
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';

/** The date the document itself bears ("27th November 2020", "01.02.17"), to date "10 March". */
function documentDate(head: string[]): string | null {
  for (const text of head) {
    const full = datesIn(text)[0];
    if (full) return full;
    const numeric = /\b(\d{1,2}[./]\d{1,2}[./]\d{2,4})\b/.exec(text);
    const parsed = numeric ? parseUkDate(numeric[1].replace(/\./g, '/')) : null;
    if (parsed) return parsed;
  }
  return null;
}

/**
 * The deadlines a prose sentence sets after "deadline of", "date for compliance of" or "by":
 * "10 March", "November 30", "31 July 2022". A date without a year is the first such day on
 * or after the document's own date.
 */
function proseDeadlines(sentence: string, reference: string | null): string[] {
  const found: string[] = [];
  const pattern = new RegExp(
    `\\b(?:deadline (?:of|was|is)|date for compliance (?:of|was|is)|compliance date (?:of|was|is)|by)\\s+(?:the\\s+)?(?:(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH}|${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?)\\b,?(?:\\s+(\\d{4}))?`,
    'gi',
  );
  for (const match of sentence.matchAll(pattern)) {
    const day = Number(match[1] ?? match[4]);
    const month = monthNumber(match[2] ?? match[3]);
    if (!month) continue;
    let year = match[5] ? Number(match[5]) : reference ? Number(reference.slice(0, 4)) : null;
    if (!year) continue;
    const iso = (y: number) =>
      `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (!match[5] && reference && iso(year) < reference) year++;
    const date = parseUkDate(iso(year));
    if (date) found.push(date);
  }
  return found;
}

/** Lines that end a rating reasons list written as paragraphs: the page's own narrative. */
const NOT_A_REASON =
  /^(we|our|you|read|find out|updated|during|this (report|inspection|service is)|see|for more|the cqc|cqc)\b/i;

/** "The trust must also take action to “ensure ...”", "CQC said there “must be ...”". */
const QUOTED_ACTION =
  /\b(?:the (?:trust|provider|hospital|service)|there)\s+(?:[“"](must|should)\b|(must|should)\b(?:\s+[\w’']+){0,5}?\s*[“"])/i;

const RATINGS_BELOW_GOOD: readonly Rating[] = ['Requires improvement', 'Inadequate'];

/**
 * Whether a rating reason states a shortfall. "We rated it as requires improvement because:"
 * lists are meant to give the shortfalls, but without a "However:" they run on into the
 * strengths; and sentences that only restate ratings are no reasons.
 */
function readsAsShortfall(text: string): boolean {
  if (
    /\brated\b|^(safe|effective|caring|responsive|well[- ]led)(, (safe|effective|caring|responsive|well[- ]led))*,? and /i.test(
      text,
    )
  )
    return false;
  return /\b(not|no|never|nor|none|lack(?:ed|ing|s)?|without|below|poor(?:ly)?|insufficient|inadequate(?:ly)?|unable|unsafe|missed|missing|fail(?:ed|ing|s|ure|ures)?|reactive|gaps?|shortfalls?|concerns?|breach(?:es|ed)?|weak(?:ness|nesses)?|limited|inconsistent(?:ly)?|delay(?:s|ed)?|out of date|overdue|backlogs?|unclear|vacanc(?:y|ies)|shortages?|bullying|harassment|low|worse|too (?:few|many|long)|did ?n[o’']t|could ?n[o’']t|can ?n[o’']t|was ?n[o’']t|were ?n[o’']t|had ?n[o’']t|is ?n[o’']t|are ?n[o’']t|does ?n[o’']t|do ?n[o’']t|required strengthening|requires? improvement|(?:needs?|had) to (?:improve|be improved))\b/i.test(
    text,
  );
}

/**
 * Joins a rating reasons heading that a page broke over lines ("We rated the practice as" /
 * "inadequate" / "for providing safe services because:").
 */
function joinSplitRatingHeadings(lines: Line[]): void {
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index].text;
    if (
      !text ||
      /because/i.test(text) ||
      !/\b(we (?:have )?rated|(?:was|were) rated)\b/i.test(text)
    )
      continue;
    const taken: number[] = [];
    let joined = text;
    for (let next = index + 1; next < lines.length && taken.length < 3; next++) {
      if (!lines[next].text) continue;
      joined = `${joined} ${lines[next].text}`;
      taken.push(next);
      if (/because\s*:?$/i.test(lines[next].text)) {
        if (ratingReasonsHeading(joined)) {
          lines[index].text = joined;
          for (const used of taken) lines[used].text = '';
        }
        break;
      }
      if (/[.!?]$/.test(lines[next].text)) break;
    }
  }
}

/** The text of a notice row without its closing "This was a breach of regulation ..." sentence. */
function stripBreachSentence(text: string): string {
  const stripped = text.replace(/\s*this (was|is) a breach of regulations?\b.*$/i, '').trim();
  return stripped.length >= 3 ? stripped : text;
}

/** A line that reads like an action of a trust: a bullet starting "ensure" or "The trust must". */
function looksLikeAction(text: string): boolean {
  const bullet = BULLET.exec(text);
  if (!bullet) return false;
  return /^(ensure\b|the (trust|provider|service|hospital) (must|should)\b)/i.test(bullet[1]);
}

/**
 * Splits a warning notice's text at each deadline, so "fire safety by 31 July 2022, staffing by
 * 31 December 2022 and governance by 31 March 2023" gives three items, each with its date.
 */
function deadlineClauses(text: string): { text: string; deadline: string }[] {
  const pattern = /\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?\s+(\d{4})\b/g;
  const cuts: { end: number; deadline: string }[] = [];
  for (const match of text.matchAll(pattern)) {
    const deadline = datesIn(match[0])[0];
    const before = text.slice(Math.max(0, match.index - 20), match.index);
    if (deadline && /\b(by|before|no later than|until|on or before)\s+(the\s+)?$/i.test(before))
      cuts.push({ end: match.index + match[0].length, deadline });
  }
  if (cuts.length <= 1) {
    // A bullet under the notice may give its date bare ("Staffing: 31 December 2022"); the
    // sentence announcing the notice gives the date it was served, which is no deadline.
    const deadline =
      cuts[0]?.deadline ?? (/warning notice/i.test(text) ? undefined : datesIn(text).pop());
    return deadline ? [{ text, deadline }] : [];
  }
  const clauses: { text: string; deadline: string }[] = [];
  let from = 0;
  cuts.forEach((cut, index) => {
    const end = index === cuts.length - 1 ? text.length : cut.end;
    const clause = text
      .slice(from, end)
      .replace(/^[\s,;.]+(?:and\s+)?/i, '')
      .trim();
    if (clause) clauses.push({ text: clause, deadline: cut.deadline });
    from = end;
  });
  return clauses;
}

/** A quality statement heading: "Learning culture", "Learning culture Score: 2", "Safeguarding – 2". */
function qualityStatementLine(
  text: string,
): { name: string; keyQuestion: KeyQuestion; score: number | null } | null {
  const match =
    /^(.{5,60}?)\s*(?:[:\-–—|]\s*)?(?:(?:score(?:d)?\s*:?\s*)?([1-4])(?:\s*(?:[-–—:]|out of 4|\/4).*)?)?$/i.exec(
      text.trim(),
    );
  if (!match) return null;
  const name = match[1].replace(/[:\-–—|]\s*$/, '').trim();
  const statement = QUALITY_STATEMENT_BY_NAME.get(comparableStatement(name));
  if (!statement) return null;
  return {
    name: statement.name,
    keyQuestion: statement.keyQuestion,
    score: match[2] ? Number(match[2]) : null,
  };
}

const QUALITY_STATEMENT_BY_NAME = new Map<string, { name: string; keyQuestion: KeyQuestion }>();
for (const [question, statements] of Object.entries(QUALITY_STATEMENTS) as [
  KeyQuestion,
  readonly string[],
][]) {
  for (const name of statements)
    QUALITY_STATEMENT_BY_NAME.set(comparableStatement(name), { name, keyQuestion: question });
}

function comparableStatement(name: string): string {
  return name
    .toLowerCase()
    .replace(/[‘’']/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "Score: 2", "Scored 2", "2 - Evidence shows some shortfalls": a quality statement's score. */
function scoreLine(text: string): number | null {
  const match =
    /^(?:score(?:d)?\s*:?\s*([1-4])\b(?!\s*%)|([1-4])\s*(?:[-–—:]\s*)?(?:evidence shows|significant shortfalls|some shortfalls|good standard|exceptional)|(?:this|the) (?:quality )?statement (?:was )?scored\s*([1-4])\b|we scored (?:the|this) (?:service|location|provider|practice|statement) (?:as )?([1-4])\b)/i.exec(
      text.trim(),
    );
  if (!match) return null;
  return Number(match[1] ?? match[2] ?? match[3] ?? match[4]);
}

/** The wording that explains a score ("Evidence shows some shortfalls"), not part of the text. */
function isScoreLabel(text: string): boolean {
  return /^(?:[1-4]\s*[-–—:]?\s*)?(evidence shows (significant|some) shortfalls|evidence shows a good standard|evidence shows an exceptional standard|significant shortfalls|some shortfalls|good standard|exceptional standard)\.?$/i.test(
    text.trim(),
  );
}

/**
 * A key question's percentage score: "Safe: scored 59", "Safe 59%", or "This key question
 * scored 59 out of 100" under a key question heading.
 */
function keyQuestionScore(
  text: string,
  current: KeyQuestion | null,
): { keyQuestion: KeyQuestion; percent: number } | null {
  let match =
    /^(?:(?:are services|is the service)\s+)?(safe|effective|caring|responsive|well[- ]led)\??\s*[:\-–—|]?\s*(?:(?:requires improvement|inadequate|good|outstanding)\s*[:\-–—|,]?\s*)?(?:score(?:d)?\s*:?\s*)?(\d{1,3})\s*(?:%|per ?cent|out of 100)?(?:\s*\((?:requires improvement|inadequate|good|outstanding)\))?\.?$/i.exec(
      text.trim(),
    );
  if (match) {
    const percent = Number(match[2]);
    if (percent >= 5 && percent <= 100)
      return { keyQuestion: KEY_QUESTION_WORDS[match[1].toLowerCase()], percent };
    return null;
  }
  match =
    /\b(?:this key question|the key question|this (?:service|location|provider|practice|area)|(safe|effective|caring|responsive|well[- ]led)(?: key question)?) (?:was )?scored\s*:?\s*(\d{1,3})\s*(%|per ?cent|\(?out of 100\)?)?/i.exec(
      text,
    );
  if (!match) return null;
  const percent = Number(match[2]);
  const keyQuestion = match[1] ? KEY_QUESTION_WORDS[match[1].toLowerCase()] : current;
  if (!keyQuestion || percent < 5 || percent > 100) return null;
  return { keyQuestion, percent };
}

/** A line that ends a quality statement's text: another heading of any kind. */
function isHeadingLike(text: string): boolean {
  return (
    !!listKind(text) ||
    !!ratingLine(text) ||
    !!keyQuestionHeading(text) ||
    coreServiceHeading(text) !== undefined ||
    SECTION_ENDS.test(text)
  );
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

function listKind(text: string): {
  mode: Mode;
  rest: string;
  keyQuestion?: KeyQuestion;
  intro?: boolean;
  coreService?: string | null;
} | null {
  let match =
    /^(?:areas for improvement\s*[:\-–]?\s*)?actions? (?:the|that the|a) (?:trust|provider|hospital|service|location)s? (must|should) take (?:to improve|to comply)\b[:.]?(.*)$/i.exec(
      text,
    );
  if (match && !/^\s*is\b/i.test(match[2]))
    return { mode: match[1].toLowerCase() === 'must' ? 'MUST' : 'SHOULD', rest: match[2] };
  match =
    /^(?:(?:importantly|in addition|additionally|also|further(?:more)?),?\s+)?(?:the )?(?:trust|provider|practice|service|hospital|location|registered (?:person|manager))(?: must| should)(?: also)?\s*(?:[-–:]|take action to|consider|ensure that|make improvements (?:to|in))?\s*[-–:]?\s*$/i.exec(
      text,
    ) ??
    /^(?:the )?areas? where the (?:trust|provider|practice|service|hospital|location) (must|should) make improvements? (?:are|is)\s*:?$/i.exec(
      text,
    );
  if (match) return { mode: /\bmust\b/i.test(text) ? 'MUST' : 'SHOULD', rest: '' };
  match = /^(?:must|should)[- ]dos?$/i.exec(text);
  if (match) return { mode: /^must/i.test(text) ? 'MUST' : 'SHOULD', rest: '' };
  match =
    /\bwe (?:also )?told the (?:trust|provider|hospital|service|location) that (?:they|it) (must|should)(?: take action to)?\s*:(.*)$/i.exec(
      text,
    );
  if (match) return { mode: match[1].toLowerCase() === 'must' ? 'MUST' : 'SHOULD', rest: match[2] };
  // "We told the trust that it must take action to bring services into line with legal
  // requirements. This action related to ..." introduces a list without a colon.
  match =
    /^(?:we (?:also )?told the (?:trust|provider|hospital|service|location) that (?:they|it) (must|should) (?:take action|make improvements|improve)|we issued (?:a )?requirement notices?\b)/i.exec(
      text,
    );
  if (match)
    return {
      mode: (match[1] ?? 'must').toLowerCase() === 'must' ? 'MUST' : 'SHOULD',
      rest: '',
      intro: true,
    };
  const rated = ratingReasonsHeading(text);
  if (rated) return rated;
  if (/^(requirement notices?|compliance actions?)\s*[:.]?$/i.test(text))
    return { mode: 'NOTICE', rest: '', intro: true };
  match = /\bsection 29a?\b[^:]*?warning notices?\b[^:]*:?(.*)$/i.exec(text);
  if (match) {
    // A notice in prose, with its deadlines on the same line: the line is the item.
    if (/\bby (the )?\d/i.test(text) && !match[1].trim())
      return { mode: 'WARNING_NOTICE', rest: text };
    return { mode: 'WARNING_NOTICE', rest: match[1] };
  }
  return null;
}

const RATED_BELOW_GOOD = '(?:requires?|required|requiring) improvement|inadequate';

/**
 * "We rated it as requires improvement because:", "The practice was rated as inadequate for
 * providing safe services because:", "We rated the forensic and secure wards as requires
 * improvement because:", "We rated the well-led key question as requires improvement. This
 * was because ...". A rating of an earlier inspection ("At the last inspection ... we rated")
 * starts a list that is not taken (its items were dealt with then).
 */
function ratingReasonsHeading(
  text: string,
): { mode: Mode; rest: string; keyQuestion?: KeyQuestion; coreService?: string | null } | null {
  const match = new RegExp(
    `\\b(?:we (?:have )?rated|(?:was|were|is|are|has been|have been) rated)\\s+(.{0,80}?)\\s*\\b(${RATED_BELOW_GOOD})\\b(.{0,60}?)\\s*(?:\\.\\s*this was because|because)\\b\\s*:?(.*)$`,
    'i',
  ).exec(text);
  if (!match) return null;
  if (
    /\b(?:at|following|during|after) (?:the|our) (?:last|previous|earlier) (?:inspection|assessment)\b/i.test(
      text.slice(0, match.index + 20),
    )
  )
    return { mode: 'EARLIER', rest: '' };
  const subject = `${match[1]} ${match[3]}`;
  const question = /\b(safe|effective|caring|responsive|well[- ]led)\b/i.exec(subject);
  const thisWasBecause = /\.\s*this was because\b/i.test(text);
  const serviceWords = match[1].replace(/\b(as|the|overall)\b/gi, ' ').trim();
  const coreService = serviceWords ? serviceNamedIn(serviceWords) : undefined;
  return {
    mode: 'RATING',
    rest: thisWasBecause ? text.slice(text.search(/this was because/i)) : match[4],
    keyQuestion: question
      ? KEY_QUESTION_WORDS[question[1].toLowerCase().replace(' ', '-')]
      : undefined,
    coreService,
  };
}

/** Words CQC uses for a core service in a sentence ("the forensic and secure wards"). */
const SERVICE_WORDS: [RegExp, string][] = [
  [/\b(forensic|secure) (and (forensic|secure) )?wards?\b/i, 'Forensic inpatient/secure wards'],
  [
    /\bacute (and picu )?wards?\b|\bpicu\b/i,
    'Acute wards for adults of working age and psychiatric intensive care units',
  ],
  [/\burgent and emergency\b/i, 'Urgent and emergency services'],
  [/\bmaternity\b/i, 'Maternity'],
  [/\bsurgery\b|\bsurgical\b/i, 'Surgery'],
  [
    /\bmedical (?:care|services|wards)\b|\bmedicine\b/i,
    "Medical care (including older people's care)",
  ],
  [/\bend of life\b/i, 'End of life care'],
  [/\bcritical care\b/i, 'Critical care'],
  [/\boutpatients?\b/i, 'Outpatients'],
  [/\bdiagnostic imaging\b/i, 'Diagnostic imaging'],
];

function serviceNamedIn(phrase: string): string | undefined {
  const direct = longestServiceIn(phrase) ?? findCoreService(phrase)?.name;
  if (direct) return direct;
  for (const [pattern, name] of SERVICE_WORDS) if (pattern.test(phrase)) return name;
  return undefined;
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
    /^(?:(?:are services|is the service|are the services|is the trust)\s+(safe|effective|caring|responsive|well[- ]led)\?|(safe|effective|caring|responsive|well[- ]led))\s*$/i.exec(
      text,
    );
  return match ? KEY_QUESTION_WORDS[(match[1] ?? match[2]).toLowerCase()] : null;
}

/**
 * A heading naming a core service (its canonical name or an alias), a sentence such as
 * "During an inspection of Community health services for adults", or a trust-wide heading
 * (null). Undefined when the line is none of these.
 */
function coreServiceHeading(text: string): string | null | undefined {
  const bare = text.replace(/[:.]$/, '').trim();
  if (
    /^(trust[- ]?wide(?: actions?| issues?| findings?)?|the trust|trust level|provider level|provider[- ]?wide|well[- ]led(?: at trust level| \(trust[- ]?wide\))?|across the trust|the trust as a whole)$/i.test(
      bare,
    )
  )
    return null;
  if (bare.length <= 120 && findCoreService(bare)) return canonicalCoreServiceName(bare).name;
  // "In urgent and emergency care:" groups the items of a list under a service.
  const grouped = /^(?:in|for|within) (?:the )?(.{3,100}?)(?: services?)?:$/i.exec(text.trim());
  if (grouped) {
    const named = findCoreService(grouped[1]) ?? findCoreService(`${grouped[1]} services`);
    if (named) return named.name;
    if (/^(?:the )?trust[- ]?wide$|^the (?:whole )?trust$/i.test(grouped[1])) return null;
  }
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

const TRUST_NAME = /(?:NHS (?:Foundation )?)?Trust\b/g;
/** A trust named without "NHS" ("Nottingham University Hospitals Trust") ends in one of these. */
const TRUST_WORD_BEFORE =
  /^(Hospitals?|Healthcare|Health|Care|Partnership|Services|Ambulance|Teaching)$/;
const NAME_LINKS = new Set(['and', 'of', 'the', '&', 'upon', 'on', 'in', 'for']);

/**
 * The NHS trust the report is about: a line that starts with its name (the title page, a
 * running footer), or else the name inside a sentence ("We inspected Barking, Havering and
 * Redbridge University Hospitals NHS Trust in..."), the most often named one.
 */
function providerName(rawHead: string[], lines: Line[]): string | null {
  const candidates: string[] = [];
  for (const text of rawHead) {
    const match =
      /^(?:\d{1,4}\s+)?([A-Z][A-Za-z'’&,.\- ]{2,120}?) (NHS (?:Foundation )?Trust)\b/.exec(text);
    if (match && !/^(the|this|we|our|a|an)\b/i.test(match[1]) && !/\. /.test(match[1])) {
      const name = nameBefore(match[1], match[2]);
      if (name) candidates.push(name);
    }
  }
  for (const { text } of lines) {
    for (const match of text.matchAll(TRUST_NAME)) {
      // A name is a few words: only the text just before "Trust" is looked at, so a long line
      // naming many trusts stays linear.
      const name = nameBefore(text.slice(Math.max(0, match.index - 200), match.index), match[0]);
      if (name) candidates.push(name);
    }
  }
  if (candidates.length <= 1) return candidates[0] ?? null;
  const distinct = [...new Set(candidates)].slice(0, 20);
  // A damaged title ("Northern Healthcare NHS Trust") loses to the name the text keeps using
  // ("Northern Devon Healthcare Trust" twice, "... NHS Trust" once): count without "NHS".
  const all = lines
    .map((l) => l.text)
    .join(' ')
    .replace(/\s+NHS\s+/g, ' ')
    .toLowerCase();
  const uses = (name: string) =>
    all.split(name.replace(/\s+NHS\s+/g, ' ').toLowerCase()).length - 1;
  let best = distinct[0];
  const score = (name: string) => uses(name) * 2 + (/\bNHS\b/.test(name) ? 1 : 0);
  for (const name of distinct) if (score(name) > score(best)) best = name;
  return best;
}

/** The capitalised words just before "NHS Trust", linked by "and", "of", commas. */
function nameBefore(before: string, suffix: string): string | null {
  const words = before.trimEnd().split(/\s+/);
  const kept: string[] = [];
  for (let index = words.length - 1; index >= 0; index--) {
    const word = words[index];
    const bare = word.replace(/,$/, '');
    if (/^[A-Z][A-Za-z'’.-]*$/.test(bare) || (NAME_LINKS.has(bare) && kept.length)) {
      if (/[.:;]$/.test(word) && kept.length) break;
      kept.unshift(word);
      continue;
    }
    break;
  }
  while (
    kept.length &&
    (NAME_LINKS.has(kept[0].toLowerCase()) ||
      /^(We|Our|At|In|By|For|From|With|To|Inspected|Inspecting|Visited)$/.test(kept[0]))
  )
    kept.shift();
  if (!kept.length) return null;
  if (kept.length === 1 && /^(The|This|Each|Every|An?|Our|Any)$/.test(kept[0])) return null;
  if (
    !/^NHS/.test(suffix) &&
    (kept.length < 2 || !TRUST_WORD_BEFORE.test(kept[kept.length - 1].replace(/,$/, '')))
  )
    return null;
  return `${kept.join(' ')} ${suffix}`.replace(/\s+/g, ' ').trim();
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
 * A running footer or header as CQC prints them, which text pasted from a PDF keeps in the
 * middle of a list: "Northbrook NHS Trust Inspection report 01/02/2018 23",
 * "12 Northern Lincolnshire and Goole NHS Foundation Trust Quality Report 06/04/2017".
 * Without a date or page number, the same line is only running if it comes back.
 */
const FOOTER =
  /^(?:(?:page\s+)?\d{1,4}\s+)?.{0,160}?\b(?:quality report|inspection report|evidence appendix|inspection report summary)\b\s*(?:[|–-]\s*)?(?:\d{1,2}\/\d{1,2}\/\d{2,4}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4})\s*(?:[|–-]\s*)?(?:(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?)?$/i;
const REPEATED_HEADER =
  /^(?:summary of findings|this section is primarily information for the provider|.{3,160}\b(?:quality report|inspection report|evidence appendix)\b.{0,40})$/i;

/**
 * Splits pages into numbered lines and drops running headers and footers: page numbers,
 * report-title footers, and short lines that open or close three or more pages.
 */
function withoutRunningHeadersAndFooters(pages: string[]): Line[] {
  const split = pages.map((page) => page.split(/\r?\n/));
  const edgeCounts = new Map<string, number>();
  const lineCounts = new Map<string, number>();
  for (const page of split) {
    const content = page.map((l) => l.trim()).filter(Boolean);
    const edges = new Set([...content.slice(0, 2), ...content.slice(-2)].map(normaliseEdge));
    for (const edge of edges) edgeCounts.set(edge, (edgeCounts.get(edge) ?? 0) + 1);
    for (const text of content) {
      if (REPEATED_HEADER.test(text)) {
        const key = normaliseEdge(text);
        lineCounts.set(key, (lineCounts.get(key) ?? 0) + 1);
      }
    }
  }
  const running = (text: string) =>
    /^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$/i.test(text) ||
    (text.length <= 220 && FOOTER.test(text)) ||
    (REPEATED_HEADER.test(text) && (lineCounts.get(normaliseEdge(text)) ?? 0) >= 2) ||
    (split.length >= 3 && text.length <= 100 && (edgeCounts.get(normaliseEdge(text)) ?? 0) >= 3);

  const lines: Line[] = [];
  let number = 0;
  split.forEach((page, index) => {
    page.forEach((raw, lineInPage) => {
      // A page break (form feed) sits inside a text line: the next page starts on the same line.
      if (index === 0 || lineInPage > 0) number++;
      const text = raw.trim();
      const indent = /^[ \t]*/.exec(raw.replace(/\t/g, '    '))![0].length;
      lines.push({ text: running(text) ? '' : text, indent, line: number, page: index + 1 });
    });
  });
  return lines;
}

/**
 * Runs of spaces after a line's first word cut to eight (a PDF's table columns stay apart, and
 * the indent before it, which places continuation lines, is kept). A line of
 * 100,000 spaces made patterns such as `\s+NHS\s+` try every position across the whole run,
 * so one hostile paste held a parser for 30 seconds; with short runs each pattern is linear.
 */
function withShortSpaceRuns(page: string): string {
  return page.replace(/(?<=\S)[^\S\r\n]{9,}/g, (run) => run.slice(0, 8));
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
