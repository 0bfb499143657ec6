import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { neutraliseCell } from '../common/spreadsheet-safe';
import { layOutWorkbook } from './xlsx-layout';
import { CqcReturn, NO_ACTION, ReturnAction } from './cqc-return.model';

/** Dates are real dates, shown as people write them: "1 December 2026". */
const DATE_FORMAT = 'd mmmm yyyy';
const day = (iso: string | null | undefined) => (iso ? new Date(`${iso}T00:00:00.000Z`) : null);

const NOTICE_COLUMNS = [
  { header: 'Ref', width: 8 },
  { header: 'Core service', width: 30 },
  { header: 'Warning notice', width: 40 },
  { header: 'Failing', width: 50 },
  { header: 'Deadline', width: 18 },
  { header: 'Days left', width: 16 },
  { header: 'Action ref', width: 12 },
  { header: 'What will be done', width: 50 },
  { header: 'Responsible', width: 20 },
  { header: 'Executive lead', width: 20 },
  { header: 'By when', width: 18 },
  { header: 'Interim mitigation until done', width: 40 },
  { header: 'Status', width: 14 },
  { header: 'Completed on', width: 18 },
];

const PLAN_COLUMNS = [
  { header: 'Ref', width: 8 },
  { header: 'Core service', width: 30 },
  { header: 'Regulation paragraphs', width: 22 },
  { header: 'What is not being met', width: 60 },
  { header: 'Action ref', width: 12 },
  { header: 'What will be done', width: 50 },
  { header: 'Responsible', width: 20 },
  { header: 'Executive lead', width: 20 },
  { header: 'By when', width: 18 },
  { header: 'How it will be monitored', width: 34 },
  { header: 'How we will know it is sustained', width: 40 },
  { header: 'Interim mitigation until done', width: 40 },
  { header: 'Status', width: 14 },
  { header: 'Completed on', width: 18 },
];

/** The action's cells from "Action ref" on, as both sheets give them. */
function actionCells(a: ReturnAction | null): unknown[] {
  return [
    a?.reference ?? '',
    a?.title ?? NO_ACTION,
    a?.owner ?? '',
    a?.executiveLead ?? '',
    day(a?.dueDateIso),
  ];
}

/** Landscape A4, one page wide, the header row on every printed page. */
function printable(sheet: ExcelJS.Worksheet, headerRow: number): void {
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: `${headerRow}:${headerRow}`,
  };
}

function styleRow(row: ExcelJS.Row, dateColumns: number[]): void {
  for (const column of dateColumns) row.getCell(column).numFmt = DATE_FORMAT;
  row.eachCell((cell) => (cell.alignment = { wrapText: true, vertical: 'top' }));
}

/**
 * The return as a workbook: the warning notices on the first sheet, then the action plan on
 * one sheet grouped by regulation (a heading row per part and per regulation), each breach's
 * words once on its first row with its actions under it, and the sign-off at the end.
 */
export async function writeCqcReturnXlsx(report: CqcReturn, out: Writable): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const safe = (cells: unknown[]) => cells.map(neutraliseCell);

  const notices = workbook.addWorksheet('Warning notices');
  notices.columns = NOTICE_COLUMNS.map((c) => ({ key: c.header, width: c.width }));
  notices.addRow([`${report.organisation}: warning notices (Section 29A / 29)`]).font = {
    bold: true,
    size: 14,
  };
  notices.addRow([`As at ${report.asOfText}`]);
  notices.addRow([]);
  notices.addRow(NOTICE_COLUMNS.map((c) => c.header)).font = { bold: true };
  notices.views = [{ state: 'frozen', ySplit: 4 }];
  printable(notices, 4);
  for (const notice of report.notices)
    for (const failing of notice.failings)
      for (const action of notice.actions.length ? notice.actions : [null])
        styleRow(
          notices.addRow(
            safe([
              notice.reference,
              notice.coreService,
              notice.text,
              failing.text,
              day(failing.deadlineIso),
              failing.daysLeft,
              ...actionCells(action),
              action?.interimMitigation ?? '',
              action?.status ?? '',
              day(action?.completedOnIso),
            ]),
          ),
          [5, 11, 14],
        );
  if (!report.notices.length) notices.addRow(['None']);

  const sheet = workbook.addWorksheet('CQC action plan');
  sheet.columns = PLAN_COLUMNS.map((c) => ({ key: c.header, width: c.width }));
  sheet.addRow([`${report.organisation}: CQC action plan (requirement notices)`]).font = {
    bold: true,
    size: 14,
  };
  sheet.addRow([`As at ${report.asOfText}`]);
  sheet.addRow([`Filters: ${report.filters.length ? report.filters.join(', ') : 'none'}`]);
  sheet.addRow([]);
  sheet.addRow(PLAN_COLUMNS.map((c) => c.header)).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 5 }];
  printable(sheet, 5);
  const groupRow = (text: string, size: number) => {
    const row = sheet.addRow([neutraliseCell(text)]);
    row.font = { bold: true, size };
    sheet.mergeCells(row.number, 1, row.number, PLAN_COLUMNS.length);
  };
  let part = '';
  if (!report.sections.length) sheet.addRow(['None']);
  for (const section of report.sections) {
    if (section.part !== part) {
      part = section.part;
      groupRow(part, 13);
    }
    groupRow(section.heading, 12);
    for (const breach of section.breaches) {
      const words = breach.alsoUnder.length
        ? `${breach.text}\n(Also a breach of ${breach.alsoUnder.join('; ')}.)`
        : breach.text;
      (breach.actions.length ? breach.actions : [null]).forEach((action, index) => {
        // The breach's words once, on its first row; its further actions below them.
        const first = index === 0;
        styleRow(
          sheet.addRow(
            safe([
              first ? breach.reference : null,
              first ? breach.coreService : null,
              first ? breach.paragraphs : null,
              first ? words : null,
              ...actionCells(action),
              action?.monitoring ?? '',
              action?.sustained ?? '',
              action?.interimMitigation ?? '',
              action?.status ?? '',
              day(action?.completedOnIso),
            ]),
          ),
          [9, 14],
        );
      });
    }
    for (const ref of section.crossReferences)
      styleRow(
        sheet.addRow(
          safe([
            ref.reference,
            ref.coreService,
            ref.paragraphs,
            `Also a breach of this regulation; set out with its actions under ${ref.setOutUnder}.`,
          ]),
        ),
        [],
      );
  }
  sheet.addRow([]);
  groupRow('Sign-off', 12);
  const line = '________________________________';
  for (const text of [
    `Name: ${report.signOff.name ?? line}`,
    `Role: ${report.signOff.role ?? line}`,
    `Date: ${report.signOff.date ?? line}`,
    `Signature: ${line}`,
  ]) {
    const row = sheet.addRow([neutraliseCell(text)]);
    sheet.mergeCells(row.number, 1, row.number, 6);
  }
  layOutWorkbook(workbook); // print setup, sized wrapped rows, quote-prefix (xlsx-layout.ts)
  await workbook.xlsx.write(out);
}
