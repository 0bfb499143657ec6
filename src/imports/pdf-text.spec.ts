import PDFDocument from 'pdfkit';
import { pdfPages } from './pdf-text';
import { parseReport } from './report-parser';

/** A one-page PDF with each line drawn at its own left offset, by a real PDF library. */
function pdfOf(lines: [number, string][]): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40 });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.fontSize(9);
    lines.forEach(([x, text], index) => doc.text(text, x, 40 + index * 12, { lineBreak: false }));
    doc.end();
  });
}

describe('pdfPages', () => {
  it('indents lines that start right of the margin, so a bullet keeps its wrapped lines', async () => {
    const pdf = await pdfOf([
      [40, 'Action the trust MUST take to improve'],
      [40, '• The trust must ensure staff complete training.'],
      [52, 'Managers must check it every month. (Regulation 18)'],
      [40, '• The trust must ensure that medicines are stored safely. (Regulation 12)'],
    ]);
    const pages = await pdfPages(pdf);
    expect(pages[0].split('\n').map((line) => /^ */.exec(line)![0].length)).toEqual([0, 0, 4, 0]);
    expect(parseReport(pages).findings.map((f) => f.text)).toEqual([
      'The trust must ensure staff complete training. Managers must check it every month. (Regulation 18)',
      'The trust must ensure that medicines are stored safely. (Regulation 12)',
    ]);
  });
});
