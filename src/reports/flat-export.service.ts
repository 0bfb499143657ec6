import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { ActionExportFactsRow, ActionFactsRepository } from '../delivery/action-facts.repository';
import { toDeliveryFacts } from '../actions/dto/action.mapper';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { londonDateOf, todayDate } from '../common/dates';
import { ukDate, ukDateTime } from '../common/words';
import type { RegulationCitation } from '../findings/finding.entity';
import { neutraliseCell } from '../common/spreadsheet-safe';
import { asOfParameters } from '../delivery/action-facts.sql';
import { ListFindingsQueryDto } from '../findings/dto/finding.dto';
import { FindingsService } from '../findings/findings.service';
import { Brag, bragOf } from '../delivery/brag';
import { deliveryReason, deliveryStatusOfReason } from '../delivery/delivery-status';
import {
  ACTION_COLUMNS,
  ActionExportRow,
  BRAG_FILLS,
  citationText,
  ExportColumn,
  FINDING_COLUMNS,
} from './export-columns';
import { CELL_STYLES, looksLikeFormula, printableSheetOptions, sizeRow } from './xlsx-layout';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/**
 * How the columns are headed: 'words' for people (the export), 'keys' for BI tools (the
 * reporting feed, /api/feed/*.csv): stable snake_case names, the as-at date as as_at.
 */
export type ColumnNaming = 'words' | 'keys';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Rows are read and written this many at a time, so memory stays flat however many there are. */
const BATCH = 500;
/** Action rows are one flat statement each, so a larger batch saves round trips. */
const ACTION_BATCH = 2000;

/**
 * Flat exports of actions and findings with every filter of their lists, streamed: rows are
 * fetched a batch at a time and written out before the next batch is read. Cells that a
 * spreadsheet would run as a formula are neutralised.
 */
@Injectable()
export class FlatExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly facts: ActionFactsRepository,
    private readonly findings: FindingsService,
  ) {}

  async actionsTo(
    out: Writable,
    format: ExportFormat,
    query: Omit<ListActionsQueryDto, 'limit' | 'offset'>,
    naming: ColumnNaming = 'words',
  ): Promise<number> {
    const asOf = query.asOf ?? todayDate();
    const rows = this.actionBatches({ ...query, asOf } as ListActionsQueryDto, asOf);
    if (format === 'csv') return writeCsv(out, ACTION_COLUMNS, rows, asOf, naming);
    return this.write(out, format, 'Actions', ACTION_COLUMNS, rows, asOf, describeFilters(query));
  }

  async findingsTo(
    out: Writable,
    format: ExportFormat,
    query: Omit<ListFindingsQueryDto, 'limit' | 'offset'>,
    naming: ColumnNaming = 'words',
  ): Promise<number> {
    const asOf = query.asOf ?? todayDate();
    const names = await this.coreServiceNames(asOf);
    const rows = this.batches((limit, offset) =>
      this.findings.list({ ...query, asOf, limit, offset }),
    );
    const withNames = mapAsync(rows, (f) => ({
      ...f,
      coreServiceName: f.coreServiceId ? (names.get(f.coreServiceId) ?? '') : 'Trust-wide',
    }));
    if (format === 'csv') return writeCsv(out, FINDING_COLUMNS, withNames, asOf, naming);
    return this.write(
      out,
      format,
      'Findings',
      FINDING_COLUMNS,
      withNames,
      asOf,
      describeFilters(query),
    );
  }

  private async *actionBatches(
    query: ListActionsQueryDto,
    asOf: string,
  ): AsyncGenerator<ActionExportRow> {
    for (let afterId = 0; ;) {
      const batch = await this.facts.findExportBatchAfter(query, asOf, afterId, ACTION_BATCH);
      for (const row of batch) yield toActionExportRow(row, asOf);
      if (batch.length < ACTION_BATCH) return;
      afterId = Number(batch[batch.length - 1].id);
    }
  }

  private async *batches<T>(
    page: (limit: number, offset: number) => Promise<{ items: T[] }>,
  ): AsyncGenerator<T> {
    for (let offset = 0; ; offset += BATCH) {
      const { items } = await page(BATCH, offset);
      yield* items;
      if (items.length < BATCH) return;
    }
  }

  /** Every core service's name as it was at the end of `asOf`. */
  private async coreServiceNames(asOf: string): Promise<Map<number, string>> {
    const services = await this.facts.run<{ id: number; name: string }>(
      `SELECT cs.id, cs.name FROM ${this.facts.tables(asOf).core_service} cs`,
      asOfParameters(asOf),
    );
    return new Map(services.map((s) => [Number(s.id), s.name]));
  }

  private async write<T>(
    out: Writable,
    format: ExportFormat,
    title: string,
    columns: ExportColumn<T>[],
    rows: AsyncIterable<T>,
    asOf: string,
    filters: Record<string, string>,
  ): Promise<number> {
    return format === 'csv'
      ? writeCsv(out, columns, rows, asOf)
      : writeXlsx(out, title, columns, rows, asOf, filters);
  }
}

