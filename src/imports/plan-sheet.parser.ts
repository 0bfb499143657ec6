import { canonicalCoreServiceName } from '../cqc/core-services';
import { KEY_QUESTIONS, KeyQuestion } from '../cqc/key-questions';
import type { FindingType, RegulationCitation } from '../findings/finding.entity';
import { scanCitations } from './regulation-citations';
import { monthNumber, parseUkDate } from './uk-dates';

/** The columns a plan can have, and the headings trusts give them (matched whole first). */
export const PLAN_COLUMNS = {
  reference: [
    'ref',
    'reference',
    'id',
    'ref no',
    'ref no.',
    'no',
    'no.',
    'item',
    'item no',
    'number',
    'finding ref',
    'must do ref',
    'cqc ref',
    'cqc reference',
    '#',
  ],
  actionReference: ['action ref', 'action reference', 'action no', 'action number', 'action id'],
  coreService: ['core service', 'service', 'core service area', 'service area', 'location'],
  keyQuestion: ['key question', 'domain', 'kq', 'cqc domain', 'kloe', 'key line of enquiry'],
  regulation: ['regulation', 'reg', 'regulations', 'regulation breached', 'regs'],
  finding: [
    'finding',
    'findings',
    'issue',
    'cqc said',
    'cqc finding',
    'what cqc said',
    'must/should do',
    'requirement',
    'area for improvement',
    'item to be rectified',
    'concern',
  ],
  type: ['type', 'must/should', 'must or should', 'must / should', 'category'],
  action: [
    'action',
    'we will',
    'action required',
    'actions required',
    'actions',
    'action to be taken',
    'actions to be taken',
    'what we will do',
    'planned action',
    'action planned',
  ],
  owner: [
    'owner',
    'lead',
    'responsible',
    'action owner',
    'action lead',
    'operational lead',
    'responsible person',
    'person responsible',
    'who',
  ],
  executiveLead: [
    'executive lead',
    'exec lead',
    'director',
    'executive',
    'executive owner',
    'lead director',
    'responsible director',
    'accountable executive',
    'executive sponsor',
  ],
  dueDate: [
    'due',
    'due date',
    'target date',
    'deadline',
    'completion date',
    'target completion date',
    'timescale',
    'timescales',
    'by when',
    'date',
    'date due',
    'date of completion',
    'when',
    'target',
    'date to be completed by',
  ],
  revisedDueDate: ['revised due date', 'revised date', 'revised target date', 'new due date'],
  percent: [
    '% complete',
    '% completed',
    'percentage complete',
    'percent complete',
    '% progress',
    'progress %',
    '%',
  ],
  progress: ['progress', 'update', 'comments', 'progress update', 'latest update'],
  status: ['rag', 'brag', 'status', 'rag status', 'brag status', 'rag rating', 'brag rating'],
  evidence: ['evidence', 'evidence of completion'],
  successMeasure: [
    'success measure',
    'success measures',
    'measure of success',
    'measures of success',
    'how will we know',
    'outcome measure',
    'outcome measures',
    'expected outcome',
    'outcome',
  ],
  interimMitigation: [
    'interim mitigation',
    'interim mitigations',
    'interim measures',
    'mitigation',
    'mitigations',
    'mitigation in place',
  ],
} as const;
export type PlanColumn = keyof typeof PLAN_COLUMNS;

/**
 * Headings that are not one of the names above, read by the words in them; the first rule
 * that matches wins, so the more particular come first ("Action owner" is an owner).
 */
const HEADING_RULES: [RegExp, PlanColumn][] = [
  [
    /\b(revised|new|updated|amended|re-?forecast)\b.*\b(date|deadline|timescale|due)\b/,
    'revisedDueDate',
  ],
  [/\b(date|deadline|timescale|due)\b.*\b(revised|new|updated|amended)\b/, 'revisedDueDate'],
  [/\baction\s*(ref|reference|no|number|id)\b/, 'actionReference'],
  [/^(ref|reference|ref no|item|item no|no|id)\b|\b(ref|reference)\b/, 'reference'],
  [/\b(exec|executive|director|accountable|sro)\b/, 'executiveLead'],
  [/\b(owner|lead|responsible|responsibility|by whom)\b/, 'owner'],
  [
    /\b(due|deadline|target date|timescales?|timeframe|completion date|by when|date for completion)\b/,
    'dueDate',
  ],
  [/\b(regulations?|reg|regs|hsca)\b/, 'regulation'],
  [/\b(key questions?|domain|kloe)\b/, 'keyQuestion'],
  [/\b(core service|service|location|ward)\b/, 'coreService'],
  [
    /\b(measures? of success|success measures?|how will we know|outcome measures?|expected outcomes?|success criteria)\b/,
    'successMeasure',
  ],
  [/\b(interim|mitigations?|mitigating)\b/, 'interimMitigation'],
  [/\b(rag|brag|status)\b/, 'status'],
  [/%|\bpercent(age)?\b/, 'percent'],
  [/\b(progress|update|updates|comments?|commentary|position)\b/, 'progress'],
  [/\b(evidence|assurance)\b/, 'evidence'],
  [
    /\b(actions?|we will|what we will do|response|going to do|how we will|how will we|planned|improvement plan)\b/,
    'action',
  ],
  [
    /\b(findings?|issues?|concerns?|cqc said|requirements?|area for improvement|breach|recommendations?|must do|should do|what cqc|cqc (found|find|told|said|identified|report)|what did cqc|told us)\b/,
    'finding',
  ],
  [/^(must|should)\b.*\b(must|should)\b/, 'type'],
];

