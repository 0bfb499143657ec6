import path from 'node:path';
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

/**
 * Shared layout for the A4 reports: a new document, headings, paragraphs, wrapping tables,
 * figures and page footers. Every piece of text a report prints goes through here, so that one
 * place decides the font (Noto Sans, embedded, so any name or symbol prints as typed), the
 * minimum size (10 pt) and the tagged structure a screen reader follows (Document > H1, H2, P,
 * Table > TR > TH/TD, Figure with its words; page headers and footers as artifacts).
 */
export type Doc = PDFKit.PDFDocument;
/** Left and right margin; reports place things at x = MARGIN. */
export const MARGIN = 50;
/** Top and bottom margins leave a band for the protective marking and the page footer. */
const TOP = 62;
const BOTTOM = 74;
const BLUE = '#005eb8';
const TEXT = '#212b32';
const GREY = '#4c6272';
/** Text a reader must read is never smaller than this (pt); the page footer may be 9. */
const BODY_SIZE = 10;
const FOOTER_SIZE = 9;
/** How far below the body's last line the page footer starts (pt). */
const FOOTER_GAP = 12;
const HEADING_SIZE = 13;
const CELL_PAD = 3;
/** Words up to this many characters never break inside a table cell (longer: URLs, hashes). */
const UNBREAKABLE_WORD = 20;

/**
 * Noto Sans from the npm package @expo-google-fonts/noto-sans (Google's static TTFs, SIL OFL),
 * and Noto Sans Math for the characters Noto Sans lacks (≥, ≤, ≠, arrows, ✓): pdfkit has no
 * font fallback of its own, so text is split into runs by which font has each character.
 * Fonts are named by their file paths, so each is loaded and embedded (subset) once per document.
 */
function fontFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}
const FONTS = {
  regular: fontFile('@expo-google-fonts/noto-sans', '400Regular/NotoSans_400Regular.ttf'),
  bold: fontFile('@expo-google-fonts/noto-sans', '700Bold/NotoSans_700Bold.ttf'),
  italic: fontFile(
    '@expo-google-fonts/noto-sans',
    '400Regular_Italic/NotoSans_400Regular_Italic.ttf',
  ),
  symbols: fontFile('@expo-google-fonts/noto-sans-math', '400Regular/NotoSansMath_400Regular.ttf'),
} as const;
type FontKey = Exclude<keyof typeof FONTS, 'symbols'>;

export interface PdfOptions {
  /** 'landscape' for reports whose tables are too wide for a portrait A4 page. */
  layout?: 'portrait' | 'landscape';
  /** A protective marking such as "OFFICIAL-SENSITIVE", printed at the top and foot of every page. */
  marking?: string;
  /** The document's language (BCP 47); en-GB unless said. */
  lang?: string;
  author?: string;
  subject?: string;
}

/** What the layout keeps about each document: its structure root and the headings in waiting. */
interface Layout {
  root: PDFKit.PDFStructureElement;
  marking?: string;
  /** Headings not drawn yet: each is drawn with the first lines of what follows it. */
  pending: string[];
  /** The last heading drawn, named again at the top of a table's continuation page. */
  section?: string;
}
const layouts = new WeakMap<Doc, Layout>();

function layoutOf(doc: Doc): Layout {
  const layout = layouts.get(doc);
  if (!layout) throw new Error('Not a document made by newPdf');
  return layout;
}

