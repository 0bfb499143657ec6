/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { Action } from '../src/actions/action.entity';
import { AuditEvent } from '../src/audit/audit-event.entity';
import {
  accessibilityViolations,
  expectText,
  hasChromium,
  launchChromium,
  screenshot,
  signIn,
  signOut,
} from './browser';
import { createTestApp, TestApp } from './test-app';
import { describeWithTool } from './external-tools';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const EXECUTIVE = 'helen.carter@example.nhs.uk';
const OWNER = 'aisha.khan@example.nhs.uk';
const ADMIN = 'alex.morgan@example.nhs.uk';
const REPORT = path.join(__dirname, 'fixtures', 'report-community-trust.txt');

/**
 * The pages as people use them: Debian's Chromium driving the real app on a real database,
 * with every page checked against WCAG 2.2 AA by axe-core. Screenshots go to a temporary
 * folder; `npm run screenshots` writes them to docs/images/pages instead.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('pages in a browser', () => {
  // A real browser on a 2-core machine: each walk through the pages takes tens of seconds.
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

  async function newPage(width = 1100): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    return context.newPage();
  }

  async function expectAccessible(page: Page, name: string) {
    const violations = await accessibilityViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  }

  it('renders every main page for its users with no WCAG 2.2 AA violations', async () => {
    const visits: [string, string, string][] = [
      ['', '/sign-in', 'sign-in'],
      [QUALITY_LEAD, '/', 'home-trust'],
      [QUALITY_LEAD, '/actions', 'actions'],
      [QUALITY_LEAD, '/actions?brag=RED&sort=updatedAt&order=desc', 'actions-filtered'],
      [QUALITY_LEAD, '/actions/4', 'action'],
      [QUALITY_LEAD, '/actions/4/progress', 'form-progress'],
      [QUALITY_LEAD, '/actions/4/evidence', 'form-evidence'],
      [QUALITY_LEAD, '/actions/4/due-date', 'form-due-date'],
      [QUALITY_LEAD, '/actions/4/assign', 'form-assign'],
      [QUALITY_LEAD, '/actions/new?findingId=1', 'action-new'],
      [QUALITY_LEAD, '/findings', 'findings'],
      [QUALITY_LEAD, '/core-services/1', 'core-service'],
      [QUALITY_LEAD, '/import', 'import'],
      [QUALITY_LEAD, '/reports', 'reports'],
      [QUALITY_LEAD, '/reports/issued', 'issued-reports'],
      [QUALITY_LEAD, '/account', 'account'],
      [QUALITY_LEAD, '/no-such-page', 'not-found'],
      [OWNER, '/', 'home-owner'],
      [ADMIN, '/users', 'users'],
      [ADMIN, '/users/new', 'user-new'],
      [ADMIN, '/audit', 'audit'],
    ];
    let signedInAs = '';
    const page = await newPage();
    for (const [email, url, name] of visits) {
      if (email !== signedInAs) {
        if (signedInAs) {
          await page.goto(`${base}/account`);
          await signOut(page);
        }
        if (email) await signIn(page, base, email);
        signedInAs = email;
      }
      const response = await page.goto(`${base}${url}`);
      expect({ name, status: response?.status() }).toEqual({
        name,
        status: name === 'not-found' ? 404 : 200,
      });
      await expectAccessible(page, name);
      await screenshot(page, name);
    }
  });

  it('shows form errors the NHS.UK way, accessibly, and stores nothing', async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    const before = await testApp.dataSource.getRepository(Action).findOneByOrFail({ id: 4 });
    await page.goto(`${base}/actions/4/progress`);
    await page.fill('#progress', '140');
    await page.getByRole('button', { name: 'Post update' }).click();
    await expectText(page.locator('.nhsuk-error-summary'), 'There is a problem');
    await expectText(page.locator('#note-error'), 'Enter what has happened since the last update');
    await expectText(
      page.locator('#progress-error'),
      'Progress must be a whole number from 0 to 100',
    );
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'form-errors');
    await screenshot(page, 'form-errors');

    await page.goto(`${base}/actions/4/due-date`);
    await page.fill('#dueDate-day', '31');
    await page.fill('#dueDate-month', '2');
    await page.fill('#dueDate-year', '2027');
    await page.fill('#reason', 'Contractor delay');
    await page.getByRole('button', { name: 'Change due date' }).click();
    await expectText(page.locator('#dueDate-error'), 'must be a real date');

    const after = await testApp.dataSource.getRepository(Action).findOneByOrFail({ id: 4 });
    expect(after.version).toBe(before.version);
  });

  it('takes a report from import to a blue action in the board report', async () => {
    const page = await newPage();

    // The quality lead imports a report, checks the preview and confirms it.
    await signIn(page, base, QUALITY_LEAD);
    await page.getByRole('link', { name: 'Import' }).click();
    await page.check('input[name=kind][value=report]');
    await page.setInputFiles('input[type=file][name=file]', REPORT);
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expectText(page.locator('h1'), 'Check the import');
    await expectText(page.locator('main'), 'Northbrook Community Health NHS Trust');
    await expectAccessible(page, 'import-preview');
    await screenshot(page, 'import-preview');
    await page.getByRole('button', { name: 'Confirm and import' }).click();
    await page.waitForURL(/\/findings\?organisationId=\d+&done=imported/);
    const organisationId = Number(new URL(page.url()).searchParams.get('organisationId'));
    await expectText(page.locator('.nhsuk-notification-banner'), 'stored');
    // The new trust's people: an admin puts the owner and the executive lead in it.
    const people = (await testApp.http.get('/api/v1/users?limit=100').expect(200)).body.items as {
      id: number;
      name: string;
    }[];
    for (const [name, role] of [
      ['Aisha Khan', 'owner'],
      ['Dr Helen Carter', 'executive'],
    ]) {
      await testApp.http
        .post(`/api/v1/users/${people.find((p) => p.name === name)!.id}/memberships`)
        .send({ organisationId, role })
        .expect(201);
    }

    // ...plans an action for a MUST finding and assigns it.
    const mustRow = page
      .locator('tr', { has: page.locator('.nhsuk-tag', { hasText: /^\s*Must\s*$/ }) })
      .first();
    await mustRow.getByRole('link', { name: /Plan an action/ }).click();
    await page.fill('#title', 'Check resuscitation equipment daily on every ward');
    await page.fill('#reference', 'NB-01');
    await page.selectOption('#ownerId', { label: 'Aisha Khan (aisha.khan@example.nhs.uk)' });
    await page.selectOption('#executiveLeadId', {
      label: 'Dr Helen Carter (helen.carter@example.nhs.uk)',
    });
    await page.fill('#dueDate-day', '31');
    await page.fill('#dueDate-month', '3');
    await page.fill('#dueDate-year', '2027');
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.waitForURL(/\/actions\/\d+\?done=created/);
    const actionId = Number(/\/actions\/(\d+)/.exec(page.url())![1]);
    await signOut(page);

    // The owner sees it on Home (Home shows her home trust and says where else she has open
    // actions), posts progress and evidence, and completes it.
    await signIn(page, base, OWNER);
    await page
      .locator('#open-elsewhere')
      .getByRole('link', { name: /Northbrook/ })
      .click();
    await page.getByRole('link', { name: /NB-01/ }).first().click();
    await page.getByRole('button', { name: 'Post an update' }).click();
    await page.fill('#note', 'Checklists printed and on every resuscitation trolley');
    await page.fill('#progress', '60');
    await page.getByRole('button', { name: 'Post update' }).click();
    await expectText(page.locator('.nhsuk-notification-banner'), 'posted');
    await page.getByRole('button', { name: 'Add evidence' }).click();
    await page.fill('#title', 'Resuscitation check audit, December');
    await page.check('input[name=kind][value=link]');
    await page.fill('#url', 'https://intranet.example.nhs.uk/audits/resus-december');
    await page.getByRole('button', { name: 'Add evidence' }).click();
    await expectText(page.locator('.nhsuk-notification-banner'), 'evidence');
    await page.getByRole('button', { name: 'Mark as complete' }).click();
    await page.fill('#note', 'Daily checks embedded; audit shows 100% for four weeks');
    await page.getByRole('button', { name: 'Mark as complete' }).click();
    await expectText(page.locator('main'), 'Completed');

    // The owner is not offered assurance, and a forged form post is refused and recorded.
    expect(await page.getByRole('button', { name: 'Assure' }).count()).toBe(0);
    // Her own session's token, from the header's sign-out form: only her role stands in the way.
    const signOutAction = await page
      .locator('form.nhsuk-header__account-form')
      .getAttribute('action');
    const csrf = new URL(signOutAction!, base).searchParams.get('_csrf');
    const forged = await page.request.post(`${base}/actions/${actionId}/assure`, {
      form: { _csrf: csrf!, note: 'Assured by myself' },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('You cannot do that');
    const stillCompleted = await testApp.dataSource.getRepository(Action).findOneByOrFail({
      id: actionId,
    });
    expect(stillCompleted.status).toBe('COMPLETED');
    const refusals = await testApp.dataSource
      .getRepository(AuditEvent)
      .findBy({ action: 'refused' });
    expect(refusals.some((e) => e.summary?.includes(`/actions/${actionId}/assure`))).toBe(true);
    await signOut(page);

    // The quality lead accepts the evidence; the executive lead assures the action.
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/actions/${actionId}`);
    await page.getByRole('link', { name: /Review/ }).click();
    await page.check('input[name=decision][value=ACCEPTED]');
    await page.fill('#reviewNote', 'Audit checked against the trolley logs on ward 2');
    await page.getByRole('button', { name: 'Save review' }).click();
    await expectText(page.locator('main'), 'Accepted');
    await signOut(page);
    await signIn(page, base, EXECUTIVE);
    await page.goto(`${base}/actions/${actionId}`);
    await page.getByRole('button', { name: 'Assure' }).click();
    await page.fill('#note', 'Assured at Quality Committee');
    await page.getByRole('button', { name: 'Assure action' }).click();
    await expectText(page.locator('.nhsuk-notification-banner'), 'assured');
    await expectText(page.locator('main'), 'Assured · Blue');

    // The board report now counts it blue.
    await page.goto(`${base}/?organisationId=${organisationId}`);
    const blue = page.locator('.tracker-counts li', { hasText: 'Blue' }).locator('.tracker-count');
    expect(await blue.textContent()).toBe('1');
    const board = await page.request.get(
      `${base}/api/v1/reports/board?organisationId=${organisationId}&format=html`,
    );
    expect(board.status()).toBe(200);
    const html = await board.text();
    expect(html).toContain('Check resuscitation equipment daily on every ward');
    // BRAG columns in the one order, red first and blue last, labelled in words.
    expect(
      /Blue<\/strong><\/th><th scope="col">Total<\/th><\/tr><\/thead><tbody>\s*<tr>(?:<td class="n">\d+<\/td>){3}<td class="n">(\d+)<\/td>/.exec(
        html,
      )?.[1],
    ).toBe('1');
  });

  it('refuses a signed-in form post without its CSRF token', async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    const before = await testApp.dataSource.getRepository(Action).findOneByOrFail({ id: 4 });
    const forged = await page.request.post(`${base}/actions/4/progress`, {
      form: { note: 'From another site', progress: '99' },
    });
    expect(forged.status()).toBe(403);
    const after = await testApp.dataSource.getRepository(Action).findOneByOrFail({ id: 4 });
    expect(after.version).toBe(before.version);
  });

  it('can be used by keyboard alone and fits a 375-pixel screen', async () => {
    const page = await newPage(375);
    await page.goto(`${base}/sign-in`);
    await page.keyboard.press('Tab');
    await expectText(page.locator(':focus'), 'Skip to main content');
    await page.keyboard.press('Enter');
    // From the skip link, Tab reaches the email field, then the password.
    for (let tries = 0; tries < 5; tries++) {
      if ((await page.evaluate(() => document.activeElement?.id)) === 'email') break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type(OWNER);
    await page.keyboard.press('Tab');
    await page.keyboard.type('cqc-tracker-demo-2026');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/`);
    await expectText(page.locator('h1'), 'My actions');
    for (const url of ['/', '/actions/4', '/actions']) {
      await page.goto(`${base}${url}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect({ url, overflow }).toEqual({ url, overflow: 0 });
    }
    await page.goto(`${base}/`);
    await screenshot(page, 'home-owner-375');
    await page.goto(`${base}/actions/4`);
    await screenshot(page, 'action-375');
  });
});
