import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labelOf } from '../src/common/words';
import { binary } from './downloads';
import { describeWithTool } from './external-tools';
import { createTestApp, TestApp } from './test-app';

/**
 * The PDF reports read by a second, independent reader: poppler's pdftotext. It is not an
 * npm package, so these run where it is installed (`.ci/run` installs Debian's poppler-utils);
 * elsewhere they are reported as skipped, and in CI they fail (pdf.js reads the same PDFs in the other tests).
 */
const PDFTOTEXT = fs.existsSync('/usr/bin/pdftotext') ? '/usr/bin/pdftotext' : undefined;
const describeWithPoppler = describeWithTool('pdftotext (poppler-utils)', PDFTOTEXT !== undefined);

describeWithPoppler('PDF reports read by pdftotext', () => {
  let t: TestApp;
  let organisationId: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdftotext-'));

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function textOf(url: string, name: string): Promise<string> {
    const body = (await t.http.get(url).buffer(true).parse(binary).expect(200)).body as Buffer;
    const file = path.join(dir, `${name}.pdf`);
    fs.writeFileSync(file, body);
    return execFileSync(PDFTOTEXT!, ['-layout', file, '-'], { encoding: 'utf8' });
  }

  it('finds the board report figures the readiness endpoint gives', async () => {
    const readiness = (
      await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)
    ).body;
    const text = await textOf(
      `/api/v1/reports/board?organisationId=${organisationId}&format=pdf`,
      'board',
    );
    expect(text).toContain('Leicestershire Partnership NHS Trust');
    for (const status of [
      'OFF_TRACK',
      'AT_RISK',
      'ON_TRACK',
      'COMPLETED',
      'ASSURED',
      'CANCELLED',
    ]) {
      expect({
        status,
        // The status in words ("Off track"), as every report writes it.
        count: new RegExp(`^${labelOf(status)}\\s+(\\d+)\\s*$`, 'm').exec(text)?.[1],
      }).toEqual({
        status,
        count: String(readiness.actionsByDeliveryStatus[status]),
      });
    }
    expect(text).toMatch(/Page 1 of \d/);
  });

  it('finds every regulation heading of the CQC return', async () => {
    const text = await textOf(
      `/api/v1/reports/cqc-return?organisationId=${organisationId}&format=pdf`,
      'cqc',
    );
    for (const heading of [
      'Regulation 9: Person-centred care',
      'Regulation 12: Safe care and treatment',
      'Regulation 18: Staffing',
    ])
      expect(text).toContain(heading);
    // One section per regulation number: paragraphs are listed with the breach, not as headings.
    expect(text).not.toContain('Regulation 18(1): Staffing');
  });
});
