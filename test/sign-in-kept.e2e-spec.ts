import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import {
  accessibilityViolations,
  DEMO_PASSWORD,
  expectText,
  hasChromium,
  launchChromium,
  screenshot,
} from './browser';
import { describeWithTool } from './external-tools';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const UPDATE = 'Ward 3 audit booked for 9 December; training dates sent to all three wards';

/** A form sent after the session ended keeps what was typed, and comes back after sign-in. */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('signed out mid-form', () => {
  jest.setTimeout(240_000);
  let testApp: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    testApp = await createTestApp({ demoData: true });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  async function expectAccessible(page: Page, name: string) {
    expect({ page: name, violations: await accessibilityViolations(page) }).toEqual({
      page: name,
      violations: [],
    });
  }

  async function signInHere(page: Page) {
    await page.fill('#email', QUALITY_LEAD);
    await page.fill('#password', DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  }

  it('keeps an update typed before the session ended, and posts it once sent again', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await signInHere(page);

    await page.goto(`${base}/actions/4/progress`);
    await page.fill('#note', UPDATE);
    await page.fill('#progress', '40');
    // The session ends (expired, or cleared) while the form is open.
    const others = (await context.cookies()).filter((c) => c.name !== 'tracker_session');
    await context.clearCookies();
    await context.addCookies(others);
    await page.getByRole('button', { name: 'Post update' }).click();

    await page.waitForURL(/\/sign-in\?returnTo=%2Factions%2F4%2Fprogress$/);
    await expectText(page.locator('main'), 'You were signed out');
    expect(page.url()).not.toContain('Ward');
    await expectAccessible(page, 'sign-in-kept');
    await screenshot(page, 'sign-in-kept');

    await signInHere(page);
    expect(new URL(page.url()).pathname).toBe('/actions/4/progress');
    await expectText(page.locator('main'), 'You were signed out');
    expect(await page.inputValue('#note')).toBe(UPDATE);
    expect(await page.inputValue('#progress')).toBe('40');
    await expectAccessible(page, 'form-kept');
    await screenshot(page, 'form-kept');

    // Nothing was sent on its own: the person sends it.
    const before = await page.request.get(`${base}/actions/4`);
    expect(await before.text()).not.toContain(UPDATE);
    await page.getByRole('button', { name: 'Post update' }).click();
    await page.waitForURL(/\/actions\/4\?done=progress/);
    await expectText(page.locator('main'), UPDATE);

    // Shown once: opening the form again starts empty.
    await page.goto(`${base}/actions/4/progress`);
    expect(await page.inputValue('#note')).toBe('');
    await context.close();
  });
});
