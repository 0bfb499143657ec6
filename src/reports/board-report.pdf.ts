import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { BRAG_COLOURS } from '../readiness/brag';
import type { BoardReport } from './board-report.service';
import { bragByServiceChart, openOverTimeChart } from './charts';

type Doc = PDFKit.PDFDocument;
const MARGIN = 50;
const BLUE = '#005eb8';

/** A table that wraps its cells and starts a new page when the next row will not fit. */
function table(doc: Doc, header: string[], rows: string[][], widths: number[]): void {
  const x0 = MARGIN;
  const draw = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    const height =
      Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 6 }))) + 6;
    if (doc.y + height > doc.page.height - MARGIN - 20) {
      doc.addPage();
    }
    const y = doc.y;
    let x = x0;
    cells.forEach((cell, i) => {
      if (bold) doc.rect(x, y, widths[i], height).fill('#f0f4f5').fillColor('#212b32');
      doc.rect(x, y, widths[i], height).lineWidth(0.5).stroke('#d8dde0');
      doc.fillColor('#212b32').text(cell, x + 3, y + 3, { width: widths[i] - 6 });
      x += widths[i];
    });
    doc.x = x0;
    doc.y = y + height;
  };
  draw(header, true);
  for (const row of rows) draw(row, false);
  doc.moveDown(0.8);
}

function heading(doc: Doc, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc
    .moveDown(0.5)
    .font('Helvetica-Bold')
    .fontSize(12)
    .fillColor(BLUE)
    .text(text, MARGIN)
    .fillColor('#212b32')
    .moveDown(0.3);
}

/**
 * The board report as an A4 board paper: title, date and filters first, then the same
 * sections as the HTML page, the two charts, and "Page N of M" on every page.
 */
export async function writeBoardReportPdf(report: BoardReport, out: Writable): Promise<void> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${report.organisation.name}: board report ${report.asOf}` },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  const width = doc.page.width - 2 * MARGIN;

  doc.font('Helvetica-Bold').fontSize(18).text(report.organisation.name);
  doc
    .font('Helvetica-Bold')
    .fontSize(12)
    .text(`CQC action plan: board report as at ${report.asOf}`);
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#4c6272')
    .text(
      `Filters: ${report.filters.length ? report.filters.join('; ') : 'none (every action of the trust)'}. Cancelled actions are left out of the counts.`,
    )
    .fillColor('#212b32');

  heading(doc, 'Summary');
  table(
    doc,
    ['Delivery status', 'Actions'],
    Object.entries(report.byDeliveryStatus).map(([s, n]) => [s, String(n)]),
    [width - 80, 80],
  );
  const total = Object.values(report.byBrag).reduce((s, n) => s + n, 0);
  table(
    doc,
    [...BRAG_COLOURS, 'Total'],
    [[...BRAG_COLOURS.map((b) => String(report.byBrag[b])), String(total)]],
    Array.from({ length: 5 }, () => width / 5),
  );

  for (const breakdown of report.breakdowns) {
    heading(doc, breakdown.title);
    table(
      doc,
      ['', ...BRAG_COLOURS, 'Total'],
      breakdown.rows.map((r) => [
        r.label,
        ...BRAG_COLOURS.map((b) => String(r.counts[b])),
        String(r.total),
      ]),
      [width - 250, 42, 42, 42, 42, 82],
    );
  }

  heading(doc, 'Readiness for reinspection');
  table(
    doc,
    ['Core service', 'Reinspection', 'Days', 'Uncovered', 'MUST assured', 'Verdict', 'Reasons'],
    report.readiness
      .filter((s) => s.reinspectionDate)
      .map((s) => [
        s.name,
        `${s.reinspectionDate}${s.reinspectionConfirmed ? '' : ' (expected)'}`,
        String(s.daysToReinspection),
        String(s.uncoveredFindings),
        s.mustActionsAssuredPercent === null ? '-' : `${s.mustActionsAssuredPercent}%`,
        s.verdict,
        s.reasons.join('; '),
      ]),
    [110, 62, 30, 50, 50, 60, width - 362],
  );

  heading(doc, 'Exceptions: off track and at risk');
  table(
    doc,
    ['Action', 'Owner / lead', 'Due', 'Status', 'Latest update', 'Date slipped'],
    report.exceptions.map((e) => [
      `${e.action.reference ?? ''} ${e.action.title}`,
      `${e.action.owner?.name ?? ''} / ${e.action.executiveLead?.name ?? ''}`,
      e.action.dueDate,
      `${e.action.brag ?? ''} ${e.action.deliveryReason}`,
      `${e.latestNote ?? ''}${e.latestNoteAt ? ` (${e.latestNoteAt.slice(0, 10)})` : ''}`,
      e.slipReason ? `from ${e.action.originalDueDate}: ${e.slipReason}` : '',
    ]),
    [110, 75, 52, 75, 90, width - 402],
  );

  heading(doc, 'Assured in the last 30 days');
  table(
    doc,
    ['Action', 'Assured on', 'By'],
    report.recentlyAssured.length
      ? report.recentlyAssured.map((r) => [
          `${r.action.reference ?? ''} ${r.action.title}`,
          r.assuredAt.slice(0, 10),
          r.action.assuredBy?.name ?? '',
        ])
      : [['None', '', '']],
    [width - 170, 70, 100],
  );

  const services = report.breakdowns.find((b) => b.title === 'By core service')?.rows ?? [];
  doc.addPage();
  heading(doc, 'Charts');
  SVGtoPDF(doc, bragByServiceChart(services), MARGIN, doc.y, {
    width,
    preserveAspectRatio: 'xMinYMin meet',
  });
  doc.y += Math.min(260, 90 + services.length * 34) * (width / 760) + 20;
  SVGtoPDF(doc, openOverTimeChart(report.openOverTime, report.nextReinspection), MARGIN, doc.y, {
    width,
    preserveAspectRatio: 'xMinYMin meet',
  });

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#4c6272')
      .text(
        `${report.organisation.name} · board report as at ${report.asOf} · Page ${i + 1} of ${range.count}`,
        MARGIN,
        // Inside the printable area (tables stop 20pt short of it): in the margin, PDFKit would start a new page.
        doc.page.height - MARGIN - 12,
        { width, align: 'center', lineBreak: false },
      );
  }
  doc.end();
  await done;
}
