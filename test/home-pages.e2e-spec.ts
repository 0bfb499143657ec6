/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import {
  accessibilityViolations,
  hasChromium,
  launchChromium,
  screenshot,
  signIn,
} from './browser';
import { describeWithTool } from './external-tools';
import { buildAction, buildFinding } from './factories';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const EXECUTIVE = 'helen.carter@example.nhs.uk';
const OWNER = 'aisha.khan@example.nhs.uk';
const VIEWER = 'jane.wilson@example.nhs.uk';

/**
 * Home and navigation in a browser, on the demo data: each role's Home with its queues and no
 * axe violations, the overview's first screen, the chosen trust remembered across pages, long
 * words wrapping on a phone, and printing without buttons.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('Home and navigation', () => {
  jest.setTimeout(240_000);

  let t: TestApp;
  let browser: Browser;
  let base: string;
  let trusts: { id: number; name: string }[];

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    trusts = (await t.http.get('/api/v1/organisations?limit=100').expect(200)).body.items;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(width = 1280, height = 800): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    return context.newPage();
  }

  async function expectAccessible(page: Page, name: string) {
    const violations = await accessibilityViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  }

  const queueIds = (page: Page) =>
    page.$$eval('.tracker-queues li', (items) => items.map((li) => li.id));

  it("shows each role's Home with its summary and queues, and no axe violations", async () => {
    const expected: [string, string, string[]][] = [
      [
        QUALITY_LEAD,
        'home-quality-lead',
        [
          'queue-evidence-to-review',
          'queue-due-date-requests',
          'queue-findings-without-action',
          'queue-services-without-date',
        ],
      ],
      [
        EXECUTIVE,
        'home-executive',
        ['queue-awaiting-assurance', 'queue-due-date-requests', 'queue-off-track'],
      ],
      [
        OWNER,
        'home-owner-queues',
        ['queue-my-actions', 'queue-my-overdue', 'queue-evidence-returned'],
      ],
      [VIEWER, 'home-viewer', []],
    ];
    for (const [email, name, queues] of expected) {
      const page = await newPage();
      await signIn(page, base, email);
      await page.goto(`${base}/`);
      expect(await page.locator('#trust-summary').innerText()).toMatch(
        /\d+ of \d+ core services? not ready/,
      );
      expect(await queueIds(page)).toEqual(queues);
      // Each queue's count is the number of rows its link shows.
      for (const id of queues) {
        const link = page.locator(`#${id} a.tracker-queue__link`);
        const count = Number(await link.locator('.tracker-count').innerText());
        const href = (await link.getAttribute('href'))!;
        if (href.startsWith('#')) {
          expect(await page.locator('#services-without-date + ul li').count()).toBe(count);
          continue;
        }
        const list = await newPageAs(page);
        await list.goto(`${base}${href}&limit=100`);
        expect({ id, rows: await list.locator('tbody tr').count() }).toEqual({ id, rows: count });
        await list.close();
      }
      await expectAccessible(page, name);
      await screenshot(page, name);
      await page.context().close();
    }
  });

  /** Another tab in the same browser context (the same session). */
  async function newPageAs(page: Page): Promise<Page> {
    return page.context().newPage();
  }

  it('puts the summary, queues and readiness above the fold of the overview, and caps the exceptions', async () => {
    const page = await newPage(1280, 800);
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/`);
    for (const selector of [
      '#trust-summary',
      '.tracker-queues',
      'h2:has-text("Readiness for reinspection")',
    ]) {
      const box = (await page.locator(selector).first().boundingBox())!;
      expect({ selector, top: box.y < 800 }).toEqual({ selector, top: true });
    }
    expect(
      await page.locator('table:has(caption:has-text("most urgent")) tbody tr').count(),
    ).toBeLessThanOrEqual(10);
    await page.context().close();
  });

  it('takes an executive to the next action awaiting assurance and its form in 3 page loads', async () => {
    const page = await newPage();
    await signIn(page, base, EXECUTIVE);
    // An action she leads in her home trust, completed with accepted evidence, due first.
    await page.goto(`${base}/`);
    const homeName = (await page.locator('h1').innerText()).trim();
    const trust = trusts.find((o) => o.name === homeName)!;
    const finding = await buildFinding(t.http, trust.id);
    const action = await buildAction(t.http, [finding.id], {
      executiveLeadId: await userIdOf(EXECUTIVE),
      dueDate: '2021-02-01',
      reference: 'NEXT-1',
    });
    const evidence = await t.http
      .post(`/api/v1/actions/${action.id}/evidence`)
      .send({ kind: 'note', title: 'Audit', note: 'Ward audit' })
      .expect(201);
    await (
      await t.as({ id: await userIdOf(QUALITY_LEAD) })
    )
      .post(`/api/v1/actions/${action.id}/evidence/${evidence.body.id}/review`)
      .send({ decision: 'ACCEPTED', note: 'Checked' })
      .expect(200);
    await t.http
      .post(`/api/v1/actions/${action.id}/progress`)
      .send({ note: 'Done', progress: 100, status: 'COMPLETED' })
      .expect(201);

    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(`${base}/`);
    const queue = page.locator('#queue-awaiting-assurance');
    const count = Number(await queue.locator('.tracker-count').innerText());
    expect(count).toBeGreaterThan(0);
    await queue.locator('.tracker-queue__next a').click();
    await page.waitForURL(`${base}/actions/${action.id}`);
    await page.getByRole('button', { name: 'Assure' }).click();
    await page.waitForURL(/\/assure$/);
    expect(loads).toBe(3);
    await page.context().close();
  });

  it('remembers the chosen trust across pages for the session, and never shows another trust', async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    await page.goto(`${base}/`);
    const home = (await page.locator('h1').innerText()).trim();
    const other = trusts.find((o) => o.name !== home)!;
    await page.goto(`${base}/?organisationId=${other.id}`);
    expect((await page.locator('h1').innerText()).trim()).toBe(other.name);
    for (const [link, path] of [
      ['Actions', '/actions'],
      ['Findings', '/findings'],
      ['Home', '/'],
    ]) {
      await page
        .locator('.nhsuk-header__navigation')
        .getByRole('link', { name: link, exact: true })
        .click();
      await page.waitForURL((url) => url.pathname === path);
      expect({ path, footer: await page.locator('footer').innerText() }).toEqual({
        path,
        footer: expect.stringContaining(other.name) as unknown,
      });
      expect(await page.content()).toContain(other.name);
    }
    expect(await page.title()).toBe(`Home – ${other.name} – CQC Action Tracker`);
    // A new session starts at the person's home trust again.
    const fresh = await newPage();
    await signIn(fresh, base, QUALITY_LEAD);
    await fresh.goto(`${base}/`);
    expect((await fresh.locator('h1').innerText()).trim()).toBe(home);
    await fresh.context().close();
    await page.context().close();

    // Someone not in a trust who asks for it sees their own, and nothing of the other.
    const owner = await newPage();
    await signIn(owner, base, OWNER);
    await owner.goto(`${base}/`);
    const ownCaption = (await owner.locator('.nhsuk-caption-l').first().innerText()).trim();
    const stranger = trusts.find((o) => o.name !== ownCaption)!;
    const ownerTrusts = (
      await (await t.as({ id: await userIdOf(OWNER) })).get('/api/v1/organisations?limit=100')
    ).body.items as { id: number }[];
    if (!ownerTrusts.some((o) => o.id === stranger.id)) {
      await owner.goto(`${base}/actions?organisationId=${stranger.id}`);
      expect(await owner.content()).not.toContain(stranger.name);
      await owner.goto(`${base}/`);
      expect(await owner.content()).not.toContain(stranger.name);
    }
    await owner.context().close();
  });

  async function userIdOf(email: string): Promise<number> {
    const { body } = await t.http.get(`/api/v1/users?limit=200`).expect(200);
    return (body.items as { id: number; email: string }[]).find((u) => u.email === email)!.id;
  }

  it('wraps a 250-character address and a 300-character unbroken title on a 375-pixel screen', async () => {
    const organisationId = trusts[0].id;
    const finding = await buildFinding(t.http, organisationId);
    const title = 'W'.repeat(300);
    const action = await buildAction(t.http, [finding.id], { title, reference: 'WRAP-1' });
    const url = `https://example.nhs.uk/${'a'.repeat(227)}`;
    expect(url).toHaveLength(250);
    await t.http
      .post(`/api/v1/actions/${action.id}/evidence`)
      .send({ kind: 'link', title: url, url })
      .expect(201);
    const page = await newPage(375, 800);
    await signIn(page, base, QUALITY_LEAD);
    for (const path of [
      `/actions/${action.id}`,
      `/actions?organisationId=${organisationId}&q=WRAP-1`,
      `/?organisationId=${organisationId}`,
    ]) {
      await page.goto(`${base}${path}`);
      expect(await page.content()).toContain(title);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ path, fits: width <= 375, width }).toEqual({ path, fits: true, width });
    }
    await page.goto(`${base}/actions/${action.id}`);
    await expectAccessible(page, 'action-long-words-375');
    await screenshot(page, 'action-long-words-375');
    await page.context().close();
  });

  it('prints an action and a list without buttons, navigation or forms', async () => {
    const page = await newPage();
    await signIn(page, base, QUALITY_LEAD);
    for (const path of ['/actions/4', '/actions?brag=RED', '/']) {
      await page.goto(`${base}${path}`);
      expect(await page.locator('.nhsuk-button:visible').count()).toBeGreaterThan(0);
      await page.emulateMedia({ media: 'print' });
      const visible = await page.evaluate(
        () =>
          [...document.querySelectorAll('button, .nhsuk-button, .nhsuk-header, form')].filter(
            (el) => (el as HTMLElement).offsetParent !== null,
          ).length,
      );
      expect({ path, visible }).toEqual({ path, visible: 0 });
      await page.emulateMedia({ media: 'screen' });
    }
    await page.context().close();
  });
});
