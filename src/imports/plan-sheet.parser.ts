import { canonicalCoreServiceName } from '../cqc/core-services';
import { KEY_QUESTIONS, KeyQuestion } from '../cqc/key-questions';
import type { FindingType, RegulationCitation } from '../findings/finding.entity';
import { scanCitations } from './regulation-citations';
import { parseUkDate } from './uk-dates';

/** The columns a plan can have, and the headings trusts give them. */
export const PLAN_COLUMNS = {
  reference: [
    'ref',
    'reference',
    'id',
    'ref no',
    'ref no.',
    'action ref',
    'action reference',
    'no',
    'no.',
  ],
  coreService: ['core service', 'service', 'core service area', 'service area'],
  keyQuestion: ['key question', 'domain', 'kq', 'cqc domain'],
  regulation: ['regulation', 'reg', 'regulations', 'regulation breached'],
  finding: [
    'finding',
    'issue',
    'cqc said',
    'cqc finding',
    'what cqc said',
    'must/should do',
    'requirement',
    'area for improvement',
  ],
  type: ['type', 'must/should', 'must or should', 'must / should', 'category'],
  action: [
    'action',
    'we will',
    'action required',
    'actions',
    'action to be taken',
    'what we will do',
  ],
  owner: ['owner', 'lead', 'responsible', 'action owner', 'operational lead', 'responsible person'],
  executiveLead: [
    'executive lead',
    'exec lead',
    'director',
    'executive',
    'executive owner',
    'lead director',
  ],
  dueDate: [
    'due',
    'due date',
    'target date',
    'deadline',
    'completion date',
    'target completion date',
  ],
  revisedDueDate: ['revised due date', 'revised date', 'revised target date', 'new due date'],
  progress: ['progress', 'update', 'comments', 'progress update', 'latest update'],
  status: ['rag', 'brag', 'status', 'rag status', 'brag status'],
  evidence: ['evidence', 'evidence of completion'],
} as const;
export type PlanColumn = keyof typeof PLAN_COLUMNS;

export type Cell = string | number | boolean | Date | null | undefined;

export interface PlanRow {
  /** The spreadsheet's own row number (1-based), for messages. */
  row: number;
  reference: string | null;
  coreService: string | null;
  keyQuestion: KeyQuestion | null;
  regulations: RegulationCitation[];
  findingText: string | null;
  findingType: FindingType;
  actionTitle: string | null;
  owner: string | null;
  executiveLead: string | null;
  dueDate: string | null;
  progressNote: string | null;
  progress: number | null;
  completed: boolean;
  evidence: string | null;
  problems: string[];
}

export interface ParsedPlan {
  headerRow: number;
  columns: Partial<Record<PlanColumn, number>>;
  rows: PlanRow[];
}

export class NoPlanHeadersError extends Error {}

const HEADER_SEARCH_ROWS = 10;

function headingKey(value: Cell): string {
  return String(value ?? '')
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .replace(/[:*]/g, '')
    .trim();
}

function cellText(value: Cell): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text || null;
}

/** Finds the header among the first rows: the row naming the most known columns. */
export function findHeader(rows: Cell[][]): {
  headerRow: number;
  columns: Partial<Record<PlanColumn, number>>;
} {
  let best: {
    headerRow: number;
    columns: Partial<Record<PlanColumn, number>>;
    score: number;
  } | null = null;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, index) => {
    const columns: Partial<Record<PlanColumn, number>> = {};
    row.forEach((cell, column) => {
      const key = headingKey(cell);
      for (const [name, synonyms] of Object.entries(PLAN_COLUMNS) as [
        PlanColumn,
        readonly string[],
      ][]) {
        if (columns[name] === undefined && synonyms.includes(key)) columns[name] = column;
      }
    });
    const score = Object.keys(columns).length;
    if (
      score >= 3 &&
      (columns.action !== undefined || columns.finding !== undefined) &&
      (!best || score > best.score)
    ) {
      best = { headerRow: index + 1, columns, score };
    }
  });
  if (!best) {
    throw new NoPlanHeadersError(
      `No header row found in the first ${HEADER_SEARCH_ROWS} rows: expected at least three of the columns ` +
        'Reference, Core service, Key question, Regulation, Finding, Action, Owner, Executive lead, Due date, Progress, RAG/BRAG, Evidence',
    );
  }
  const { headerRow, columns } = best;
  return { headerRow, columns };
}

