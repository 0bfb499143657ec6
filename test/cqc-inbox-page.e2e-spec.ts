/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import {
  accessibilityViolations,
  expectText,
  hasChromium,
  launchChromium,
  screenshot,
  signIn,
} from './browser';
import { FakeCqcApi, fixture, GOOD_KEY, startFakeCqcApi } from './cqc-api-server';
import { describeWithTool } from './external-tools';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';

/**
 * The CQC inbox as the quality lead uses it, in Debian's Chromium on the demo data: items
 * shown with what changed, checked against WCAG 2.2 AA, the import checked then confirmed,
 * an item dismissed with a note.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('CQC inbox page in a browser', () => {
  jest.setTimeout(180_000);

  let api: FakeCqcApi;
  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  let trust: { id: number; name: string; cqc_provider_id: string };

  beforeAll(async () => {
    api = await startFakeCqcApi();
    testApp = await createTestApp({
      demoData: true,
      config: { cqcApiUrl: api.baseUrl, cqcApiKey: GOOD_KEY },
    });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();

    // The demo quality lead's first trust with a CQC provider id, and news for it.
    [trust] = await testApp.dataSource.query<
      { id: number; name: string; cqc_provider_id: string }[]
    >(
      `SELECT o.id, o.name, o.cqc_provider_id FROM organisation o
       JOIN organisation_membership m ON m.organisation_id = o.id
       JOIN app_user u ON u.id = m.user_id
       WHERE u.email = '${QUALITY_LEAD}' AND m.role = 'quality_lead' AND o.cqc_provider_id IS NOT NULL
       ORDER BY o.id`,
    );
    const item = (fields: Record<string, string>) => {
      const row: Record<string, string> = {
        organisation_id: String(trust.id),
        status: 'OPEN',
        subject_type: 'location',
        subject_id: '1-9000000001',
        subject_name: 'Northfield Community Hospital',
        created_at: '2026-12-02T00:00:00.000Z',
        ...fields,
      };
      const names = Object.keys(row);
      return testApp.dataSource.query(
        `INSERT INTO cqc_inbox_item (${names.join(', ')})
         VALUES (${names.map((_, n) => `$${n + 1}`).join(', ')})`,
        names.map((name) => row[name]),
      );
    };
    await item({
      kind: 'REPORT_PUBLISHED',
      dedupe_key: 'page:report',
      summary:
        'Northfield Community Hospital: new report published 2026-11-28; overall rating changed from Good to Inadequate.',
      old_rating: 'Good',
      new_rating: 'Inadequate',
      report_date: '2026-11-28',
      inspection_date: '2026-09-17',
    });
    await item({
      kind: 'REPORT_EXPECTED',
      dedupe_key: 'page:expected',
      summary:
        'Northfield Community Hospital: inspected on 2026-11-19; report expected (not yet published).',
      inspection_date: '2026-11-19',
    });
    // What CQC's API answers for the trust's provider record, when the import fetches it.
    api.bodies.set(`/public/v1/providers/${trust.cqc_provider_id}`, {
      ...fixture('provider-RZZ.json'),
      providerId: trust.cqc_provider_id,
      name: trust.name,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
    await api?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    return context.newPage();
  }

  async function expectAccessible(page: Page, name: string) {
    const violations = await accessibilityViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  }

  it('shows what changed, checks the import, imports on confirmation, dismisses with a note', async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    await page.getByRole('link', { name: 'CQC inbox' }).first().click();
    await page.waitForURL(/\/cqc-inbox$/);
    await expectText(page.locator('h1'), 'CQC inbox');
    await expectText(page.locator('main'), 'overall rating changed from Good to Inadequate');
    await expectText(page.locator('main'), 'report expected (not yet published)');
    await expectAccessible(page, 'cqc-inbox');
    await screenshot(page, 'cqc-inbox');

    await page.getByRole('button', { name: 'Check the import' }).click();
    await expectText(page.locator('h1'), 'Check the import from CQC');
    await expectAccessible(page, 'cqc-inbox-preview');
    await screenshot(page, 'cqc-inbox-preview');
    const findingsBefore = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT COUNT(*) AS n FROM finding WHERE organisation_id = ${Number(trust.id)}`,
    );
    await page.getByRole('button', { name: 'Confirm and import' }).click();
    await page.waitForURL(/\/findings\?organisationId=\d+&done=imported/);
    const findingsAfter = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT COUNT(*) AS n FROM finding WHERE organisation_id = ${Number(trust.id)}`,
    );
    expect(Number(findingsAfter[0].n)).toBeGreaterThan(Number(findingsBefore[0].n));

    await page.goto(`${base}/cqc-inbox`);
    await page.getByLabel('Why dismiss it (optional)').fill('We know: the visit was ours');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.waitForURL(/\/cqc-inbox\?done=inbox-dismissed/);
    await expectText(page.locator('main'), '0 new items');
    await page.goto(`${base}/cqc-inbox?status=DISMISSED`);
    await expectText(page.locator('main'), 'We know: the visit was ours');
    await expectAccessible(page, 'cqc-inbox-dismissed');
  });
});
