import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Poppler's readers (pdffonts, pdfinfo, pdftotext), independent of the PDFKit that writes our
 * PDFs and of pdf.js. They are a Debian package (poppler-utils), which `.ci/run` installs.
 */
export const POPPLER = fs.existsSync('/usr/bin/pdftotext') && fs.existsSync('/usr/bin/pdffonts');

function run(tool: string, args: string[]): string {
  return execFileSync(`/usr/bin/${tool}`, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
}

/** Every font the PDF's pages use, as pdffonts lists them. */
export function pdfFonts(file: string): PdfFont[] {
  return run('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => {
      // name, type (may hold spaces), encoding, emb, sub, uni, object, ID
      const m = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(
        line,
      );
      if (!m) throw new Error(`pdffonts line not understood: ${line}`);
      return { name: m[1], type: m[2], embedded: m[4] === 'yes' };
    });
}

/** pdfinfo's "Key: value" lines. */
export function pdfInfo(file: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of run('pdfinfo', ['-enc', 'UTF-8', file]).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1].trim()] = m[2].trim();
  }
  return info;
}

/** The structure tree as pdfinfo -struct prints it (one element per line, indented). */
export function pdfStructure(file: string): string {
  return run('pdfinfo', ['-struct', file]);
}

export function pdfText(file: string, options: { first?: number; last?: number } = {}): string {
  const args = ['-enc', 'UTF-8'];
  if (options.first) args.push('-f', String(options.first));
  if (options.last) args.push('-l', String(options.last));
  return run('pdftotext', [...args, file, '-']);
}

export interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}
export interface Line {
  text: string;
  words: Word[];
  yMin: number;
  yMax: number;
}
export interface Page {
  number: number;
  width: number;
  height: number;
  lines: Line[];
  words: Word[];
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Every page's lines and words with their boxes (pdftotext -bbox-layout; y grows downwards). */
export function pdfWords(file: string): Page[] {
  const xhtml = run('pdftotext', ['-enc', 'UTF-8', '-bbox-layout', file, '-']);
  const pages: Page[] = [];
  const pageRe = /<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g;
  for (let m = pageRe.exec(xhtml); m; m = pageRe.exec(xhtml)) {
    const lines: Line[] = [];
    const lineRe =
      /<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([\s\S]*?)<\/line>/g;
    for (let l = lineRe.exec(m[3]); l; l = lineRe.exec(m[3])) {
      const words: Word[] = [];
      const wordRe =
        /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
      for (let w = wordRe.exec(l[3]); w; w = wordRe.exec(l[3])) {
        words.push({
          text: unescape(w[5]),
          xMin: Number(w[1]),
          yMin: Number(w[2]),
          xMax: Number(w[3]),
          yMax: Number(w[4]),
        });
      }
      lines.push({
        text: words.map((w) => w.text).join(' '),
        words,
        yMin: Number(l[1]),
        yMax: Number(l[2]),
      });
    }
    pages.push({
      number: pages.length + 1,
      width: Number(m[1]),
      height: Number(m[2]),
      lines,
      words: lines.flatMap((l) => l.words),
    });
  }
  return pages;
}

/** The smallest box around some words, or null for none. */
export function boxOf(words: Word[]): Word | null {
  if (!words.length) return null;
  return {
    text: '',
    xMin: Math.min(...words.map((w) => w.xMin)),
    yMin: Math.min(...words.map((w) => w.yMin)),
    xMax: Math.max(...words.map((w) => w.xMax)),
    yMax: Math.max(...words.map((w) => w.yMax)),
  };
}

export function overlaps(a: Word, b: Word): boolean {
  return a.xMin < b.xMax && b.xMin < a.xMax && a.yMin < b.yMax && b.yMin < a.yMax;
}