export type Cell = string | number | boolean | Date | null | undefined;

/** One worksheet as the file reader gives it. */
export interface PlanSheet {
  name: string;
  hidden: boolean;
  rows: Cell[][];
  /** 0-based indexes of the columns hidden in the sheet. */
  hiddenColumns: number[];
}

export interface PlanWorkbook {
  sheets: PlanSheet[];
}

export interface PlanRow {
  /** The spreadsheet's own row number (1-based), for messages. */
  row: number;
  /** The action's reference (its own column, or the finding's, numbered when shared). */
  reference: string | null;
  /** The finding's reference. */
  findingReference: string | null;
  /** The row the finding was first written on (itself, or the row it is merged or carried from). */
  findingRow: number;
  coreService: string | null;
  keyQuestion: KeyQuestion | null;
  regulations: RegulationCitation[];
  findingText: string | null;
  findingType: FindingType;
  actionTitle: string | null;
  owner: string | null;
  executiveLead: string | null;
  dueDate: string | null;
  /** The first due date, when a revised due date column has a value on this row. */
  originalDueDate: string | null;
  /** The RAG/BRAG or status cell as written. */
  statusText: string | null;
  progressNote: string | null;
  progress: number | null;
  completed: boolean;
  /** The status or RAG cell says work has started ("In progress", "On track", Amber, R). */
  started: boolean;
  /** The status or RAG cell says the action is off track (Red, "Behind schedule", "Delayed"). */
  offTrack: boolean;
  /** Things the reader could not read on the row that do not stop it being imported. */
  warnings: string[];
  evidence: string | null;
  /** How the trust will know the action worked (a "Measure of success" column). */
  successMeasure: string | null;
  /** What keeps people safe until the action is done (an "Interim mitigation" column). */
  interimMitigation: string | null;
  problems: string[];
}

export interface PlanSheetSummary {
  name: string;
  hidden: boolean;
  /** Whether a plan header was found in it. */
  looksLikePlan: boolean;
  /** How many known columns its header names (0 when none). */
  columnsFound: number;
}

export interface ParsedPlan {
  /** The sheet read, and every sheet of the file. */
  sheet: string;
  sheets: PlanSheetSummary[];
  headerRow: number;
  columns: Partial<Record<PlanColumn, number>>;
  /** The heading each column was found under, as the sheet shows it. */
  headings: Partial<Record<PlanColumn, string>>;
  /** Headings of hidden columns, which are not read. */
  hiddenColumns: string[];
  /** Headings that name no known column (or one already found), which are not read. */
  unreadColumns: string[];
  /** Rows read as section headings (a core service or "Trust wide" across the row). */
  sections: { row: number; text: string }[];
  /** Rows with no action, owner or due date (a colour key, a total, a note) and unknown bands, not read. */
  notRead: { row: number; text: string }[];
  rows: PlanRow[];
}

export class NoPlanHeadersError extends Error {}
export class UnknownSheetError extends Error {}

const HEADER_SEARCH_ROWS = 30;

function normalise(value: Cell): string {
  return String(value ?? '')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\s_]+/g, ' ')
    .replace(/[:*?]/g, '')
    .replace(/\s*\/\s*/g, '/')
    .trim();
}

function cellText(value: Cell): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text || null;
}

function synonymOf(key: string): PlanColumn | null {
  const spaced = key.replace(/\//g, ' / ');
  for (const [name, synonyms] of Object.entries(PLAN_COLUMNS) as [PlanColumn, readonly string[]][])
    if (synonyms.includes(key) || synonyms.includes(spaced)) return name;
  return null;
}

/**
 * The column a heading names: the whole heading among the known names; else the words before
 * a bracket or dash ("CQC said (finding)", "Due date - original"), with a date heading that
 * says revised or new always the revised due date ("Target date - revised"); else the words
 * in brackets or after the dash ("Column F (action)"); else the words in it.
 */
export function classifyHeading(heading: Cell): PlanColumn | null {
  const key = normalise(heading);
  if (!key || key.length > 80) return null;
  const whole = synonymOf(key);
  if (whole) return whole;
  const base = key
    .replace(/\([^)]*\)?/g, ' ')
    .split(/\s+-\s+|\s*\n\s*/)[0]
    .replace(/\s+/g, ' ')
    .trim();
  const isRevisedDate = HEADING_RULES.slice(0, 2).some(([rule]) => rule.test(key));
  if (isRevisedDate) return 'revisedDueDate';
  // "Lead - executive", "Executive lead (name)", "Exec sponsor": the executive lead, not the owner.
  if (
    /\bexec(utive)?\b.*\b(lead|sponsor|owner|director)\b|\b(lead|owner|sponsor)\b.*\bexec(utive)?\b|\bsponsor\b/.test(
      key,
    )
  )
    return 'executiveLead';
  const fromBase = base ? synonymOf(base) : null;
  if (fromBase) return fromBase;
  const extras = [
    ...Array.from(key.matchAll(/\(([^)]*)\)/g), (m) => m[1].trim()),
    ...key.split(/\s+-\s+/).slice(1),
  ];
  for (const extra of extras) {
    const found = synonymOf(extra);
    if (found) return found;
  }
  for (const [rule, column] of HEADING_RULES) if (rule.test(base || key)) return column;
  return null;
}

