import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';

/** Shared layout for the A4 reports: a new document, headings, wrapping tables, page footers. */
export type Doc = PDFKit.PDFDocument;
export const MARGIN = 50;
const BLUE = '#005eb8';
const TEXT = '#212b32';

/** Document options; `marking` is a protective marking printed at the top of every page. */
export interface PdfOptions {
  marking?: string;
  /** Landscape for wide tables (the CQC return's seven columns), so dates never break. */
  layout?: 'portrait' | 'landscape';
}
const MARKINGS = new WeakMap<Doc, string>();

/** A new A4 document piped to `out`; `finishPdf` numbers its pages and waits for the last byte. */
export function newPdf(
  out: Writable,
  title: string,
  options: PdfOptions = {},
): { doc: Doc; width: number; done: Promise<void> } {
  const doc = new PDFDocument({
    size: 'A4',
    // Landscape for wide tables (the CQC return's seven columns), so dates never break.
    layout: options.layout ?? 'portrait',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  if (options.marking) MARKINGS.set(doc, options.marking);
  return { doc, width: doc.page.width - 2 * MARGIN, done };
}

/** The report's first lines: who it is about, what it is, and how it was filtered. */
export function titleBlock(doc: Doc, organisation: string, title: string, filters: string[]): void {
  doc.font('Helvetica-Bold').fontSize(18).fillColor(TEXT).text(organisation);
  doc.font('Helvetica-Bold').fontSize(12).text(title);
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#4c6272')
    .text(`Filters: ${filters.length ? filters.join('; ') : 'none'}.`)
    .fillColor(TEXT);
}

/** How a run of body text looks; every option has a readable default (10 pt body text). */
export interface ParagraphStyle {
  bold?: boolean;
  italic?: boolean;
  /** Points; never below 10 for text a reader must read. */
  size?: number;
  colour?: string;
  width?: number;
}

/**
 * A paragraph of body text. Reports write text only through this, `heading` and `table`, so the
 * font, the minimum size and the document structure are decided here, in one place.
 */
export function paragraph(doc: Doc, text: string, style: ParagraphStyle = {}): void {
  const font = style.bold ? 'Helvetica-Bold' : style.italic ? 'Helvetica-Oblique' : 'Helvetica';
  doc
    .font(font)
    .fontSize(Math.max(10, style.size ?? 10))
    .fillColor(style.colour ?? TEXT)
    .text(text, { width: style.width })
    .fillColor(TEXT);
}

export function heading(doc: Doc, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc
    .moveDown(0.5)
    .font('Helvetica-Bold')
    .fontSize(12)
    .fillColor(BLUE)
    .text(text, MARGIN)
    .fillColor(TEXT)
    .moveDown(0.3);
}

/** A table that wraps its cells and starts a new page when the next row will not fit. */
export function table(doc: Doc, header: string[], rows: string[][], widths: number[]): void {
  const draw = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    const height =
      Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 6 }))) + 6;
    // Rows stop 20pt short of the bottom margin, leaving room for the page footer.
    if (doc.y + height > doc.page.height - MARGIN - 20) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      if (bold) doc.rect(x, y, widths[i], height).fill('#f0f4f5');
      doc.rect(x, y, widths[i], height).lineWidth(0.5).stroke('#d8dde0');
      doc.fillColor(TEXT).text(cell, x + 3, y + 3, { width: widths[i] - 6 });
      x += widths[i];
    });
    doc.x = MARGIN;
    doc.y = y + height;
  };
  draw(header, true);
  for (const row of rows) draw(row, false);
  doc.moveDown(0.8);
}

/** "Page N of M" on every page, then the end of the document. */
export async function finishPdf(
  doc: Doc,
  footer: string,
  width: number,
  done: Promise<void>,
): Promise<void> {
  const range = doc.bufferedPageRange();
  const marking = MARKINGS.get(doc);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    if (marking)
      doc
        .font('Helvetica-Bold')
        .fontSize(10)
        .fillColor(TEXT)
        .text(marking, MARGIN, MARGIN / 2 - 5, { width, align: 'center', lineBreak: false });
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#4c6272')
      // Inside the printable area: in the margin, PDFKit would start a new page.
      .text(`${footer} · Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN - 12, {
        width,
        align: 'center',
        lineBreak: false,
      });
  }
  doc.end();
  await done;
}