/** A new A4 document piped to `out`; `finishPdf` numbers its pages and waits for the last byte. */
export function newPdf(
  out: Writable,
  title: string,
  options: PdfOptions = {},
): { doc: Doc; width: number; done: Promise<void> } {
  const doc = new PDFDocument({
    size: 'A4',
    layout: options.layout ?? 'portrait',
    margins: { top: TOP, bottom: BOTTOM, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // A tagged PDF 1.7 with its language and title, as the accessibility regulations ask.
    pdfVersion: '1.7',
    tagged: true,
    lang: options.lang ?? 'en-GB',
    displayTitle: true,
    font: FONTS.regular,
    info: {
      Title: title,
      ...(options.author ? { Author: options.author } : {}),
      ...(options.subject ? { Subject: options.subject } : {}),
    },
  });
  keepStandardFontsOut(doc);
  const root = doc.struct('Document');
  doc.addStructure(root);
  layouts.set(doc, { root, marking: options.marking, pending: [] });
  // A report that still writes with doc.text() directly gets the waiting heading above its text.
  const text = doc.text.bind(doc) as (...args: unknown[]) => Doc;
  (doc as unknown as { text: typeof text }).text = (...args) => {
    if (layouts.get(doc)?.pending.length) keepTogether(doc, BODY_SIZE * 3);
    return text(...args);
  };
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  return { doc, width: contentWidth(doc), done };
}

/**
 * PDFKit's standard fonts (Helvetica...) are not embedded and only know Latin-1. Reports are to
 * write through this file, but should one still name one, it gets Noto Sans instead, so no PDF
 * of ours carries an unembedded font or garbles a name.
 */
const STANDARD: Record<string, string> = {
  Helvetica: FONTS.regular,
  'Helvetica-Bold': FONTS.bold,
  'Helvetica-Oblique': FONTS.italic,
  'Helvetica-BoldOblique': FONTS.bold,
  'Times-Roman': FONTS.regular,
  'Times-Bold': FONTS.bold,
  'Times-Italic': FONTS.italic,
};
function keepStandardFontsOut(doc: Doc): void {
  const font = doc.font.bind(doc) as (src: unknown, ...rest: unknown[]) => Doc;
  (doc as unknown as { font: typeof font }).font = (src, ...rest) =>
    font(typeof src === 'string' ? (STANDARD[src] ?? src) : src, ...rest);
}

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function bottomOf(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

function atTopOfPage(doc: Doc): boolean {
  return doc.y <= doc.page.margins.top + 1;
}

// ---- Text in runs of one font ----

/** The fontkit font behind pdfkit's current font (pdfkit does not export fontkit's types). */
interface GlyphSource {
  hasGlyphForCodePoint(codePoint: number): boolean;
}
const covered = new Map<number, boolean>();

/** Whether Noto Sans draws this character (the same set in regular, bold and italic). */
function inMainFont(doc: Doc, codePoint: number): boolean {
  if (codePoint < 0x250) return true;
  let known = covered.get(codePoint);
  if (known === undefined) {
    doc.font(FONTS.regular);
    const font = (doc as unknown as { _font: { font: GlyphSource } })._font.font;
    known = font.hasGlyphForCodePoint(codePoint);
    covered.set(codePoint, known);
  }
  return known;
}

/** The text cut where it changes between Noto Sans and the fallback font. */
function runsOf(doc: Doc, text: string, font: FontKey): { font: string; text: string }[] {
  const runs: { font: string; text: string }[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const wanted = inMainFont(doc, code) || /\s/.test(char) ? FONTS[font] : FONTS.symbols;
    const last = runs[runs.length - 1];
    if (last && last.font === wanted) last.text += char;
    else runs.push({ font: wanted, text: char });
  }
  return runs;
}

interface Put {
  font?: FontKey;
  size?: number;
  colour?: string;
  x?: number;
  y?: number;
  width?: number;
  align?: 'left' | 'center' | 'right';
  lineBreak?: boolean;
}

/** Writes text at the place given (or where the last text ended), font run by font run. */
function put(doc: Doc, text: string, how: Put): void {
  const font = how.font ?? 'regular';
  doc.fontSize(how.size ?? BODY_SIZE).fillColor(how.colour ?? TEXT);
  const options: PDFKit.Mixins.TextOptions = {
    width: how.width,
    align: how.align,
    lineBreak: how.lineBreak,
  };
  const runs = runsOf(doc, text, font);
  if (!runs.length) return;
  if (runs.length > 1 && how.lineBreak === false && how.align && how.align !== 'left') {
    // PDFKit aligns each continued run on its own; one line is placed run by run instead.
    const sizes = runs.map((run) => doc.font(run.font).widthOfString(run.text));
    const total = sizes.reduce((sum, w) => sum + w, 0);
    const room = (how.width ?? contentWidth(doc)) - total;
    let x = (how.x ?? doc.x) + (how.align === 'center' ? room / 2 : room);
    const y = how.y ?? doc.y;
    runs.forEach((run, i) => {
      doc.font(run.font).text(run.text, x, y, { lineBreak: false });
      x += sizes[i];
    });
    doc.fillColor(TEXT);
    return;
  }
  runs.forEach((run, i) => {
    doc.font(run.font);
    const opts = { ...options, continued: i < runs.length - 1 };
    if (i === 0 && how.x !== undefined) doc.text(run.text, how.x, how.y, opts);
    else doc.text(run.text, opts);
  });
  doc.fillColor(TEXT);
}

/** How tall the text will be; measured in the main font (fallback characters are few). */
function heightOf(doc: Doc, text: string, font: FontKey, size: number, width: number): number {
  if (!text) return 0;
  return doc.font(FONTS[font]).fontSize(size).heightOfString(text, { width });
}

/** A structure element's attributes (/A); pdfkit has no option for them. Strings are names. */
function setAttributes(element: PDFKit.PDFStructureElement, attributes: object): void {
  (element as unknown as { dictionary: { data: Record<string, unknown> } }).dictionary.data.A =
    attributes;
}

/** Content that is no part of the document's text (borders, page furniture, repeats). */
function artifact(doc: Doc, draw: () => void, type?: 'Pagination' | 'Layout'): void {
  doc.markContent('Artifact', type ? { type } : undefined);
  draw();
  doc.endMarkedContent();
}

// ---- Title, headings, paragraphs ----

/** The report's first lines: who it is about, what it is, and how it was filtered. */
export function titleBlock(doc: Doc, organisation: string, title: string, filters: string[]): void {
  const layout = layoutOf(doc);
  const x = doc.page.margins.left;
  layout.root.add(
    doc.struct('H1', {}, [
      () => put(doc, organisation, { font: 'bold', size: 18, x, y: doc.y }),
      () => put(doc, title, { font: 'bold', size: HEADING_SIZE, x, y: doc.y }),
    ]),
  );
  paragraph(doc, `Filters: ${filters.length ? filters.join('; ') : 'none'}.`, { colour: GREY });
}

/** How a run of body text looks; every option has a readable default (10 pt body text). */
export interface ParagraphStyle {
  bold?: boolean;
  italic?: boolean;
  /** Points; never below 10 for text a reader must read. */
  size?: number;
  colour?: string;
  width?: number;
  /** Space after the paragraph, in lines (0.3 unless said). */
  spaceAfter?: number;
}

/**
 * A paragraph of body text. Reports write text only through this, `heading` and `table`, so the
 * font, the minimum size and the document structure are decided here, in one place.
 */
export function paragraph(doc: Doc, text: string, style: ParagraphStyle = {}): void {
  const font: FontKey = style.bold ? 'bold' : style.italic ? 'italic' : 'regular';
  const size = Math.max(BODY_SIZE, style.size ?? BODY_SIZE);
  const width = style.width ?? contentWidth(doc);
  // A heading waiting above keeps at least the paragraph's first two lines with it.
  const lines = doc.font(FONTS[font]).fontSize(size).currentLineHeight(true) * 2;
  keepTogether(doc, Math.min(heightOf(doc, text, font, size, width), lines));
  const x = doc.page.margins.left;
  layoutOf(doc).root.add(
    doc.struct('P', {}, [
      () => put(doc, text, { font, size, colour: style.colour, x, y: doc.y, width }),
    ]),
  );
  doc.x = x;
  doc.moveDown(style.spaceAfter ?? 0.3);
}

/**
 * A section heading. It is drawn with what follows it (the first lines of a paragraph, a
 * table's header and first row, a figure), so a heading never stands alone at a page foot.
 */
export function heading(doc: Doc, text: string): void {
  layoutOf(doc).pending.push(text);
}

/**
 * Starts a new page unless `points` of what comes next fit on this one: for a block (a breach,
 * its words and its table's first row; a sign-off) that must not start at a page foot.
 */
export function keepSpace(doc: Doc, points: number): void {
  keepTogether(doc, points);
}

/** Height of `text` as paragraph() would set it in the body width (10 pt). */
export function paragraphHeight(doc: Doc, text: string, bold = false): number {
  return heightOf(doc, text, bold ? 'bold' : 'regular', BODY_SIZE, contentWidth(doc));
}

function headingHeight(doc: Doc, text: string): number {
  return heightOf(doc, text, 'bold', HEADING_SIZE, contentWidth(doc)) + BODY_SIZE * 0.8;
}

/**
 * Draws the headings in waiting, on a new page unless they and `following` points of what
 * comes next fit on this one. With no heading waiting, only moves to a new page if needed.
 */
function keepTogether(doc: Doc, following: number): void {
  const layout = layoutOf(doc);
  const headings = layout.pending.splice(0);
  const height = headings.reduce((sum, h) => sum + headingHeight(doc, h), 0);
  if (!atTopOfPage(doc) && doc.y + height + following > bottomOf(doc)) doc.addPage();
  for (const text of headings) {
    const x = doc.page.margins.left;
    if (!atTopOfPage(doc)) doc.moveDown(0.4);
    layout.root.add(
      doc.struct('H2', {}, [
        () => put(doc, text, { font: 'bold', size: HEADING_SIZE, colour: BLUE, x, y: doc.y }),
      ]),
    );
    doc.outline.addItem(text);
    doc.x = x;
    doc.moveDown(0.3);
    layout.section = text;
  }
}

// ---- Tables ----

export interface TableOptions {
  /** Named at the top of each continuation page ("... (continued)"); the last heading if not. */
  title?: string;
}

/**
 * A table of wrapping cells, 10 pt, with header cells tagged TH. Widths are proportions of the
 * page width (scaled down if they add up to more), widened where a column's longest word would
 * otherwise break ("December", "Off track"). A row that does not fit goes to the next page,
 * under the section's name "(continued)" and the header row again; a row taller than a page
 * is split between pages.
 */
export function table(
  doc: Doc,
  header: string[],
  rows: string[][],
  widths: number[],
  options: TableOptions = {},
): void {
  const layout = layoutOf(doc);
  const cols = columnWidths(doc, header, rows, widths);
  const rowHeight = (cells: string[], bold: boolean) =>
    Math.max(
      ...cells.map((cell, i) =>
        heightOf(doc, cell ?? '', bold ? 'bold' : 'regular', BODY_SIZE, cols[i] - 2 * CELL_PAD),
      ),
      doc.font(FONTS.regular).fontSize(BODY_SIZE).currentLineHeight(true),
    ) +
    2 * CELL_PAD;
  const headerHeight = rowHeight(header, true);
  const pageBody = () => bottomOf(doc) - doc.page.margins.top;
  // The heading and header row stay with the whole first row, unless it must be split anyway.
  const first = rows.length ? rowHeight(rows[0], false) : 0;
  const firstRow = first <= pageBody() - headerHeight - 60 ? first : BODY_SIZE * 1.4 * 3;
  const pageBefore = doc.page;
  const headed = layout.pending.length > 0;
  keepTogether(doc, headerHeight + firstRow);
  const title = options.title ?? layout.section;

  const struct = doc.struct('Table');
  layout.root.add(struct);
  const left = doc.page.margins.left;

  /** One row's cells, each from its own text, between `top` and `top + height`. */
  const drawCells = (
    cells: string[],
    bold: boolean,
    top: number,
    height: number,
    parts: ((draw: () => void, i: number) => void) | null,
  ) => {
    artifact(doc, () => {
      let x = left;
      cells.forEach((_, i) => {
        if (bold) doc.rect(x, top, cols[i], height).fill('#f0f4f5');
        doc.rect(x, top, cols[i], height).lineWidth(0.5).stroke('#aeb7bd');
        x += cols[i];
      });
    });
    let x = left;
    cells.forEach((cell, i) => {
      const at = x;
      const draw = () =>
        put(doc, cell ?? '', {
          font: bold ? 'bold' : 'regular',
          x: at + CELL_PAD,
          y: top + CELL_PAD,
          width: cols[i] - 2 * CELL_PAD,
        });
      if (parts) parts(draw, i);
      else if (cell) artifact(doc, draw);
      x += cols[i];
    });
    doc.x = left;
    doc.y = top + height;
  };

  /** A new page that names the table's section and repeats its header row (both artifacts). */
  const continuation = () => {
    doc.addPage();
    continuedTitle();
    drawCells(header, true, doc.y, headerHeight, null);
  };
  /** "<title> (continued)" at the top of a page the table carries on to. */
  const continuedTitle = () => {
    if (title) {
      artifact(doc, () =>
        put(doc, `${title} (continued)`, {
          font: 'bold',
          size: HEADING_SIZE,
          colour: BLUE,
          x: left,
          y: doc.y,
          width: contentWidth(doc),
        }),
      );
      doc.x = left;
      doc.moveDown(0.3);
    }
  };
  // A table pushed to a new page by its first row, with no heading of its own drawn there,
  // names what it belongs to: the text above it is on the page before.
  if (doc.page !== pageBefore && !headed && options.title) continuedTitle();

  /** A row of TH or TD cells, kept whole if it fits on a page, else split across pages. */
  const drawRow = (cells: string[], bold: boolean) => {
    const tr = doc.struct('TR');
    struct.add(tr);
    const tags = cells.map(() => {
      const cell = doc.struct(bold ? 'TH' : 'TD');
      // Header cells name the column they head, for screen readers' table navigation.
      if (bold) setAttributes(cell, { O: 'Table', Scope: 'Column' });
      tr.add(cell);
      return cell;
    });
    const addParts = (draw: () => void, i: number) => tags[i].add(draw);
    let height = bold ? headerHeight : rowHeight(cells, false);
    if (doc.y + height > bottomOf(doc) && height <= pageBody() - headerHeight - 40) {
      continuation();
    }
    let remaining = cells.map((c) => c ?? '');
    // Longer than a page: as much of each cell as fits here, the rest on the next page.
    while (doc.y + height > bottomOf(doc)) {
      const room = bottomOf(doc) - doc.y - 2 * CELL_PAD;
      if (room < 3 * BODY_SIZE * 1.4) {
        continuation();
        continue;
      }
      const split = remaining.map((cell, i) =>
        splitToFit(doc, cell, bold ? 'bold' : 'regular', cols[i] - 2 * CELL_PAD, room),
      );
      drawCells(
        split.map(([head]) => head),
        bold,
        doc.y,
        bottomOf(doc) - doc.y,
        addParts,
      );
      remaining = split.map(([, tail]) => tail);
      continuation();
      height = rowHeight(remaining, bold);
    }
    drawCells(remaining, bold, doc.y, height, addParts);
    tags.forEach((t) => t.end());
    tr.end();
  };

  drawRow(header, true);
  for (const row of rows) drawRow(row, false);
  struct.end();
  doc.x = left;
  doc.moveDown(0.8);
}

/**
 * Column widths: the caller's proportions, scaled down to the page if they add up to more, then
 * widened to each column's longest word, taking the room from columns that have some to spare.
 */
function columnWidths(doc: Doc, header: string[], rows: string[][], widths: number[]): number[] {
  const available = contentWidth(doc);
  const sum = widths.reduce((s, w) => s + w, 0);
  const scaled = sum > available + 0.5 ? widths.map((w) => (w * available) / sum) : [...widths];
  const longest = widths.map(() => 0);
  const measured = new Map<string, number>();
  const wordWidth = (word: string, font: FontKey) => {
    const key = `${font}:${word}`;
    let w = measured.get(key);
    if (w === undefined) {
      w = doc.font(FONTS[font]).fontSize(BODY_SIZE).widthOfString(word);
      measured.set(key, w);
    }
    return w;
  };
  const consider = (cells: string[], font: FontKey) =>
    cells.forEach((cell, i) => {
      if (i >= longest.length || !cell) return;
      for (const word of cell.split(/\s+/)) {
        if (word.length && word.length <= UNBREAKABLE_WORD)
          longest[i] = Math.max(longest[i], wordWidth(word, font));
      }
    });
  consider(header, 'bold');
  for (const row of rows) consider(row, 'regular');
  // PDFKit measures a word with the space after it, so a column needs that space too.
  const least = longest.map((w) => Math.ceil(w + 2 * CELL_PAD + BODY_SIZE * 0.3));
  const result = [...scaled];
  for (let pass = 0; pass < 3; pass++) {
    const short = result.reduce((s, w, i) => s + Math.max(0, least[i] - w), 0);
    if (short < 0.5) break;
    const spare = result.map((w, i) => Math.max(0, w - least[i]));
    const totalSpare = spare.reduce((s, w) => s + w, 0);
    if (totalSpare < 0.5) break;
    const give = Math.min(short, totalSpare);
    for (let i = 0; i < result.length; i++) {
      if (result[i] < least[i]) result[i] += (least[i] - result[i]) * (give / short);
      else result[i] -= spare[i] * (give / totalSpare);
    }
  }
  return result;
}

/** The longest run of whole words of `text` that fits in `height`, and the rest. */
function splitToFit(
  doc: Doc,
  text: string,
  font: FontKey,
  width: number,
  height: number,
): [string, string] {
  if (heightOf(doc, text, font, BODY_SIZE, width) <= height) return [text, ''];
  const tokens = text.split(/(?<=\s)/);
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (heightOf(doc, tokens.slice(0, mid).join(''), font, BODY_SIZE, width) <= height) low = mid;
    else high = mid - 1;
  }
  return [tokens.slice(0, low).join('').trimEnd(), tokens.slice(low).join('')];
}

// ---- Figures ----

/** The size an SVG says it is (ECharts writes width and height on its root element). */
function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="([\d.]+)/.exec(root)?.[1]);
  const height = Number(/\bheight="([\d.]+)/.exec(root)?.[1]);
  if (!width || !height) throw new Error('An SVG figure needs its width and height');
  return { width, height };
}

/**
 * A chart or picture (SVG) across the page, tagged as a Figure whose alternative text says in
 * words what it shows. Its height comes from the SVG's own proportions (or `height` points), so
 * the next thing starts below it; on a new page if it does not fit, scaled down if taller than
 * a page.
 */
export function figure(doc: Doc, svg: string, alt: string, height?: number): void {
  const size = svgSize(svg);
  let width = contentWidth(doc);
  let drawn = height ?? (size.height * width) / size.width;
  const most = bottomOf(doc) - doc.page.margins.top - HEADING_SIZE * 3;
  if (drawn > most) {
    width = (width * most) / drawn;
    drawn = most;
  }
  keepTogether(doc, drawn);
  if (doc.y + drawn > bottomOf(doc)) doc.addPage();
  const x = doc.page.margins.left;
  const y = doc.y;
  const element = doc.struct('Figure', { alt }, [
    () =>
      SVGtoPDF(doc, svg, x, y, {
        width,
        height: drawn,
        preserveAspectRatio: 'xMinYMin meet',
        fontCallback: (_family, bold, italic) =>
          bold ? FONTS.bold : italic ? FONTS.italic : FONTS.regular,
      }),
  ]);
  // Where the figure sits on the page, in PDF space, as PDF/UA asks of a Figure.
  setAttributes(element, {
    O: 'Layout',
    BBox: [x, doc.page.height - y - drawn, x + width, doc.page.height - y],
  });
  layoutOf(doc).root.add(element);
  doc.x = x;
  doc.y = y + drawn + 12;
}

// ---- Page furniture and the end ----

/** `text` cut at a word to fit `width` in the current font, with an ellipsis if cut. */
function fitted(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const words = text.split(' ');
  while (words.length > 1 && doc.widthOfString(`${words.join(' ')}…`) > width) words.pop();
  return `${words.join(' ')}…`;
}

/**
 * On every page: the protective marking (if any) at the top and foot, and "<footer> · Page N of
 * M" below the body, in the bottom margin, so body text never runs into it. Then the end.
 */
export async function finishPdf(
  doc: Doc,
  footer: string,
  _width: number,
  done: Promise<void>,
): Promise<void> {
  const layout = layoutOf(doc);
  keepTogether(doc, 0);
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { margins } = doc.page;
    const saved = { ...margins };
    // Inside the margins, PDFKit would start a new page for the text: lift them while drawing.
    doc.page.margins = { top: 0, bottom: 0, left: saved.left, right: saved.right };
    const width = doc.page.width - saved.left - saved.right;
    const line = { x: saved.left, width, align: 'center' as const, lineBreak: false };
    const pageNumber = `Page ${i + 1} of ${range.count}`;
    const oneLine = `${footer} · ${pageNumber}`;
    doc.font(FONTS.regular).fontSize(FOOTER_SIZE);
    // One line if it fits, else the footer's words over the page number (cut short if need be).
    const lines =
      doc.widthOfString(oneLine) <= width ? [oneLine] : [fitted(doc, footer, width), pageNumber];
    artifact(
      doc,
      () => {
        let y = doc.page.height - saved.bottom + FOOTER_GAP;
        if (layout.marking) {
          put(doc, layout.marking, { ...line, font: 'bold', size: FOOTER_SIZE, y: 30 });
          put(doc, layout.marking, { ...line, font: 'bold', size: FOOTER_SIZE, y });
          y += FOOTER_SIZE * 1.4;
        }
        for (const text of lines) {
          put(doc, text, { ...line, size: FOOTER_SIZE, colour: GREY, y });
          y += FOOTER_SIZE * 1.4;
        }
      },
      'Pagination',
    );
    doc.page.margins = saved;
  }
  layout.root.end();
  doc.end();
  await done;
}