interface HeaderFound {
  headerRow: number;
  /** 0-based index of the first row under the header (after a second heading row). */
  dataStart: number;
  columns: Partial<Record<PlanColumn, number>>;
  /** Every column read as progress or status (updates by month): the last filled one wins. */
  repeated: Partial<Record<PlanColumn, number[]>>;
  /** The heading of each column as the sheet shows it ("Target date - Revised" for two rows). */
  headings: (string | null)[];
  unread: number[];
  score: number;
}

const REPEATABLE: PlanColumn[] = ['progress', 'status', 'percent'];

function columnsOf(
  headings: (string | null)[],
  hidden: Set<number>,
): Pick<HeaderFound, 'columns' | 'repeated' | 'unread' | 'score'> {
  const columns: Partial<Record<PlanColumn, number>> = {};
  const repeated: Partial<Record<PlanColumn, number[]>> = {};
  const unread: number[] = [];
  headings.forEach((text, column) => {
    if (hidden.has(column) || text === null) return;
    // A heading repeating the one before it is a merged heading: one column.
    if (column > 0 && normalise(headings[column - 1]) === normalise(text)) return;
    const name = classifyHeading(text);
    if (name && columns[name] === undefined) {
      columns[name] = column;
      repeated[name] = [column];
    } else if (name && REPEATABLE.includes(name)) repeated[name]!.push(column);
    else unread.push(column);
  });
  return { columns, repeated, unread, score: Object.keys(columns).length };
}

const isPlanHeader = (found: { score: number; columns: Partial<Record<PlanColumn, number>> }) =>
  found.score >= 3 && (found.columns.action !== undefined || found.columns.finding !== undefined);

/**
 * Finds the header among the first rows of a sheet: the row naming the most known columns
 * (at least three, one of them the finding or the action). Hidden columns are not read, and a
 * cell repeating the one before it (a merged title or heading) counts once. A second heading
 * row under it ("Target date" merged over "Original" and "Revised") is read with it.
 */
function findHeaderIn(rows: Cell[][], hiddenColumns: number[]): HeaderFound | null {
  let best: HeaderFound | null = null;
  const hidden = new Set(hiddenColumns);
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, index) => {
    const headings = Array.from(row, (cell) => cellText(cell));
    const found = columnsOf(headings, hidden);
    if (!isPlanHeader(found) || (best && found.score <= best.score)) return;
    best = { headerRow: index + 1, dataStart: index + 1, headings, ...found };
    const next = rows[index + 1] ?? [];
    // A cell repeating the heading above it is that heading merged down (A4:A5): no sub-heading.
    const under = Array.from(next, (cell, column) =>
      hidden.has(column) || normalise(cell) === normalise(headings[column] ?? null)
        ? null
        : cellText(cell),
    );
    const filled = under.filter((text): text is string => text !== null);
    const textColumns = [found.columns.finding, found.columns.action].filter(
      (c): c is number => c !== undefined,
    );
    if (
      filled.length &&
      filled.every((text) => text.length <= 40) &&
      textColumns.every((column) => !under[column]) &&
      Array.from(next).every(
        (cell, column) =>
          under[column] === null || (!(cell instanceof Date) && typeof cell !== 'number'),
      )
    ) {
      const width = Math.max(headings.length, under.length);
      const combined = Array.from({ length: width }, (_, column) => {
        const top = headings[column] ?? null;
        const sub = under[column] ?? null;
        if (!sub) return top;
        return top && normalise(top) !== normalise(sub) ? `${top} - ${sub}` : sub;
      });
      const two = columnsOf(combined, hidden);
      if (isPlanHeader(two) && two.score > found.score)
        best = { headerRow: index + 1, dataStart: index + 2, headings: combined, ...two };
    }
  });
  return best;
}

/** Kept for callers that have one sheet's rows: the header row and the columns found. */
export function findHeader(rows: Cell[][]): {
  headerRow: number;
  columns: Partial<Record<PlanColumn, number>>;
} {
  const found = findHeaderIn(rows, []);
  if (!found) throw noHeader(['the sheet']);
  return { headerRow: found.headerRow, columns: found.columns };
}

function noHeader(sheets: string[]): NoPlanHeadersError {
  return new NoPlanHeadersError(
    `No header row found in the first ${HEADER_SEARCH_ROWS} rows of ${sheets.join(', ')}: expected at least three of the columns ` +
      'Reference, Core service, Key question, Regulation, Finding, Action, Owner, Executive lead, Due date, Progress, RAG/BRAG, Evidence',
  );
}

