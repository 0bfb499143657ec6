import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binary } from './downloads';
import { describeWithTool } from './external-tools';
import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import {
  boxOf,
  overlaps,
  Page,
  pdfFonts,
  pdfInfo,
  pdfStructure,
  pdfText,
  pdfWords,
  POPPLER,
  Word,
} from './pdf-readers';
import { createTestApp, TestApp } from './test-app';
import {
  figure,
  finishPdf,
  heading,
  newPdf,
  paragraph,
  table,
  titleBlock,
} from '../src/reports/pdf-layout';
import { bragByServiceChart } from '../src/reports/charts';

/**
 * The PDFs read back by poppler (pdffonts, pdfinfo, pdftotext -bbox-layout): an embedded Unicode
 * font, a tagged structure, 10 pt text, body text clear of the page footer on every page, tables
 * that carry their header onto each page, and charts that neither hide their labels nor overlap.
 * Skipped (with a message) where poppler-utils is missing; in CI (`.ci/run` installs it) a
 * failure.
 */
const describeWithPoppler = describeWithTool(
  'poppler-utils (pdffonts, pdfinfo, pdftotext)',
  POPPLER,
);

const UNICODE = 'Łukasz Żółć ≥95% “quoted”';
const LONG =
  'Staff on the ward did not always complete and record ligature risk assessments, and ' +
  'the actions those assessments called for were not always carried out or checked by the ' +
  'ward manager; agency staff were not always briefed on the risks to people using the service.';

/**
 * The page footer: the words in the bottom band (74 pt) of the page, that is below the body's
 * last line (pdftotext may cut a line where the font changes, so words, not lines).
 */
const BAND = 74;
function footerWords(page: Page): Word[] {
  return page.words.filter((w) => w.yMin >= page.height - BAND + 6);
}
function footerText(page: Page): string {
  return footerWords(page)
    .sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin)
    .map((w) => w.text)
    .join(' ');
}
function footerTop(page: Page): number {
  return Math.min(...footerWords(page).map((w) => w.yMin));
}
/** Every word but the footer's. */
function bodyWords(page: Page): Word[] {
  return page.words.filter((w) => w.yMin < page.height - BAND + 6);
}

