import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Markup from data must be escaped by the template engine. `| safe` turns escaping off, and
 * a macro's `html:` parameter is output with `| safe` inside the design system's macros, so
 * both may only take markup the template itself built inside a `{% set %}...{% endset %}`
 * block (where autoescape has already escaped every value). Charts go in as <img> data URIs.
 */
const VIEWS = path.join(__dirname, 'views');

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templates(path.join(dir, entry.name))
      : entry.name.endsWith('.njk')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

/** Names captured by block `{% set name %}` in this template: escaped when captured. */
function capturedBlocks(source: string): Set<string> {
  return new Set([...source.matchAll(/{%-?\s*set\s+(\w+)\s*-?%}/g)].map((m) => m[1]));
}

describe('page templates', () => {
  const files = templates(VIEWS);

  it('finds the templates', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('apply | safe only to markup the template captured itself', () => {
    const unsafe: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const allowed = capturedBlocks(source);
      for (const match of source.matchAll(/([^{}|]*?)\|\s*safe\b/g)) {
        const operand = match[1].trim();
        if (!/^\w+$/.test(operand) || !allowed.has(operand)) {
          unsafe.push(`${path.relative(VIEWS, file)}: ${match[0].trim()}`);
        }
      }
    }
    expect(unsafe).toEqual([]);
  });

  it("pass a macro's html: only markup the template captured itself", () => {
    const unsafe: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const allowed = capturedBlocks(source);
      for (const match of source.matchAll(/\bhtml:\s*([^,}]+)/g)) {
        const operand = match[1].trim();
        if (!/^\w+$/.test(operand) || !allowed.has(operand)) {
          unsafe.push(`${path.relative(VIEWS, file)}: ${match[0].trim()}`);
        }
      }
    }
    expect(unsafe).toEqual([]);
  });
});