/** One sheet's rows as a plan (CSV, or a caller that has already chosen the sheet). */
export function parsePlanRows(rows: Cell[][]): ParsedPlan {
  return parsePlanWorkbook({
    sheets: [{ name: 'Sheet1', hidden: false, rows, hiddenColumns: [] }],
  });
}

/**
 * Reads an action plan laid out as trusts lay them out: the sheet asked for, or else the
 * visible sheet whose header names the most known columns; one row per action (or per
 * finding), columns found by their headings. Each row keeps its own problems, so a preview
 * can show them all at once.
 */
export function parsePlanWorkbook(
  workbook: PlanWorkbook,
  options: { sheet?: string } = {},
): ParsedPlan {
  const headers = workbook.sheets.map((sheet) => findHeaderIn(sheet.rows, sheet.hiddenColumns));
  const sheets: PlanSheetSummary[] = workbook.sheets.map((sheet, index) => ({
    name: sheet.name,
    hidden: sheet.hidden,
    looksLikePlan: headers[index] !== null,
    columnsFound: headers[index]?.score ?? 0,
  }));
  let chosen = -1;
  if (options.sheet !== undefined && options.sheet.trim() !== '') {
    const wanted = options.sheet.trim().toLowerCase();
    chosen = workbook.sheets.findIndex((sheet) => sheet.name.trim().toLowerCase() === wanted);
    if (chosen < 0)
      throw new UnknownSheetError(
        `the file has no sheet "${options.sheet}"; its sheets are ${workbook.sheets.map((s) => `"${s.name}"`).join(', ')}`,
      );
    if (!headers[chosen]) throw noHeader([`sheet "${workbook.sheets[chosen].name}"`]);
  } else {
    // The sheet naming the most columns; on a tie, the one that looks like the open plan
    // rather than closed actions, an archive, a key, a cover or guidance.
    const rank = (index: number) =>
      headers[index]!.score * 2 - (NOT_OPEN_PLAN.test(workbook.sheets[index].name) ? 1 : 0);
    for (const [index, header] of headers.entries()) {
      if (!header || workbook.sheets[index].hidden) continue;
      if (chosen < 0 || rank(index) > rank(chosen)) chosen = index;
    }
    if (chosen < 0)
      throw noHeader(
        workbook.sheets.length <= 1
          ? ['the sheet']
          : workbook.sheets.filter((s) => !s.hidden).map((s) => `sheet "${s.name}"`),
      );
  }
  const sheet = workbook.sheets[chosen];
  return readSheet(sheet, headers[chosen]!, sheets);
}

const NOT_OPEN_PLAN =
  /\b(closed|completed?|archived?|key|legend|cover|front sheet|guidance|instructions|lists?|read me|readme|notes)\b/i;