describeWithPoppler('accessible PDFs, read by poppler', () => {
  let t: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-accessibility-'));
  let longTrust: { id: number };
  let longService: { id: number };
  let wideTrust: { id: number };
  const files: Record<string, string> = {};

  async function download(url: string, name: string): Promise<string> {
    const body = (await t.http.get(url).buffer(true).parse(binary).expect(200)).body as Buffer;
    const file = path.join(dir, `${name}.pdf`);
    fs.writeFileSync(file, body);
    return file;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const owner = await buildUser(t.http, { role: 'owner', name: 'Łukasz Żółć' });
    const lead = await buildUser(t.http, { role: 'executive', name: 'Dr Siobhán O’Connor' });
    const asOwner = await t.as(owner);

    // A trust with long findings, long notes and 64 actions on one core service.
    longTrust = await buildOrganisation(t.http, { name: `${UNICODE} NHS Trust` });
    longService = await buildCoreService(t.http, longTrust.id, {
      name: 'Acute wards for adults of working age',
      reinspectionDate: '2031-03-01',
    });
    for (let f = 0; f < 6; f++) {
      const finding = await buildFinding(t.http, longTrust.id, {
        coreServiceId: longService.id,
        text: `${LONG} ${LONG} (${f + 1})`,
        regulations: [{ instrument: 2014, number: f % 2 ? '12' : '17' }],
      });
      for (let a = 0; a < 11; a++) {
        const action = await buildAction(t.http, [finding.id], {
          title: `Complete and record a ligature risk assessment on ward ${f}-${a}, brief every agency member of staff and check the briefing at the next ward meeting`,
          ownerId: owner.id,
          executiveLeadId: lead.id,
          dueDate: '2030-12-01',
        });
        if (a % 3 === 0) {
          await asOwner
            .post(`/api/v1/actions/${action.id}/progress`)
            .send({ note: `${LONG} Next step agreed with the matron.`, progress: 20 + a })
            .expect(201);
        }
      }
    }

    // A trust with 25 core services, each with one action, for the charts.
    wideTrust = await buildOrganisation(t.http, { name: 'Wide Trust' });
    for (let s = 0; s < 25; s++) {
      const service = await buildCoreService(t.http, wideTrust.id, {
        name: `Community service number ${s + 1}`,
        reinspectionDate: '2031-03-01',
      });
      const finding = await buildFinding(t.http, wideTrust.id, { coreServiceId: service.id });
      await buildAction(t.http, [finding.id], { ownerId: owner.id, executiveLeadId: lead.id });
    }

    files.board = await download(
      `/api/v1/reports/board?organisationId=${longTrust.id}&format=pdf`,
      'board',
    );
    files.cqc = await download(
      `/api/v1/reports/cqc-return?organisationId=${longTrust.id}&format=pdf`,
      'cqc-return',
    );
    files.pack = await download(
      `/api/v1/reports/evidence-pack?coreServiceId=${longService.id}`,
      'evidence-pack',
    );
    files.wide = await download(
      `/api/v1/reports/board?organisationId=${wideTrust.id}&format=pdf`,
      'board-25',
    );
  }, 240_000);
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('embeds every font (Noto Sans), with no standard Helvetica', () => {
    for (const name of ['board', 'cqc', 'pack', 'wide']) {
      const fonts = pdfFonts(files[name]);
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts) {
        expect({ file: name, font: font.name, embedded: font.embedded }).toEqual({
          file: name,
          font: font.name,
          embedded: true,
        });
        expect(font.name).toMatch(/^[A-Z]{6}\+NotoSans/);
      }
    }
  });

  it('gives back a title holding "Łukasz Żółć ≥95% “quoted”" and names as typed', () => {
    for (const name of ['board', 'cqc']) {
      const text = pdfText(files[name], { first: 1, last: 1 });
      expect(text).toContain(`${UNICODE} NHS Trust`);
    }
    expect(pdfText(files.pack)).toContain('Łukasz Żółć');
    expect(pdfText(files.pack)).toContain('Dr Siobhán O’Connor');
  });

  it('is a tagged PDF 1.7 with its title, language and structure', () => {
    for (const name of ['board', 'cqc', 'pack']) {
      const info = pdfInfo(files[name]);
      expect({ name, tagged: info.Tagged }).toEqual({ name, tagged: 'yes' });
      expect(info.Title).toContain(name === 'pack' ? 'evidence pack' : UNICODE);
      expect(info['PDF version']).toBe('1.7');
      const raw = fs.readFileSync(files[name]).toString('latin1');
      expect(raw).toContain('/Lang (en-GB)');
      expect(raw).toContain('/DisplayDocTitle true');
      const tree = pdfStructure(files[name]);
      for (const tag of ['Document', 'H1', 'H2', 'P', 'Table', 'TR', 'TH', 'TD'])
        expect({ name, tag, found: new RegExp(`^\\s*${tag}\\b`, 'm').test(tree) }).toEqual({
          name,
          tag,
          found: true,
        });
    }
    expect(pdfStructure(files.board)).toMatch(/^\s*Figure\b/m);
  });

  it('keeps body text clear of the footer on every page (long texts, 66 actions)', () => {
    for (const name of ['board', 'cqc', 'pack']) {
      const pages = pdfWords(files[name]);
      expect(pages.length).toBeGreaterThan(name === 'board' ? 1 : 2);
      for (const page of pages) {
        const intruders = bodyWords(page).filter((w) => w.yMax > page.height - BAND + 1);
        expect({ name, page: page.number, intruders }).toEqual({
          name,
          page: page.number,
          intruders: [],
        });
        // The footer says the same on every page but its number: no body word strayed into it.
        expect(footerText(page)).toMatch(new RegExp(`Page ${page.number} of ${pages.length}$`));
        expect(footerText(page).replace(/Page \d+ of/, '')).toBe(
          footerText(pages[0]).replace(/Page \d+ of/, ''),
        );
      }
    }
  });

  it('prints body text and tables at 10 pt or more', () => {
    for (const name of ['cqc', 'pack']) {
      for (const page of pdfWords(files[name])) {
        // Noto Sans' box is 1.36 em tall: 10 pt text gives words 13.6 pt high.
        const small = bodyWords(page).filter((w) => w.yMax - w.yMin < 13);
        expect({ name, page: page.number, small }).toEqual({ name, page: page.number, small: [] });
      }
    }
  });

  /** The words of each chart on the page: the BRAG chart's legend and services, the line chart's. */
  function chartBoxes(page: Page): { brag: Word | null; line: Word | null } {
    const bragWords = page.lines
      .filter((l) => /^(Red Amber Green Blue|Community service number|Acute wards)/.test(l.text))
      .flatMap((l) => l.words);
    const title = page.lines.find((l) => l.text === 'Open actions over time');
    const lineWords = title
      ? page.lines
          .filter((l) => l.yMin >= title.yMin)
          .filter((l) =>
            /^(Open actions over time|Reinspection|[\d\s]+|(\d{1,2} [A-Z][a-z]+ ?)+)$/.test(l.text),
          )
          .flatMap((l) => l.words)
      : [];
    return { brag: boxOf(bragWords), line: boxOf(lineWords) };
  }

  it.each([
    ['1 core service', 'board'],
    ['25 core services', 'wide'],
  ])('draws the charts one below the other, labels visible, for %s', (_, name) => {
    const pages = pdfWords(files[name]);
    const text = pdfText(files[name]);
    expect(text).toContain('Actions by BRAG');
    expect(text).toContain('Open actions over time');
    expect(text).toContain('Reinspection');
    const chartPages = pages.filter((p) =>
      p.lines.some((l) => /Actions by BRAG|Open actions over time/.test(l.text)),
    );
    expect(chartPages.length).toBeGreaterThan(0);
    for (const page of chartPages) {
      const { brag, line } = chartBoxes(page);
      if (brag && line)
        expect({ page: page.number, overlap: overlaps(brag, line) }).toEqual({
          page: page.number,
          overlap: false,
        });
      const top = footerTop(page);
      for (const box of [brag, line]) if (box) expect(box.yMax).toBeLessThan(top);
    }
    // The line chart's data labels: a count above each month end (all 66 or 25 actions open).
    const open = name === 'board' ? '66' : '25';
    const linePage = chartPages.find((p) =>
      p.lines.some((l) => /Open actions over time/.test(l.text)),
    )!;
    expect(linePage.words.filter((w) => w.text === open).length).toBeGreaterThan(0);
    // Every one of the 25 services is named in a chart.
    if (name === 'wide')
      for (let s = 1; s <= 25; s++) expect(text).toContain(`Community service number ${s}`);
    const structure = pdfStructure(files[name]);
    expect(structure).toMatch(/^\s*Figure\b/m);
  });

  it('repeats the header and names the section "(continued)" on each page of a table, keeps headings with their rows, never breaks "December"', async () => {
    const file = path.join(dir, 'layout.pdf');
    const out = fs.createWriteStream(file);
    const { doc, width, done } = newPdf(out, UNICODE, { marking: 'OFFICIAL-SENSITIVE' });
    titleBlock(doc, UNICODE, 'Layout check', []);
    // Fill the page so the next heading falls near its foot.
    // Fill the page until under 90 pt are left: room for the heading, not for its first rows.
    for (let i = 1; doc.y < doc.page.height - 74 - 90; i++)
      paragraph(doc, `Line ${i} of the filler.`, { spaceAfter: 0 });
    heading(doc, 'Actions due');
    table(
      doc,
      ['Action', 'Due', 'Status'],
      Array.from({ length: 80 }, (_, i) => [
        `Action ${i + 1}: ${i % 7 === 0 ? LONG : 'brief the staff'}`,
        '30 September 2026',
        'Off track',
      ]),
      [width - 60, 30, 30],
    );
    figure(doc, bragByServiceChart([]), 'An empty chart.');
    await finishPdf(doc, 'Layout check', width, done);

    const pages = pdfWords(file);
    expect(pages.length).toBeGreaterThan(2);
    // The heading moved to page 2 with the header and first row, not left at page 1's foot.
    expect(pages[0].lines.some((l) => l.text === 'Actions due')).toBe(false);
    const second = pages[1].lines.map((l) => l.text);
    expect(second.indexOf('Actions due')).toBeGreaterThanOrEqual(0);
    for (const page of pages.slice(2)) {
      const lines = page.lines.map((l) => l.text);
      if (!lines.some((l) => /^Action \d+/.test(l))) continue;
      expect({ page: page.number, continued: lines.includes('Actions due (continued)') }).toEqual({
        page: page.number,
        continued: true,
      });
      const status = page.words.find((w) => w.text === 'Status');
      expect(status).toBeDefined();
      const header = page.words.filter((w) => Math.abs(w.yMin - status!.yMin) < 1);
      expect(header.map((w) => w.text)).toEqual(['Action', 'Due', 'Status']);
    }
    // Short values keep their words whole in narrow columns.
    const words = pages.flatMap((p) => p.words.map((w) => w.text));
    expect(words.filter((w) => w === 'September').length).toBe(80);
    expect(words.filter((w) => w === 'track').length).toBe(80);
    expect(words.some((w) => /^(Septem|Of|tr)$/.test(w))).toBe(false);
    // The protective marking at the top and foot of every page, clear of the body.
    for (const page of pages) {
      const marks = page.lines.filter((l) => l.text === 'OFFICIAL-SENSITIVE');
      expect({ page: page.number, marks: marks.length }).toEqual({ page: page.number, marks: 2 });
      const [head, foot] = [...marks].sort((a, b) => a.yMin - b.yMin);
      expect(foot.yMin).toBeGreaterThanOrEqual(page.height - BAND);
      const body = page.lines
        .filter((l) => l.text !== 'OFFICIAL-SENSITIVE' && !/Page \d+ of/.test(l.text))
        .flatMap((l) => l.words);
      expect(body.filter((w) => w.yMax > foot.yMin - 1 || w.yMin < head.yMax + 1)).toEqual([]);
    }
    expect(pdfText(file, { first: 1, last: 1 })).toContain(UNICODE);
    expect(pdfFonts(file).every((f) => f.embedded)).toBe(true);
  });
});
