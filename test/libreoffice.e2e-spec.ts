import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { labelOf } from '../src/common/words';
import { binary } from './downloads';
import { describeWithTool } from './external-tools';
import { createTestApp, TestApp } from './test-app';

/**
 * The XLSX files opened by a second, independent reader: LibreOffice converts them to CSV.
 * LibreOffice is not an npm package, so these run where it is installed (`.ci/run` installs
 * Debian's libreoffice-calc-nogui); on a machine without it they are reported as skipped, and in CI they fail.
 */
const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((candidate) =>
  fs.existsSync(candidate),
);
const describeWithLibreOffice = describeWithTool('LibreOffice (soffice)', SOFFICE !== undefined);

describeWithLibreOffice('XLSX opened by LibreOffice', () => {
  let t: TestApp;
  let organisationId: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lo-test-'));

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * One sheet of a workbook (the first unless named) as CSV rows, converted by LibreOffice with
   * a profile of its own. A sheet number in the CSV filter's options (LibreOffice 7.2 and
   * later) picks the sheet; the file is then named after it.
   */
  function viaLibreOffice(name: string, xlsx: Buffer, sheet?: string): string[][] {
    const file = path.join(dir, `${name}.xlsx`);
    fs.writeFileSync(file, xlsx);
    execFileSync(
      SOFFICE!,
      [
        `-env:UserInstallation=file://${dir}/profile-${name}`,
        '--headless',
        '--convert-to',
        sheet
          ? 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
          : 'csv',
        '--outdir',
        dir,
        file,
      ],
      {
        timeout: 120_000,
        stdio: 'ignore',
      },
    );
    const csv = sheet ? `${name}-${sheet}.csv` : `${name}.csv`;
    const rows: string[][] = parse(fs.readFileSync(path.join(dir, csv)), {
      relax_column_count: true,
    });
    return rows;
  }

  async function download(url: string): Promise<Buffer> {
    return (await t.http.get(url).buffer(true).parse(binary).expect(200)).body as Buffer;
  }

  it('reads the actions export with the same rows, statuses and neutralised formulas', async () => {
    const list = (
      await t.http.get(`/api/v1/actions?organisationId=${organisationId}&limit=500`).expect(200)
    ).body;
    const [header, ...rows] = viaLibreOffice(
      'actions',
      await download(`/api/v1/reports/actions?organisationId=${organisationId}&format=xlsx`),
    );
    expect(header.slice(0, 3)).toEqual(['ID', 'Reference', 'Action']);
    expect(rows).toHaveLength(list.total);
    const status = header.indexOf('Delivery status');
    for (const action of list.items) {
      const row = rows.find((r) => Number(r[0]) === action.id)!;
      expect([row[status], row[header.indexOf('BRAG')]]).toEqual([
        labelOf(action.deliveryStatus),
        labelOf(action.brag),
      ]);
    }
  });

  it('reads the board report workbook with the readiness figures', async () => {
    const readiness = (
      await t.http.get(`/api/v1/readiness?organisationId=${organisationId}`).expect(200)
    ).body;
    const rows = viaLibreOffice(
      'board',
      await download(`/api/v1/reports/board?organisationId=${organisationId}&format=xlsx`),
      'Summary',
    );
    expect(rows[0][0]).toMatch(/^Leicestershire Partnership NHS Trust: .*board/i);
    for (const status of ['OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'COMPLETED', 'ASSURED']) {
      expect({ status, count: rows.find((r) => r[0] === labelOf(status))?.[1] }).toEqual({
        status,
        count: String(readiness.actionsByDeliveryStatus[status]),
      });
    }
  });

  it('reads the CQC return workbook grouped by regulation', async () => {
    const rows = viaLibreOffice(
      'cqc',
      await download(`/api/v1/reports/cqc-return?organisationId=${organisationId}`),
      'CQC action plan',
    );
    expect(rows[4].slice(0, 4)).toEqual([
      'Ref',
      'Core service',
      'Regulation paragraphs',
      'What is not being met',
    ]);
    // A heading row per regulation number, each breach's reference once (MD5, citing 12 and
    // 17, is set out under 12 and cross-referenced under 17).
    const end = rows.findIndex((r) => r[0] === 'Sign-off');
    expect(
      rows
        .slice(5, end)
        .map((r) => r[0])
        .filter(Boolean),
    ).toEqual([
      'Health and Social Care Act 2008 (Regulated Activities) Regulations 2014',
      'Regulation 9: Person-centred care',
      'MD3',
      'Regulation 12: Safe care and treatment',
      'MD1',
      'MD4',
      'MD5',
      'MD6',
      'Regulation 17: Good governance',
      'MD7',
      'MD5',
      'Regulation 18: Staffing',
      'MD2',
    ]);
  });
});