/**
 * CSV for spreadsheets and BI tools alike: a UTF-8 byte-order mark first (without it Excel on
 * Windows reads the file as its local code page and garbles "Łukasz" or "≥"), words not codes,
 * dates as ISO calendar dates (read the same in every locale), and the as-at date in a column
 * of its own, so rows keep it once the file is loaded elsewhere. Formula-like cells keep a
 * leading apostrophe: CSV has no styles, and that is the convention spreadsheets honour.
 */
async function writeCsv<T>(
  out: Writable,
  columns: ExportColumn<T>[],
  rows: AsyncIterable<T>,
  asOf: string,
  naming: ColumnNaming = 'words',
): Promise<number> {
  let count = 0;
  const cells = mapAsync(rows, (row) => {
    count++;
    return [...columns.map((c) => neutraliseCell(c.value(row))), asOf];
  });
  // pipeline, not pipe + 'drain': if `out` goes away the whole chain is torn down and this
  // rejects, rather than waiting for a 'drain' that never comes.
  await pipeline(
    Readable.from(cells),
    stringify({
      bom: true,
      header: true,
      columns:
        naming === 'keys'
          ? [...columns.map((c) => c.key), 'as_at']
          : [...columns.map((c) => c.header), 'As at'],
    }),
    out,
  );
  return count;
}

/** One shared style object per BRAG colour (see CELL_STYLES on why shared). */
const BRAG_STYLES = Object.fromEntries(
  Object.entries(BRAG_FILLS).map(([brag, argb]) => [
    brag,
    {
      ...CELL_STYLES.text,
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb } },
      font: { bold: true, color: { argb: brag === 'AMBER' ? 'FF212B32' : 'FFFFFFFF' } },
    },
  ]),
) as Record<Brag, Partial<ExcelJS.Style>>;

