import ExcelJS from 'exceljs';

/**
 * A workbook shaped like the CQC action plans NHS trusts keep and take to their boards: a
 * cover sheet, an archive sheet hidden away, and the plan itself with a merged title, a
 * "Position as at" line, headings with extra words, a hidden column, a section band naming
 * the core service, one finding merged down over its three actions, spacer rows, revised
 * target dates on some rows only, and cells written as people write them.
 */
export async function trustWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const cover = workbook.addWorksheet('Cover');
  cover.addRow(['Northbrook Community Health NHS Trust']);
  cover.addRow(['CQC Improvement Plan: version 7, for the Quality Committee']);

  const archive = workbook.addWorksheet('Closed actions (archive)', { state: 'hidden' });
  archive.addRow(['Ref', 'Issue', 'Action', 'Lead', 'Due date', 'RAG']);
  archive.addRow([
    'X1',
    'The trust must review ligature risks.',
    'Audit',
    'Amy Owner',
    '01/01/2024',
    'Blue',
  ]);

  const sheet = workbook.addWorksheet('CQC Action Plan 2025');
  const header = [
    'Ref',
    'Core Service',
    'Key Question',
    'Regulation',
    'MUST / SHOULD',
    'CQC said (finding)',
    'We will (action)',
    'Action Lead',
    'Executive Lead',
    'Target date (old)',
    'Target date',
    'Target date - revised',
    'Progress update',
    'BRAG',
    'Evidence of completion',
  ];
  const width = header.length;
  const band = (text: string) => [text, ...Array(width - 1).fill(null)];
  sheet.addRow(
    band('Northbrook Community Health NHS Trust - CQC Improvement Plan (inspection October 2024)'),
  ); // 1
  sheet.addRow(band('Position as at 31 May 2025')); // 2
  sheet.addRow([]); // 3
  sheet.addRow(header); // 4
  sheet.addRow(band('Urgent care')); // 5: a section band, merged across
  sheet.addRow([
    'MD1',
    null,
    'Safe',
    'Reg 12(2)(g)',
    'MUST',
    'The trust must ensure that medicines are stored at the correct temperature.',
    'Fit temperature loggers to every medicines fridge',
    'Amy Owner',
    'Dr Ed Exec',
    'TBC',
    '31/03/2025',
    '30/06/2025',
    '60% of fridges fitted',
    'Amber',
    null,
  ]); // 6
  sheet.addRow([
    null,
    null,
    null,
    null,
    null,
    null,
    'Daily temperature checks, audited monthly',
    'Amy Owner',
    'Dr Ed Exec',
    'TBC',
    'March 2025',
    null,
    'Audit shows 100% compliance',
    'Blue',
    'Monthly audit, April 2025',
  ]); // 7
  sheet.addRow([
    null,
    null,
    null,
    null,
    null,
    null,
    'Pharmacy spot checks in every unit',
    'Amy Owner',
    null,
    'TBC',
    'Q2 2025/26',
    null,
    null,
    'Green',
    null,
  ]); // 8
  sheet.addRow([]); // 9: spacer
  sheet.addRow([
    'MD2',
    'Community health services for adults',
    'Well-led',
    '12 & 17',
    'MUST',
    'The trust must ensure governance processes identify and reduce risks to patients.',
    'Relaunch the divisional risk registers',
    'Amy Owner',
    'Dr Ed Exec',
    null,
    new Date(Date.UTC(2025, 8, 30)),
    null,
    null,
    'Red',
    null,
  ]); // 10
  sheet.addRow([
    'SD1',
    'Trust wide',
    'Responsive',
    null,
    'SHOULD',
    'The trust should improve response times to complaints.',
    'New complaints triage',
    'Amy Owner',
    null,
    null,
    'Ongoing',
    null,
    null,
    'Amber',
    null,
  ]); // 11: the due date cannot be read
  sheet.addRow([
    'SD2',
    'Community health services for adults',
    'Effective',
    'Reg 45',
    'SHOULD',
    'The trust should ensure staff receive supervision.',
    'Supervision tracker',
    'Amy Owner',
    null,
    null,
    '31/12/2025',
    null,
    null,
    null,
    null,
  ]); // 12: no regulation 45
  sheet.addRow([]); // 13: spacer
  sheet.addRow([
    'SD3',
    'Community health services for adults',
    'Caring',
    null,
    'SHOULD',
    'The trust should ensure patients are involved in care planning.',
    'Care plan audit with patient feedback',
    'Amy Owner',
    'Dr Ed Exec',
    null,
    45930,
    null,
    '25% of teams audited',
    'Green',
    null,
  ]); // 14
  sheet.mergeCells('A1:O1');
  sheet.mergeCells('A2:O2');
  sheet.mergeCells('A5:O5');
  // One finding, three actions: the finding's cells merged down.
  for (const column of ['A', 'B', 'C', 'D', 'E', 'F']) sheet.mergeCells(`${column}6:${column}8`);
  sheet.getColumn(10).hidden = true; // "Target date (old)", superseded and hidden
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