/**
 * Reads an action plan laid out as trusts lay them out: one row per action (or per finding),
 * columns found by their headings. Each row keeps its own problems, so a preview can show
 * them all at once.
 */
export function parsePlanRows(rows: Cell[][]): ParsedPlan {
  const { headerRow, columns } = findHeader(rows);
  const get = (row: Cell[], column: PlanColumn): Cell =>
    columns[column] === undefined ? null : row[columns[column]];
  const parsed: PlanRow[] = [];
  rows.slice(headerRow).forEach((row, index) => {
    const rowNumber = headerRow + index + 1;
    if (row.every((cell) => cellText(cell) === null)) return;
    const problems: string[] = [];
    const reference = cellText(get(row, 'reference'));
    const findingText = cellText(get(row, 'finding'));
    const actionTitle = cellText(get(row, 'action'));
    if (!findingText && !actionTitle) problems.push('has neither a finding nor an action');

    const serviceText = cellText(get(row, 'coreService'));
    const coreService =
      serviceText && !/^(trust[- ]?wide|trust|all services|n\/a)$/i.test(serviceText)
        ? canonicalCoreServiceName(serviceText).name
        : null;

    const keyQuestionText = cellText(get(row, 'keyQuestion'));
    let keyQuestion: KeyQuestion | null = null;
    if (keyQuestionText) {
      keyQuestion =
        KEY_QUESTIONS.find(
          (q) => q.toLowerCase() === keyQuestionText.toLowerCase().replace(/\s+/g, '-'),
        ) ?? null;
      if (!keyQuestion)
        problems.push(
          `key question "${keyQuestionText}" is not one of ${KEY_QUESTIONS.join(', ')}`,
        );
    }

    const regulationText = cellText(get(row, 'regulation'));
    let regulations: RegulationCitation[] = [];
    if (regulationText) {
      // A bare "12" or "12(1)(a); 17" in a Regulation column is a citation too.
      const scan = scanCitations(
        /regulation/i.test(regulationText)
          ? regulationText
          : `Regulation ${regulationText.replace(/\s*[;,/&]\s*|\s+and\s+/gi, ' and ')}`,
      );
      regulations = scan.citations;
      for (const number of scan.unknown)
        problems.push(`regulation ${number} is not a regulation of the 2014 regulations`);
      if (!scan.citations.length && !scan.unknown.length)
        problems.push(`regulation "${regulationText}" cannot be read`);
    }

    const typeText = (cellText(get(row, 'type')) ?? '').toLowerCase();
    const findingType: FindingType =
      /should|^sd/.test(typeText) || /^sd\d/i.test(reference ?? '')
        ? 'SHOULD'
        : /rating|ri\b/.test(typeText)
          ? 'RATING'
          : /warning/.test(typeText)
            ? 'WARNING_NOTICE'
            : /must|^md/.test(typeText) ||
                /^md\d/i.test(reference ?? '') ||
                /\bmust\b/i.test(findingText ?? '')
              ? 'MUST'
              : /\bshould\b/i.test(findingText ?? '')
                ? 'SHOULD'
                : 'MUST';

    const dueCell = get(row, 'revisedDueDate') ?? get(row, 'dueDate');
    const dueDate =
      dueCell === null || dueCell === undefined || cellText(dueCell) === null
        ? null
        : parseUkDate(dueCell);
    if (actionTitle && !dueDate) {
      problems.push(
        dueCell
          ? `due date "${cellText(dueCell)}" is not a date (use 31/03/2024 or 31 Mar 2024)`
          : 'an action needs a due date',
      );
    }
    if (findingType === 'WARNING_NOTICE')
      problems.push(
        'warning notices need their own deadline; add them through the API or the report import',
      );

    const progressNote = cellText(get(row, 'progress'));
    const percent = progressNote ? /(\d{1,3})\s*%/.exec(progressNote) : null;
    const status = (cellText(get(row, 'status')) ?? '').toLowerCase();
    const completed = /^(blue|complete|completed|closed|done)\b/.test(status);

    parsed.push({
      row: rowNumber,
      reference,
      coreService,
      keyQuestion,
      regulations,
      findingText,
      findingType,
      actionTitle,
      owner: cellText(get(row, 'owner')),
      executiveLead: cellText(get(row, 'executiveLead')),
      dueDate,
      progressNote,
      progress: percent ? Math.min(100, Number(percent[1])) : null,
      completed,
      evidence: cellText(get(row, 'evidence')),
      problems,
    });
  });
  return { headerRow, columns, rows: parsed };
}