async function writeXlsx<T>(
  out: Writable,
  title: string,
  columns: ExportColumn<T>[],
  rows: AsyncIterable<T>,
  asOf: string,
  filters: Record<string, string>,
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  // Headers never break mid-word: each column at least as wide as its header's longest word.
  const widths = columns.map((c) =>
    Math.max(c.width, ...c.header.split(/\s+/).map((word) => Math.ceil(word.length * 1.15) + 2)),
  );
  const setup = printableSheetOptions(1);
  const sheet = workbook.addWorksheet(title, {
    views: [{ state: 'frozen', ySplit: 1 }],
    ...setup,
    // The page header says what is printed and as at when: "Actions as at 1 December 2026".
    headerFooter: { ...setup.headerFooter, oddHeader: `&L&A&C${title} as at ${ukDate(asOf)}` },
  });
  sheet.columns = columns.map((c, i) => ({ header: c.header, key: c.header, width: widths[i] }));
  const header = sheet.getRow(1);
  header.eachCell((cell) => (cell.style = CELL_STYLES.header));
  sizeRow(header, widths);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  let count = 0;
  for await (const row of rows) {
    // ExcelJS keeps writing into a stream that has gone; stop at once when it has (the client
    // left), rather than build the rest of the batch for nobody.
    if (out.destroyed) throw new Error('The download was abandoned');
    const excelRow = sheet.addRow(
      columns.map((c) => {
        const value = c.value(row);
        if (c.date && typeof value === 'string') return new Date(`${value}T00:00:00.000Z`);
        return value;
      }),
    );
    columns.forEach((c, index) => {
      const cell = excelRow.getCell(index + 1);
      const brag = c.brag?.(row);
      // Text that would run as a formula is kept as typed and marked as text by its style.
      cell.style = brag
        ? BRAG_STYLES[brag]
        : c.date
          ? CELL_STYLES.date
          : looksLikeFormula(cell.value)
            ? CELL_STYLES.quoted
            : CELL_STYLES.text;
    });
    sizeRow(excelRow, widths);
    excelRow.commit();
    count++;
  }
  sheet.commit();
  const aboutSheet = workbook.addWorksheet('About', printableSheetOptions(1));
  aboutSheet.columns = [{ width: 22 }, { width: 60 }];
  const about = (name: string, value: string | number) => {
    const added = aboutSheet.addRow([name, value]);
    if (looksLikeFormula(value)) added.getCell(2).style = CELL_STYLES.quoted;
    added.commit();
  };
  about('Export', title);
  about('Rows', count);
  about('As at', ukDate(asOf));
  for (const [name, value] of Object.entries(filters)) about(name, value);
  about('Generated', ukDateTime(new Date()));
  aboutSheet.commit();
  await workbook.commit();
  return count;
}

/** An action's export row: its facts as at the date judged by the same rules as the API. */
function toActionExportRow(row: ActionExportFactsRow, asOf: string): ActionExportRow {
  const facts = toDeliveryFacts(row);
  const reason = deliveryReason(facts, asOf);
  const deliveryStatus = deliveryStatusOfReason(reason);
  return {
    id: Number(row.id),
    reference: row.reference,
    title: row.title,
    coreServiceNames: row.core_service_names ?? '',
    findingReferences: row.finding_references ?? '',
    regulations: regulationsOf(row.finding_regulations),
    keyQuestions: row.key_questions ?? '',
    owner: row.owner_name,
    executiveLead: row.executive_lead_name,
    startDate: row.start_date,
    dueDate: facts.dueDate,
    originalDueDate: row.original_due_date,
    progress: facts.progress,
    status: facts.status,
    deliveryStatus,
    deliveryReason: reason,
    brag: bragOf(deliveryStatus),
    reinspectionDate: facts.reinspectionDate,
    latestUpdate: row.latest_note,
    latestUpdateDate: row.latest_update_at ? londonDateOf(row.latest_update_at) : null,
    evidenceSubmitted: Number(row.evidence_submitted),
    evidenceAccepted: Number(row.evidence_accepted),
    evidenceReturned: Number(row.evidence_returned),
    successMeasure: row.success_measure,
    cancellationReason: facts.status === 'CANCELLED' ? row.cancellation_reason : null,
    assuredBy: facts.status === 'ASSURED' ? row.assured_by_name : null,
  };
}

/** The linked findings' regulations, each cited once, in the order the findings give them. */
function regulationsOf(json: string | null): string {
  if (!json) return '';
  const cited = (JSON.parse(json) as RegulationCitation[][]).flat().map(citationText);
  return [...new Set(cited)].join('; ');
}

/** The filters a report was run with, in words, for its About sheet. */
function describeFilters(query: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([key, value]) => value !== undefined && key !== 'format' && key !== 'asOf')
      .map(([key, value]) => [`Filter: ${key}`, String(value)]),
  );
}

async function* mapAsync<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item);
}