function readSheet(sheet: PlanSheet, header: HeaderFound, sheets: PlanSheetSummary[]): ParsedPlan {
  const { headerRow, columns, repeated } = header;
  const rows = sheet.rows;
  const headingRow = header.headings;
  const heading = (column: PlanColumn): string => headingRow[columns[column]!] ?? column;
  const headings = Object.fromEntries(
    (Object.keys(columns) as PlanColumn[]).map((name) => [name, heading(name)]),
  ) as Partial<Record<PlanColumn, string>>;
  const hidden = new Set(sheet.hiddenColumns);
  // Progress and status may have a column per month: the last one filled in is the latest.
  const get = (row: Cell[], column: PlanColumn): Cell => {
    if (columns[column] === undefined) return null;
    const all = repeated[column] ?? [columns[column]];
    for (let i = all.length - 1; i > 0; i--) if (cellText(row[all[i]]) !== null) return row[all[i]];
    return row[columns[column]];
  };
  const readColumns = new Set(Object.values(repeated).flat());

  const parsed: PlanRow[] = [];
  const sections: { row: number; text: string }[] = [];
  const notRead: { row: number; text: string }[] = [];
  let sectionService: string | null = null;
  let sectionKeyQuestion: KeyQuestion | null = null;
  let sectionType: FindingType | null = null;
  let previous: PlanRow | null = null;
  // The table's own columns, from its first heading to its last column read: a key or notes
  // to the right of it (J4:K8) are not part of its rows.
  const firstColumn = Math.min(
    ...readColumns,
    ...headingRow.flatMap((text, column) => (text === null ? [] : [column])),
  );
  const lastColumn = Math.max(...readColumns);

  rows.slice(header.dataStart).forEach((row, index) => {
    const rowNumber = header.dataStart + index + 1;
    const texts = Array.from(row)
      .map((cell, column) =>
        hidden.has(column) || column < firstColumn || column > lastColumn ? null : cellText(cell),
      )
      .filter((text): text is string => text !== null);
    if (!texts.length) return; // a spacer row

    // A row with one text across it (a merged band) or only in a column that is not read as a
    // finding or action is a section heading: "Urgent and emergency care", "Trust wide".
    const findingCell = cellText(get(row, 'finding'));
    const actionCell = cellText(get(row, 'action'));
    const oneText = texts.every((text) => text === texts[0]);
    if (
      /[a-z]{3}/i.test(texts[0]) &&
      ((oneText && texts.length > 1) || (texts.length === 1 && !findingCell && !actionCell))
    ) {
      const band = texts[0];
      const section = () => sections.push({ row: rowNumber, text: band });
      previous = null;
      if (TRUST_WIDE.test(band.trim())) {
        section();
        sectionService = null;
      } else if (!canonicalCoreServiceName(band).custom) {
        section();
        sectionService = canonicalCoreServiceName(band).name;
      } else if (TYPE_BAND.test(band.trim())) {
        // "MUST DO ACTIONS", "Should do's": the type of the rows under it.
        section();
        sectionType = /^must/i.test(band.trim()) ? 'MUST' : 'SHOULD';
      } else if (band.length < 30 && keyQuestionOf(band)) {
        // A band naming a key question ("Safe", "Are services well-led?").
        section();
        sectionKeyQuestion = keyQuestionOf(band);
      } else if (
        !/^(notes?|nb|n\.b\.|key|legend|source|total)\b/i.test(band) &&
        (band.length >= 40 || /\b(must|should)\b/i.test(band))
      ) {
        // A finding written across the sheet, its actions on the rows under it.
        section();
        const reference = /^((?:MD|SD|RN|WN|M|S)?\s?\d+(?:\.\d+)?)\s*[:.)-]\s+/i.exec(band);
        const text = reference ? band.slice(reference[0].length) : band;
        previous = {
          ...EMPTY_ROW,
          row: rowNumber,
          findingRow: rowNumber,
          findingReference: reference ? reference[1].replace(/\s/g, '') : null,
          findingText: text,
          findingType: typeOf('', reference?.[1] ?? null, text, sectionType),
          regulations: readRegulations(text).citations,
          coreService: sectionService,
          keyQuestion: sectionKeyQuestion,
        };
      } else {
        // Any other band (a key's heading, a theme, a note) names no core service: not read.
        notRead.push({ row: rowNumber, text: band.slice(0, 200) });
      }
      return;
    }

    // A row naming no finding, action, owner or due date (a key to the colours, a note at the
    // foot of the sheet) is not a plan row: listed, not read.
    // So is any row with no action, no owner and no due date (a key's "B | Complete", a
    // "Total actions" row whose action cell is a count or formula): not an action row.
    const actionWords = actionCell && /[a-z]{2}/i.test(actionCell) && !actionCell.startsWith('=');
    if (
      !actionWords &&
      cellText(get(row, 'owner')) === null &&
      cellText(get(row, 'dueDate')) === null &&
      cellText(get(row, 'revisedDueDate')) === null
    ) {
      notRead.push({ row: rowNumber, text: texts.join(' | ').slice(0, 200) });
      // A finding on its own row, its actions on the rows under it (not a key's letter).
      const keyLetter = /^(b|r|a|g|blue|red|amber|green)$/i.test(
        cellText(get(row, 'reference')) ?? '',
      );
      previous =
        findingCell &&
        !keyLetter &&
        (findingCell.length >= 40 || /\b(must|should)\b/i.test(findingCell))
          ? {
              ...EMPTY_ROW,
              row: rowNumber,
              findingRow: rowNumber,
              findingReference: cellText(get(row, 'reference')),
              findingText: findingCell,
              findingType: typeOf(
                (cellText(get(row, 'type')) ?? '').toLowerCase(),
                cellText(get(row, 'reference')),
                findingCell,
                sectionType,
              ),
              regulations: readRegulations(cellText(get(row, 'regulation')) ?? '').citations,
              coreService: cellText(get(row, 'coreService'))
                ? serviceOf(cellText(get(row, 'coreService'))!)
                : sectionService,
              keyQuestion: sectionKeyQuestion,
            }
          : null;
      return;
    }

    const problems: string[] = [];
    const problem = (column: PlanColumn | null, reason: string) =>
      problems.push(column ? `${heading(column)}: ${reason}` : reason);

    // An action under the finding above it: the finding cell merged down (the same text) or
    // left empty on the rows below.
    const carried: PlanRow | null =
      previous && !findingCell && actionCell && previous.findingText
        ? previous
        : previous && findingCell && findingCell === previous.findingText
          ? previous
          : null;
    const findingText = findingCell ?? carried?.findingText ?? null;
    // Under a finding carried down, the row's own reference is its action's ("1.2" under "1").
    const referenceCell = cellText(get(row, 'reference'));
    const findingReference =
      (!findingCell && carried ? carried.findingReference : null) ??
      referenceCell ??
      carried?.findingReference ??
      null;
    if (findingText && !actionCell)
      problem(
        columns.action === undefined ? null : 'action',
        columns.action === undefined
          ? 'no action column was found; each row needs the action that answers its finding'
          : 'empty; each row needs the action that answers its finding',
      );
    if (!findingText && !actionCell)
      problem(
        null,
        `has neither a finding nor an action (${
          [
            columns.finding === undefined ? null : heading('finding'),
            columns.action === undefined ? null : heading('action'),
          ]
            .filter((h): h is string => h !== null)
            .map((h) => `"${h}"`)
            .join(' and ') || 'no such column'
        }: empty)`,
      );

    const serviceText = cellText(get(row, 'coreService'));
    const coreService = serviceText
      ? serviceOf(serviceText)
      : (carried?.coreService ?? sectionService);

    const keyQuestionText = cellText(get(row, 'keyQuestion'));
    let keyQuestion: KeyQuestion | null = keyQuestionText
      ? null
      : (carried?.keyQuestion ?? sectionKeyQuestion);
    if (keyQuestionText) {
      keyQuestion = keyQuestionOf(keyQuestionText);
      if (!keyQuestion)
        problem('keyQuestion', `"${keyQuestionText}" is not one of ${KEY_QUESTIONS.join(', ')}`);
    }

    const regulationText = cellText(get(row, 'regulation'));
    let regulations: RegulationCitation[] = carried && !regulationText ? carried.regulations : [];
    if (regulationText) {
      const read = readRegulations(regulationText);
      regulations = read.citations;
      for (const number of read.unknown)
        problem('regulation', `regulation ${number} is not a regulation of the 2014 regulations`);
      if (
        !read.citations.length &&
        !read.unknown.length &&
        !/^(n\/?a|none|-)$/i.test(regulationText)
      )
        problem(
          'regulation',
          `"${regulationText}" cannot be read as a regulation (write "Reg 12", "Regulation 17(2)(a)" or "12 & 17")`,
        );
    }

    const typeText = cellText(get(row, 'type'));
    const findingType =
      carried && !typeText && !findingCell
        ? carried.findingType
        : typeOf((typeText ?? '').toLowerCase(), findingReference, findingText, sectionType);

    const revisedCell = get(row, 'revisedDueDate');
    const dueCell = get(row, 'dueDate');
    let dueDate: string | null = null;
    let originalDueDate: string | null = null;
    const originalText = cellText(dueCell);
    const original = originalText === null ? null : readPlanDate(dueCell);
    if (cellText(revisedCell) !== null) {
      dueDate = readPlanDate(revisedCell);
      if (!dueDate)
        problem('revisedDueDate', `"${cellText(revisedCell)}" is not a date (${DATE_HINT})`);
      else if (original && original !== dueDate) originalDueDate = original;
    } else if (originalText !== null) {
      dueDate = original;
      if (!dueDate) problem('dueDate', `"${originalText}" is not a date (${DATE_HINT})`);
    } else if (actionCell) {
      problem(
        columns.dueDate !== undefined ? 'dueDate' : null,
        columns.dueDate !== undefined
          ? 'empty; an action needs a due date'
          : 'an action needs a due date (no due date column was found)',
      );
    }
    if (findingType === 'WARNING_NOTICE')
      problem(
        'type',
        'warning notices need their own deadline; add them through the API or the report import',
      );

    const progressNote = cellText(get(row, 'progress'));
    const statusText = cellText(get(row, 'status'));
    const percentCell = get(row, 'percent');
    // Progress is a "% complete" column, or an update or status that is just a percentage
    // or starts with one ("60%", "60% - 3 of 5 units"); a figure inside a sentence ("Trajectory 82% vs 90%
    // target") is not the action's progress.
    const percent =
      typeof percentCell === 'number'
        ? [null, String(Math.round(percentCell <= 1 ? percentCell * 100 : percentCell))]
        : (/^(\d{1,3})\s*%?$/.exec(cellText(percentCell) ?? '') ??
          JUST_PERCENT.exec(progressNote ?? '') ??
          JUST_PERCENT.exec(statusText ?? ''));
    const status = readStatus(statusText);
    const completed = status === 'completed';
    const warnings: string[] = [];
    if (columns.status !== undefined && statusText === null && actionCell)
      warnings.push(
        `${heading('status')}: empty, so the status could not be read (a colour alone is not read; write B, G, A or R, or a status)`,
      );

    const parsedRow: PlanRow = {
      row: rowNumber,
      reference: cellText(get(row, 'actionReference')) ?? referenceCell ?? findingReference,
      findingReference,
      findingRow: carried ? carried.findingRow : rowNumber,
      coreService,
      keyQuestion,
      regulations,
      findingText,
      findingType,
      actionTitle: actionCell,
      owner: cellText(get(row, 'owner')),
      executiveLead: cellText(get(row, 'executiveLead')),
      dueDate,
      originalDueDate,
      statusText,
      progressNote,
      progress: percent ? Math.min(100, Number(percent[1])) : null,
      completed,
      started: status === 'started' || status === 'off track',
      offTrack: status === 'off track',
      warnings,
      evidence: cellText(get(row, 'evidence')),
      successMeasure: cellText(get(row, 'successMeasure')),
      interimMitigation: cellText(get(row, 'interimMitigation')),
      problems,
    };
    parsed.push(parsedRow);
    previous = parsedRow;
  });

  // Several actions under one finding share its reference; without an action reference
  // column of their own, they are numbered after it (MD1.1, MD1.2), so each stays one action.
  if (columns.actionReference === undefined) {
    const uses = new Map<string, number>();
    for (const row of parsed)
      if (row.reference) uses.set(row.reference, (uses.get(row.reference) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const row of parsed) {
      if (!row.reference || (uses.get(row.reference) ?? 0) < 2) continue;
      const n = (seen.get(row.reference) ?? 0) + 1;
      seen.set(row.reference, n);
      row.reference = `${row.reference}.${n}`;
    }
  }

  return {
    sheet: sheet.name,
    sheets,
    headerRow,
    columns,
    headings,
    hiddenColumns: sheet.hiddenColumns
      .map((column) => headingRow[column] ?? null)
      .filter((text): text is string => text !== null),
    unreadColumns: header.unread
      .filter((column) => !readColumns.has(column))
      .map((column) => headingRow[column] ?? null)
      .filter((text): text is string => text !== null),
    sections,
    notRead,
    rows: parsed,
  };
}

