import fs from 'node:fs';
import path from 'node:path';
import { findCoreService } from '../cqc/core-services';
import { KEY_QUESTIONS } from '../cqc/key-questions';
import { QUALITY_STATEMENTS } from '../cqc/quality-statements';
import { findRegulation } from '../cqc/regulations';
import { FINDING_TYPES, FindingType, RegulationCitation } from '../findings/finding.entity';
import { ParsedReportFile, runParseTask } from './parse-tasks';

/**
 * The labelled corpus of real CQC report excerpts (test/fixtures/reports, see its README):
 * every excerpt goes through the same parse POST /imports/report uses, and the findings it
 * gives are matched against the findings a careful person took from the document.
 */
const DIR = path.join(__dirname, '../../test/fixtures/reports');
const LICENCE =
  'Contains public sector information licensed under the Open Government Licence v3.0.';
export const LAYOUTS = [
  'quality-report-2014',
  'areas-for-improvement-2017',
  'told-the-provider',
  'warning-notice-29a',
  'rating-reasons',
  'saf-assessment',
  'requirement-notices-table',
  'location-summary',
] as const;

interface LabelledFinding {
  type: FindingType;
  coreService: string | null;
  keyQuestion: string | null;
  regulations: RegulationCitation[];
  deadline: string | null;
  text: string;
  qualityStatement?: string | null;
  score?: number | null;
}

interface Label {
  source: string;
  licence: string;
  layout: (typeof LAYOUTS)[number];
  organisation: string | null;
  findings: LabelledFinding[];
}

interface Excerpt {
  name: string;
  text: string;
  label: Label;
}

function loadCorpus(): Excerpt[] {
  return fs
    .readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.json$/, '');
      return {
        name,
        text: fs.readFileSync(path.join(DIR, `${name}.txt`), 'utf8'),
        label: JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Label,
      };
    });
}

/** Collapse whitespace, strip a leading bullet mark, lower case. */
export function normaliseText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(
      /^(?:[•\u2022\u25cf\u25aa\u25e6▪◦*\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\))\s+/,
      '',
    )
    .toLowerCase();
}

/** The parsed text may differ from the labelled one only by trailing punctuation. */
export function sameText(parsed: string, labelled: string): boolean {
  const strip = (text: string) => normaliseText(text).replace(/[\s.,;:!?]+$/, '');
  return strip(parsed) === strip(labelled);
}

function citationKey(citation: RegulationCitation): string {
  return `${citation.instrument}:${citation.number}${citation.paragraph ?? ''}`;
}

function sameCitations(a: RegulationCitation[], b: RegulationCitation[]): boolean {
  const keys = (list: RegulationCitation[]) => list.map(citationKey).sort().join(' ');
  return keys(a) === keys(b);
}

