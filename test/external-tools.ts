/**
 * Some tests need a program that is not an npm package: Debian's Chromium, LibreOffice or
 * poppler's pdftotext. On a developer's laptop without it, `npm test` reports those tests as
 * skipped so the README's test command needs only Node. In CI (`CI=true`, set by `.ci/run`,
 * which installs them) a missing program is a failure: a skipped suite must never pass for a
 * tested one.
 */
export function describeWithTool(
  tool: string,
  available: boolean,
): (name: string, body: () => void) => void {
  if (available) return describe;
  if (process.env.CI === 'true') {
    return (name: string) =>
      describe(name, () => {
        it(`needs ${tool}, which CI must install (.ci/run)`, () => {
          throw new Error(`${tool} is not installed; CI=true does not allow skipping "${name}"`);
        });
      });
  }
  return describe.skip;
}