/** A cell that is a percentage, or starts with one and names no other ("60% - 3 of 5 units"). */
const JUST_PERCENT = /^(\d{1,3})\s*%(?![^%]*%)/;

/**
 * What a status or RAG cell says, as docs/domain.md models it: Blue or complete is completed;
 * Red, off track, behind or delayed is started and off track; Amber, Green, on track, at risk
 * or in progress is started; "Not started" is not. Words after a dash are read too
 * ("Green - on track", "Amber - some slippage").
 */
export function readStatus(
  text: string | null,
): 'completed' | 'started' | 'off track' | 'not started' | null {
  if (!text) return null;
  const t = text.trim().toLowerCase();
  if (/^(not|yet to|to)\s*(yet\s*)?(be\s*)?start(ed)?\b|^not commenced\b/.test(t))
    return 'not started';
  if (/^(blue|b|complete|completed|closed|done|achieved|delivered)\b/.test(t)) return 'completed';
  if (/^(red|r|off[\s-]*track|behind|delayed|overdue|slipped|not on track)\b/.test(t))
    return 'off track';
  if (
    /^(amber|a|green|g|on[\s-]*track|at risk|in progress|started|ongoing|underway|under way|progressing)\b/.test(
      t,
    )
  )
    return 'started';
  return null;
}

