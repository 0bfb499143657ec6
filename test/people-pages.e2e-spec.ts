/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { Action } from '../src/actions/action.entity';
import {
  accessibilityViolations,
  expectText,
  hasChromium,
  launchChromium,
  signIn,
} from './browser';
import { describeWithTool } from './external-tools';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';

/**
 * The person pickers in a browser, on the demo data: without JavaScript the search page
 * returns to the form with the person chosen; with it the select becomes a type-ahead
 * combobox; and a quality lead reassigns a leaver's actions. Every page and error state is
 * checked by axe.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('people pages in a browser', () => {
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

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      javaScriptEnabled,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  async function expectAccessible(page: Page, name: string) {
    const violations = await accessibilityViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  }

  it('without JavaScript, the search page returns to the assign form with the person chosen', async () => {
    const page = await newPage(false);
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/actions/4/assign`);
    await page.getByRole('link', { name: /Search for an owner by name or email/ }).click();
    await page.waitForURL(/\/people\/search\?/);
    await expectText(page.locator('h1'), 'Choose an owner');
    await page.fill('#q', 'khan');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.locator('#results-heading'), 'khan');
    // (axe runs in the page's JavaScript, so the search page is checked in the next test.)
    const choice = page.getByRole('link', { name: /^Choose Aisha Khan/ });
    const href = (await choice.getAttribute('href'))!;
    const ownerId = /ownerId=(\d+)/.exec(href)![1];
    await choice.click();
    await page.waitForURL(/\/actions\/4\/assign\?ownerId=\d+/);
    expect(await page.locator('#ownerId').inputValue()).toBe(ownerId);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/actions\/4\?done=assigned/);
    const action = await testApp.dataSource.getRepository(Action).findOneByOrFail({ id: 4 });
    expect(action.ownerId).toBe(Number(ownerId));
    await page.context().close();
  });

  it('with JavaScript, the select becomes a type-ahead that selects a person', async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/actions/4/assign`);
    await page.getByRole('link', { name: /Search for an executive lead/ }).click();
    await page.fill('#q', 'carter');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.locator('#results-heading'), 'carter');
    await expectAccessible(page, 'people-search');
    await page.goto(`${base}/actions/4/assign`);
    const combobox = page.getByRole('combobox', { name: 'Owner' });
    await combobox.waitFor();
    await combobox.fill('');
    await combobox.pressSequentially('priya');
    const listbox = page.locator('#ownerId__listbox');
    await listbox.waitFor();
    expect(await combobox.getAttribute('aria-expanded')).toBe('true');
    const options = await listbox.getByRole('option').allInnerTexts();
    expect(options.length).toBeGreaterThan(0);
    expect(options.every((o) => o.toLowerCase().includes('priya'))).toBe(true);
    await expectAccessible(page, 'assign-autocomplete-open');
    await combobox.press('ArrowDown');
    await combobox.press('Enter');
    expect(await combobox.getAttribute('aria-expanded')).toBe('false');
    expect(await combobox.inputValue()).toBe(options[0]);
    const chosen = await page.locator('#ownerId-select').inputValue();
    expect(chosen).not.toBe('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/actions\/4\?done=assigned/);
    const action = await testApp.dataSource.getRepository(Action).findOneByOrFail({ id: 4 });
    expect(action.ownerId).toBe(Number(chosen));
    await page.context().close();
  });

  it("reassigns a leaver's open actions from the People page", async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/people`);
    await expectText(page.locator('h1'), 'People');
    await expectAccessible(page, 'people');
    await page.getByRole('link', { name: /Reassign Aisha Khan's actions/ }).click();
    await page.waitForURL(/\/people\/\d+\/reassign\?organisationId=\d+/);
    const leaverId = Number(/\/people\/(\d+)\//.exec(page.url())![1]);
    const organisationId = Number(/organisationId=(\d+)/.exec(page.url())![1]);
    await expectText(page.locator('h1'), "Reassign Aisha Khan's actions");
    await expectAccessible(page, 'reassign');
    // Nobody chosen: an error in the NHS.UK style, still accessible.
    await page.getByRole('button', { name: 'Reassign actions' }).click();
    await expectText(page.locator('.nhsuk-error-summary'), 'Select who will own the actions');
    await expectAccessible(page, 'reassign-error');
    const combobox = page.getByRole('combobox', { name: 'New owner' });
    await combobox.fill('');
    await combobox.pressSequentially('helen');
    await page.locator('#toUserId__listbox').getByRole('option').first().click();
    const toUserId = Number(await page.locator('#toUserId-select').inputValue());
    expect(toUserId).toBeGreaterThan(0);
    await page.getByLabel(/Only the \d+ open action/).check();
    await page.getByRole('button', { name: 'Reassign actions' }).click();
    await page.waitForURL(/\/people\?organisationId=\d+&done=reassigned/);
    await expectText(page.locator('body'), 'The actions have been reassigned.');
    const stillOpen = await testApp.dataSource
      .getRepository(Action)
      .createQueryBuilder('a')
      .where('a.ownerId = :leaverId AND a.organisationId = :organisationId', {
        leaverId,
        organisationId,
      })
      .andWhere("a.status IN ('NOT_STARTED', 'IN_PROGRESS')")
      .getCount();
    expect(stillOpen).toBe(0);
    await page.context().close();
  });
});