/** Words of the excerpt as a reader sees them: hyphenated line breaks mended. */
function words(text: string): string[] {
  return text
    .replace(/([a-z])-\s*\n\s*([a-z])/g, '$1$2')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * A labelled text is the document's own words: they occur in order in the excerpt, with at
 * most a running footer or page number (a few words) between them.
 */
function occursIn(excerptWords: string[], text: string): boolean {
  const wanted = words(text);
  if (!wanted.length) return false;
  for (let start = 0; start < excerptWords.length; start++) {
    if (excerptWords[start] !== wanted[0]) continue;
    let at = start + 1;
    let skipped = 0;
    let found = 1;
    while (found < wanted.length && at < excerptWords.length && skipped <= 30) {
      if (excerptWords[at] === wanted[found]) found++;
      else skipped++;
      at++;
    }
    if (found === wanted.length) return true;
  }
  return false;
}

type Counts = { tp: number; parsed: number; labelled: number };

const pct = (part: number, whole: number) =>
  whole === 0 ? 100 : Math.floor((1000 * part) / whole) / 10;

describe('report corpus (real CQC report excerpts, labelled)', () => {
  const corpus = loadCorpus();

  it('holds labelled excerpts with the licence, a known layout and well-formed findings', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(1);
    const problems: string[] = [];
    for (const { name, text, label } of corpus) {
      const excerptWords = words(text);
      if (!/^https?:\/\//.test(label.source)) problems.push(`${name}: source is not a URL`);
      if (label.licence !== LICENCE) problems.push(`${name}: licence line differs`);
      if (!(LAYOUTS as readonly string[]).includes(label.layout))
        problems.push(`${name}: unknown layout ${label.layout}`);
      label.findings.forEach((finding, index) => {
        const at = `${name} finding ${index + 1}`;
        if (!FINDING_TYPES.includes(finding.type)) problems.push(`${at}: type ${finding.type}`);
        if (
          finding.coreService !== null &&
          findCoreService(finding.coreService)?.name !== finding.coreService
        )
          problems.push(`${at}: "${finding.coreService}" is not a canonical core service name`);
        if (
          finding.keyQuestion !== null &&
          !(KEY_QUESTIONS as readonly string[]).includes(finding.keyQuestion)
        )
          problems.push(`${at}: key question ${finding.keyQuestion}`);
        for (const citation of finding.regulations) {
          if (!findRegulation(citation.instrument, citation.number))
            problems.push(`${at}: no regulation ${citation.instrument}:${citation.number}`);
        }
        if (finding.deadline !== null && !/^\d{4}-\d{2}-\d{2}$/.test(finding.deadline))
          problems.push(`${at}: deadline ${finding.deadline}`);
        if (finding.type === 'WARNING_NOTICE' && !finding.deadline)
          problems.push(`${at}: a warning notice without a deadline`);
        if (finding.qualityStatement != null) {
          const statements = finding.keyQuestion
            ? QUALITY_STATEMENTS[finding.keyQuestion as keyof typeof QUALITY_STATEMENTS]
            : [];
          if (!statements.includes(finding.qualityStatement))
            problems.push(
              `${at}: "${finding.qualityStatement}" is not a ${finding.keyQuestion} quality statement`,
            );
        }
        if (!occursIn(excerptWords, finding.text))
          problems.push(`${at}: text is not the excerpt's own words: ${finding.text.slice(0, 60)}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('gives the findings a careful person takes: 100% precision, at least 95% recall', async () => {
    const byType = new Map<FindingType, Counts>(
      FINDING_TYPES.map((type) => [type, { tp: 0, parsed: 0, labelled: 0 }]),
    );
    const misses: string[] = [];
    const falseHits: string[] = [];
    const regulationMismatches: string[] = [];
    const deadlineMismatches: string[] = [];
    const statementMismatches: string[] = [];
    const organisationMismatches: string[] = [];
    const failures: string[] = [];

    for (const { name, text, label } of corpus) {
      let result: ParsedReportFile;
      try {
        result = (await runParseTask({ kind: 'report-text', text })) as ParsedReportFile;
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
        for (const finding of label.findings) {
          byType.get(finding.type)!.labelled++;
          misses.push(`${name}: ${finding.type} ${finding.text.slice(0, 90)}`);
        }
        continue;
      }
      const parsed = result.parsed;
      if ((parsed.organisation.name ?? null) !== label.organisation)
        organisationMismatches.push(
          `${name}: parsed ${JSON.stringify(parsed.organisation.name)}, labelled ${JSON.stringify(label.organisation)}`,
        );
      const open = [...label.findings];
      for (const finding of label.findings) byType.get(finding.type)!.labelled++;
      for (const found of parsed.findings) {
        const counts = byType.get(found.type)!;
        counts.parsed++;
        const index = open.findIndex(
          (want) =>
            want.type === found.type &&
            want.coreService === found.coreService &&
            want.keyQuestion === found.keyQuestion &&
            sameText(found.text, want.text),
        );
        if (index < 0) {
          falseHits.push(
            `${name} p${found.page} l${found.line}: ${found.type} [${found.coreService ?? 'trust wide'} / ${found.keyQuestion ?? '-'}] ${found.text.slice(0, 90)}`,
          );
          continue;
        }
        const [want] = open.splice(index, 1);
        counts.tp++;
        if (!sameCitations(found.regulations, want.regulations))
          regulationMismatches.push(
            `${name}: "${want.text.slice(0, 50)}" parsed [${found.regulations.map(citationKey).join(' ')}] labelled [${want.regulations.map(citationKey).join(' ')}]`,
          );
        if ((found.deadline ?? null) !== want.deadline)
          deadlineMismatches.push(
            `${name}: "${want.text.slice(0, 50)}" parsed ${found.deadline} labelled ${want.deadline}`,
          );
        const extra = found as { qualityStatement?: string | null; score?: number | null };
        if (
          want.qualityStatement !== undefined &&
          ((extra.qualityStatement ?? null) !== want.qualityStatement ||
            (extra.score ?? null) !== (want.score ?? null))
        )
          statementMismatches.push(
            `${name}: "${want.text.slice(0, 50)}" parsed ${extra.qualityStatement ?? null}/${extra.score ?? null} labelled ${want.qualityStatement}/${want.score ?? null}`,
          );
      }
      for (const want of open)
        misses.push(
          `${name}: ${want.type} [${want.coreService ?? 'trust wide'} / ${want.keyQuestion ?? '-'}] ${want.text.slice(0, 90)}`,
        );
    }

    const total: Counts = { tp: 0, parsed: 0, labelled: 0 };
    const lines: string[] = [`report corpus: ${corpus.length} excerpts`];
    for (const [type, counts] of byType) {
      total.tp += counts.tp;
      total.parsed += counts.parsed;
      total.labelled += counts.labelled;
      lines.push(
        `report corpus ${type}: precision ${pct(counts.tp, counts.parsed)}% (${counts.tp}/${counts.parsed}) recall ${pct(counts.tp, counts.labelled)}% (${counts.tp}/${counts.labelled})`,
      );
    }
    lines.push(
      `report corpus overall: precision ${pct(total.tp, total.parsed)}% (${total.tp}/${total.parsed}) recall ${pct(total.tp, total.labelled)}% (${total.tp}/${total.labelled})`,
      `report corpus mismatches on matched findings: regulations ${regulationMismatches.length}, deadline ${deadlineMismatches.length}, quality statement/score ${statementMismatches.length}; organisation ${organisationMismatches.length} of ${corpus.length} excerpts`,
    );
    const section = (title: string, list: string[]) =>
      list.length ? [`${title} (${list.length}):`, ...list.map((entry) => `  ${entry}`)] : [];
    lines.push(
      ...section('parse failures', failures),
      ...section('missed (labelled, not parsed)', misses),
      ...section('false hits (parsed, not labelled)', falseHits),
      ...section('regulation mismatches', regulationMismatches),
      ...section('deadline mismatches', deadlineMismatches),
      ...section('quality statement/score mismatches', statementMismatches),
      ...section('organisation mismatches', organisationMismatches),
    );
    process.stdout.write(`${lines.join('\n')}\n`);

    expect(pct(total.tp, total.parsed)).toBe(100);
    expect(pct(total.tp, total.labelled)).toBeGreaterThanOrEqual(95);
  });
});