const DATE_HINT = 'use 31/03/2024, 31 Mar 2024, March 2024 or Q4 2023/24';

/** A band giving the type of the rows under it: "MUST DO ACTIONS", "Should do's", "Must dos". */
const TYPE_BAND = /^(must|should)[\s-]*(do|dos|do's|does)?[\s-]*(actions?|items?|list)?:?$/i;

const TRUST_WIDE =
  /^(trust[- ]?wide|trust|all services|all|n\/a|provider|provider[- ]wide|well[- ]led|trust[- ]wide actions?)$/i;

/** A finding band's stand-in row, carrying its finding to the action rows under it. */
const EMPTY_ROW: PlanRow = {
  row: 0,
  reference: null,
  findingReference: null,
  findingRow: 0,
  coreService: null,
  keyQuestion: null,
  regulations: [],
  findingText: null,
  findingType: 'MUST',
  actionTitle: null,
  owner: null,
  executiveLead: null,
  dueDate: null,
  originalDueDate: null,
  statusText: null,
  progressNote: null,
  progress: null,
  completed: false,
  started: false,
  offTrack: false,
  warnings: [],
  evidence: null,
  successMeasure: null,
  interimMitigation: null,
  problems: [],
};

function serviceOf(text: string): string | null {
  if (
    /^(trust[- ]?wide|trust|all services|all|n\/a|provider|provider[- ]wide|well[- ]led)$/i.test(
      text.trim(),
    )
  )
    return null;
  return canonicalCoreServiceName(text).name;
}

/** The key question a cell names ("Safe", "Well led", "Are services safe?"; the first of several). */
function keyQuestionOf(text: string): KeyQuestion | null {
  // A key line of enquiry's code names its key question: S1 safe, E2 effective, W3 well-led.
  const code = /^\s*(WL|S|E|C|R|W)\s?\d{1,2}\b/i.exec(text);
  const codes: Record<string, string> = {
    s: 'safe',
    e: 'effective',
    c: 'caring',
    r: 'responsive',
    w: 'well-led',
    wl: 'well-led',
  };
  let word = code ? codes[code[1].toLowerCase()] : null;
  let first = Infinity;
  if (!word) {
    for (const [pattern, name] of KEY_QUESTION_WORDS) {
      const match = pattern.exec(text);
      if (match && match.index < first) {
        first = match.index;
        word = name;
      }
    }
  }
  return KEY_QUESTIONS.find((q) => q.toLowerCase() === word) ?? null;
}

const KEY_QUESTION_WORDS: [RegExp, string][] = [
  [/\bsafe(ty)?\b/i, 'safe'],
  [/\beffective(ness)?\b/i, 'effective'],
  [/\bcaring\b/i, 'caring'],
  [/\bresponsive(ness)?\b/i, 'responsive'],
  [/\bwell[\s-]*led\b|\bleadership\b/i, 'well-led'],
];

function typeOf(
  typeText: string,
  reference: string | null,
  findingText: string | null,
  band: FindingType | null = null,
): FindingType {
  if (/should|^sd|^s$/.test(typeText)) return 'SHOULD';
  if (/rating|ri\b/.test(typeText)) return 'RATING';
  if (/warning/.test(typeText)) return 'WARNING_NOTICE';
  if (/must|^md|^m$|requirement notice|breach/.test(typeText)) return 'MUST';
  // "SD1", "SD 1", "SD1.2"; then a "MUST DO ACTIONS" / "SHOULD DO ACTIONS" band above the row.
  if (/^sd\s?\d/i.test(reference ?? '')) return 'SHOULD';
  if (/^md\s?\d/i.test(reference ?? '')) return 'MUST';
  if (band) return band;
  if (/\bmust\b/i.test(findingText ?? '')) return 'MUST';
  if (/\bshould\b/i.test(findingText ?? '')) return 'SHOULD';
  return 'MUST';
}

/**
 * A Regulation cell as trusts write it: "Reg 18", "Regulation 12(2)(a)", "12 & 17", "R17",
 * "Regs 12, 17", "Regulation 17 - Good governance", "HSCA 2008 (RA) Regulations 2014 Reg 12".
 */
export function readRegulations(text: string): {
  citations: RegulationCitation[];
  unknown: string[];
} {
  // "12(2)(a) & (b)": both paragraphs, "12(2)(a) and 12(2)(b)".
  const spelled = text
    .replace(
      /(\d{1,2}[Aa]?(?:\s?\(\d{1,2}\))*)\s?\(([a-z]{1,4})\)((?:\s*(?:&|and|,|\/)\s*\([a-z]{1,4}\))+)/gi,
      (_, base: string, first: string, rest: string) =>
        [first, ...Array.from(rest.matchAll(/\(([a-z]{1,4})\)/gi), (m) => m[1])]
          .map((paragraph) => `${base}(${paragraph})`)
          .join(' and '),
    )
    .replace(/\b(?:regs?|r)\.?\s*(?=\d)/gi, 'Regulation ')
    .replace(/\bregulations?\s+2014\b/gi, '')
    .replace(/\s*[;,/+&]\s*|\s+and\s+/gi, ' and ')
    .replace(
      /\bRegulation\s+(\d{1,2}[Aa]?(?:\s?\([0-9a-z]{1,4}\))*)\s+and\s+Regulation\s+/gi,
      'Regulation $1 and ',
    );
  const scan = scanCitations(/regulation/i.test(spelled) ? spelled : `Regulation ${spelled}`, 2014);
  if (scan.citations.length || scan.unknown.length) return scan;
  // Numbers alone, however they are joined: "12 17".
  if (/^[\d\s()a-z]+$/i.test(text) && /\d/.test(text))
    return scanCitations(`Regulation ${text.trim().split(/\s+/).join(' and ')}`, 2014);
  return scan;
}

/**
 * A due date as trusts write it: whatever parseUkDate reads (31/03/2025, 31 March 2025, an
 * Excel date), a month ("March 2025", "Mar-25", "Mar 25": its last day), or a quarter of a
 * financial year ("Q1 2025/26": 30 June 2025; Q4 is January to March: 31 March 2026).
 */
export function readPlanDate(value: Cell): string | null {
  const direct = parseUkDate(value);
  if (direct) return direct;
  if (typeof value !== 'string') return null;
  const text = value
    .trim()
    .toLowerCase()
    .replace(/^(by|end of|by end of|by the end of|end|eo)\s+/, '')
    .trim();
  let match = /^([a-z]{3,9})\.?[\s-]+(\d{4}|\d{2})$/.exec(text);
  if (match) {
    const month = monthNumber(match[1]);
    if (!month || !/^[a-z]+$/.test(match[1]) || !isMonthWord(match[1])) return null;
    const year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
    return lastDayOf(year, month);
  }
  match = /^q([1-4])\s*(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{2}|\d{4})$/.exec(text);
  if (match) {
    const start = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
    const end = match[3].length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
    if (end !== start + 1 && end % 100 !== (start + 1) % 100) return null;
    const quarter = Number(match[1]);
    return quarter === 4 ? lastDayOf(start + 1, 3) : lastDayOf(start, 3 + quarter * 3);
  }
  // A date with words around it ("31/03/2025 (revised)", "revised to 30 June 2025"): the last
  // date written in the cell.
  const found = [
    ...text.matchAll(
      /(?:^|[^\d])(\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?\s+\d{4})(?![\d])/g,
    ),
  ]
    .map((m) => parseUkDate(m[1]))
    .filter((date): date is string => date !== null);
  return found.length ? found[found.length - 1] : null;
}

const MONTH_WORDS =
  /^(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)$/;
function isMonthWord(word: string): boolean {
  return MONTH_WORDS.test(word);
}

function lastDayOf(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}
