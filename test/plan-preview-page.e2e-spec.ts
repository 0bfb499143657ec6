/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import {
  accessibilityViolations,
  hasChromium,
  launchChromium,
  screenshot,
  signIn,
} from './browser';
import { describeWithTool } from './external-tools';
import { trustWorkbook } from './plan-workbooks';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';

/**
 * The plan preview as a quality lead sees it in a browser: every row, the problems, no
 * Confirm while rows have problems, the good rows imported on an explicit choice; checked
 * against WCAG 2.2 AA. (TEST_PORT sets the port, otherwise any free one.)
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('plan preview page', () => {
  jest.setTimeout(240_000);
  let testApp: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    testApp = await createTestApp({ demoData: true });
    await testApp.app.listen(Number(process.env.TEST_PORT ?? 0), '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it('shows what each row would store, offers only the good rows, and imports them when chosen', async () => {
    const page = await (
      await browser.newContext({ viewport: { width: 1300, height: 900 } })
    ).newPage();
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/import`);
    await page.getByLabel('An action plan spreadsheet').check();
    await page.setInputFiles('#file', {
      name: 'cqc-improvement-plan.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await trustWorkbook(),
    });
    await page.getByLabel('Create users for owners and leads who are not users yet').check();
    await page.selectOption('#organisationId', { index: 1 });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('h1:has-text("Check the import")');

    expect(await page.getByRole('button', { name: 'Confirm and import' }).count()).toBe(0);
    const importGood = page.getByRole('button', { name: 'Import the 5 good rows' });
    expect(await importGood.count()).toBe(1);
    const body = await page.locator('main').innerText();
    // No Confirm is offered, so the page does not ask the person to confirm.
    expect(body).not.toContain('then confirm');
    expect(body).toContain('Some rows have problems');
    expect(body).toContain('Row 11: Target date: "Ongoing" is not a date');
    expect(body).toContain('Same finding as row 6 (MD1)');
    expect(await page.locator('#sheet').inputValue()).toBe('CQC Action Plan 2025');
    const violations = await accessibilityViolations(page);
    expect(violations).toEqual([]);
    await screenshot(page, 'import-plan-preview');

    await importGood.click();
    await page.waitForURL(/\/actions\?organisationId=\d+&done=imported/);
    const organisationId = Number(new URL(page.url()).searchParams.get('organisationId'));
    const stored = await testApp.dataSource.query(
      `SELECT COUNT(*) AS n FROM action WHERE organisation_id = ${organisationId} AND reference IN ('MD1.1','MD1.2','MD1.3','MD2','SD3')`,
    );
    expect(Number(stored[0].n)).toBe(5);
  });
});