/**
 * A PNG or JPEG picture (an evidence photograph), scaled to fit `maxHeight` points and the
 * body width, tagged as a Figure with its alternative text. Returns false, drawing nothing,
 * for a picture whose size cannot be read (the caller lists it instead).
 */
export function picture(doc: Doc, image: Buffer, alt: string, maxHeight = 260): boolean {
  const size = pictureSize(image);
  if (!size) return false;
  const scale = Math.min(1, contentWidth(doc) / size.width, maxHeight / size.height);
  const width = size.width * scale;
  const drawn = size.height * scale;
  keepTogether(doc, drawn);
  if (doc.y + drawn > bottomOf(doc)) doc.addPage();
  const x = doc.page.margins.left;
  const y = doc.y;
  const element = doc.struct('Figure', { alt }, [
    () => doc.image(image, x, y, { width, height: drawn }),
  ]);
  setAttributes(element, {
    O: 'Layout',
    BBox: [x, doc.page.height - y - drawn, x + width, doc.page.height - y],
  });
  layoutOf(doc).root.add(element);
  doc.x = x;
  doc.y = y + drawn + 12;
  return true;
}

/** Pixel size of a PNG (its IHDR) or a JPEG (its first start-of-frame marker). */
function pictureSize(image: Buffer): { width: number; height: number } | null {
  if (image.length > 24 && image.readUInt32BE(0) === 0x89504e47) {
    const size = { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
    return size.width > 0 && size.height > 0 ? size : null;
  }
  if (image.length > 4 && image[0] === 0xff && image[1] === 0xd8) {
    let at = 2;
    while (at + 9 < image.length) {
      if (image[at] !== 0xff) return null;
      const marker = image[at + 1];
      const length = image.readUInt16BE(at + 2);
      // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), carry the frame's size.
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        const size = { height: image.readUInt16BE(at + 5), width: image.readUInt16BE(at + 7) };
        return size.width > 0 && size.height > 0 ? size : null;
      }
      at += 2 + length;
    }
  }
  return null;
}
