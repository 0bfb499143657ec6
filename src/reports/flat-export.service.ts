import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { ActionExportFactsRow, ActionFactsRepository } from '../delivery/action-facts.repository';
import { toDeliveryFacts } from '../actions/dto/action.mapper';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { todayDate } from '../common/dates';
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
  ExportColumn,
  FINDING_COLUMNS,
} from './export-columns';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
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
  ): Promise<number> {
    const asOf = query.asOf ?? todayDate();
    const rows = this.actionBatches({ ...query, asOf } as ListActionsQueryDto, asOf);
    return this.write(out, format, 'Actions', ACTION_COLUMNS, rows, {
      'As at': asOf,
      ...describeFilters(query),
    });
  }

  async findingsTo(
    out: Writable,
    format: ExportFormat,
    query: Omit<ListFindingsQueryDto, 'limit' | 'offset'>,
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
    return this.write(out, format, 'Findings', FINDING_COLUMNS, withNames, {
      'As at': asOf,
      ...describeFilters(query),
    });
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
    about: Record<string, string>,
  ): Promise<number> {
    return format === 'csv'
      ? writeCsv(out, columns, rows)
      : writeXlsx(out, title, columns, rows, about);
  }
}

async function writeCsv<T>(
  out: Writable,
  columns: ExportColumn<T>[],
  rows: AsyncIterable<T>,
): Promise<number> {
  let count = 0;
  const cells = mapAsync(rows, (row) => {
    count++;
    return columns.map((c) => neutraliseCell(c.value(row)));
  });
  // pipeline, not pipe + 'drain': if `out` goes away the whole chain is torn down and this
  // rejects, rather than waiting for a 'drain' that never comes.
  await pipeline(
    Readable.from(cells),
    stringify({ header: true, columns: columns.map((c) => c.header) }),
    out,
  );
  return count;
}

async function writeXlsx<T>(
  out: Writable,
  title: string,
  columns: ExportColumn<T>[],
  rows: AsyncIterable<T>,
  about: Record<string, string>,
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
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
        return neutraliseCell(value);
      }),
    );
    columns.forEach((c, index) => {
      const cell = excelRow.getCell(index + 1);
      if (c.date) cell.numFmt = 'dd/mm/yyyy';
      const value = c.value(row);
      if (c.brag && typeof value === 'string' && value in BRAG_FILLS) {
        cell.fill = {
          type: 'pattern',
          pattern: 'solid',
          fgColor: { argb: BRAG_FILLS[value as Brag] },
        };
        cell.font = { bold: true, color: { argb: value === 'AMBER' ? 'FF212B32' : 'FFFFFFFF' } };
      }
    });
    excelRow.commit();
    count++;
  }
  sheet.commit();
  const aboutSheet = workbook.addWorksheet('About');
  aboutSheet.columns = [{ width: 22 }, { width: 60 }];
  aboutSheet.addRow(['Export', title]).commit();
  aboutSheet.addRow(['Rows', count]).commit();
  for (const [name, value] of Object.entries(about))
    aboutSheet.addRow([name, neutraliseCell(value)]).commit();
  aboutSheet.addRow(['Generated', new Date().toISOString()]).commit();
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
    findingIds: row.finding_ids ?? '',
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
    successMeasure: row.success_measure,
    cancellationReason: facts.status === 'CANCELLED' ? row.cancellation_reason : null,
    assuredBy: facts.status === 'ASSURED' ? row.assured_by_name : null,
  };
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
