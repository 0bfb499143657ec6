/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { ActionComment } from '../src/actions/action-comment.entity';
import { Action } from '../src/actions/action.entity';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { Finding } from '../src/findings/finding.entity';
import { User } from '../src/users/user.entity';
import {
  accessibilityViolations,
  expectText,
  hasChromium,
  launchChromium,
  screenshot,
  signIn,
  signOut,
} from './browser';
import { describeWithTool } from './external-tools';
import { buildAction, buildFinding, buildOrganisation } from './factories';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const EXECUTIVE = 'helen.carter@example.nhs.uk';
const OWNER = 'aisha.khan@example.nhs.uk';
/** The demo board member: a viewer in every demo trust. */
const VIEWER = 'jane.wilson@example.nhs.uk';

/** Issue 17: the conversation on an action and the "Link to findings" page, in Chromium, checked by axe. */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)(
  'an action’s conversation and links',
  () => {
    jest.setTimeout(240_000);

    let testApp: TestApp;
    let browser: Browser;
    let base: string;
    let action: Action;

    beforeAll(async () => {
      testApp = await createTestApp({ demoData: true });
      await testApp.app.listen(0, '127.0.0.1');
      const { port } = testApp.app.getHttpServer().address() as AddressInfo;
      base = `http://127.0.0.1:${port}`;
      browser = await launchChromium();
      // An action Aisha Khan owns, led by Dr Helen Carter (the admin assigns the lead if need be).
      const users = testApp.dataSource.getRepository(User);
      const owner = await users.findOneByOrFail({ email: OWNER });
      const executive = await users.findOneByOrFail({ email: EXECUTIVE });
      action = await testApp.dataSource
        .getRepository(Action)
        .findOneOrFail({ where: { ownerId: owner.id }, order: { id: 'ASC' } });
      if (action.executiveLeadId !== executive.id) {
        await testApp.http
          .post(`/api/v1/actions/${action.id}/assign`)
          .send({ executiveLeadId: executive.id })
          .expect(200);
      }
    });

    afterAll(async () => {
      await browser?.close();
      await testApp?.close();
    });

    async function newPage(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      return context.newPage();
    }

    async function expectAccessible(page: Page, name: string) {
      const violations = await accessibilityViolations(page);
      expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    }

    it('lets the owner post a comment that the executive lead then reads, shown as text', async () => {
      const page = await newPage();
      await signIn(page, base, OWNER);
      await page.goto(`${base}/actions/${action.id}`);
      await expectText(page.locator('#conversation'), 'Conversation');
      await expectAccessible(page, 'action-with-conversation');

      // Empty: the NHS.UK error, on the comment page of its own; nothing stored.
      await page.getByRole('button', { name: 'Add comment' }).click();
      await expectText(page.locator('.nhsuk-error-summary'), 'Enter your comment');
      await expectText(page.locator('#comment-error'), 'Enter your comment');
      expect(await page.title()).toMatch(/^Error: Add a comment on /);
      await expectAccessible(page, 'comment-error');
      await screenshot(page, 'comment-error');
      expect(
        await testApp.dataSource.getRepository(ActionComment).countBy({ actionId: action.id }),
      ).toBe(0);

      // Markup typed into a comment is shown as the characters typed.
      const typed = 'Ward 3 audit attached <b>not bold</b> <img src=x onerror=alert(1)>';
      await page.fill('#comment', typed);
      await page.getByRole('button', { name: 'Add comment' }).click();
      await page.waitForURL(/\/actions\/\d+\?done=comment/);
      await expectText(page.locator('.nhsuk-notification-banner'), 'Your comment has been added');
      await expectText(page.locator('#conversation + ol'), typed);
      expect(await page.locator('#conversation + ol b, #conversation + ol img').count()).toBe(0);
      await signOut(page);

      await signIn(page, base, EXECUTIVE);
      await page.goto(`${base}/actions/${action.id}`);
      await expectText(page.locator('#conversation + ol'), 'Aisha Khan');
      await expectText(page.locator('#conversation + ol'), 'Ward 3 audit attached');
      await page.fill('#comment', 'Please add the ward 3 audit from November too');
      await page.getByRole('button', { name: 'Add comment' }).click();
      await page.waitForURL(/done=comment/);
      const items = await page.locator('#conversation + ol > li').allInnerTexts();
      expect(items).toHaveLength(2);
      expect(items[0]).toContain('Ward 3 audit attached');
      expect(items[1]).toContain('Dr Helen Carter');
      expect(items[1]).toContain('Please add the ward 3 audit from November too');
      await expectAccessible(page, 'action-conversation-two');
      await screenshot(page, 'action-conversation');
    });

    it('offers a viewer no comment form, and refuses a forged one', async () => {
      const page = await newPage();
      await signIn(page, base, VIEWER);
      await page.goto(`${base}/actions/${action.id}`);
      await expectText(page.locator('main'), 'can add comments');
      expect(await page.locator('#comment').count()).toBe(0);
      expect(await page.getByRole('link', { name: /Link to findings/ }).count()).toBe(0);
      const response = await page.goto(`${base}/actions/${action.id}/comments`);
      expect(response?.status()).toBe(403);
    });

    it('links the action to several findings and back, as the quality lead', async () => {
      const page = await newPage();
      await signIn(page, base, QUALITY_LEAD);
      await page.goto(`${base}/actions/${action.id}`);
      await page.getByRole('link', { name: /Link to findings/ }).click();
      await page.waitForURL(/\/findings$/);
      await expectText(page.locator('h1'), 'Link to findings');
      await expectAccessible(page, 'action-links');
      await screenshot(page, 'action-links');

      const before = await linkedIds(action.id);
      const boxes = page.locator('input[name=findingIds]');
      const checked = await page.locator('input[name=findingIds]:checked').count();
      expect(checked).toBe(before.length);
      expect(await page.locator('main').innerText()).toMatch(/Must do|Should do/);

      // None ticked: the NHS.UK error, linking to the first checkbox; nothing changes.
      for (const box of await page.locator('input[name=findingIds]:checked').all())
        await box.uncheck();
      await page.getByRole('button', { name: 'Save links' }).click();
      await expectText(page.locator('.nhsuk-error-summary'), 'Select at least one finding');
      expect(await page.locator('.nhsuk-error-summary a').getAttribute('href')).toBe('#findingIds');
      expect(await page.locator('#findingIds').count()).toBe(1);
      await expectAccessible(page, 'action-links-error');
      await screenshot(page, 'action-links-error');
      expect(await linkedIds(action.id)).toEqual(before);

      // Tick two other findings as well as the current ones.
      const values = await boxes.evaluateAll((inputs) =>
        inputs.map((input) => Number((input as HTMLInputElement).value)),
      );
      const extra = values.filter((v) => !before.includes(v)).slice(0, 2);
      expect(extra).toHaveLength(2);
      for (const id of [...before, ...extra])
        await page.check(`input[name=findingIds][value="${id}"]`);
      await page.getByRole('button', { name: 'Save links' }).click();
      await page.waitForURL(/done=linked/);
      await expectText(page.locator('.nhsuk-notification-banner'), 'saved');
      expect(await linkedIds(action.id)).toEqual([...before, ...extra].sort((a, b) => a - b));
      const event = await testApp.dataSource.getRepository(AuditEvent).findOne({
        where: { subject: `action:${action.id}`, entity: 'action' },
        order: { id: 'DESC' },
      });
      expect(event?.changes).toContain('findingIds');

      // ...and back to the one it had.
      await page.getByRole('link', { name: /Link to findings/ }).click();
      for (const id of extra) await page.uncheck(`input[name=findingIds][value="${id}"]`);
      await page.getByRole('button', { name: 'Save links' }).click();
      await page.waitForURL(/done=linked/);
      expect(await linkedIds(action.id)).toEqual(before);
    });

    it("refuses another trust's finding sent in a forged form", async () => {
      const page = await newPage();
      await signIn(page, base, QUALITY_LEAD);
      await page.goto(`${base}/actions/${action.id}/findings`);
      const foreign = await testApp.dataSource
        .getRepository(Finding)
        .createQueryBuilder('f')
        .where('f.organisation_id <> :org', { org: action.organisationId })
        .getOneOrFail();
      const before = await linkedIds(action.id);
      const status = await page.evaluate(async (findingId) => {
        const form = document.querySelector('form[action$="/findings"]') as HTMLFormElement;
        const data = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
        data.append('findingIds', String(findingId));
        const response = await fetch(form.action, { method: 'POST', body: data });
        return response.status;
      }, foreign.id);
      expect(status).toBe(400);
      expect(await linkedIds(action.id)).toEqual(before);

      // A trust she is not in: its action is not found, its finding refused.
      const hidden = await buildOrganisation(testApp.http);
      const hiddenFinding = await buildFinding(testApp.http, hidden.id);
      const hiddenAction = await buildAction(testApp.http, [hiddenFinding.id]);
      const notFound = await page.goto(`${base}/actions/${hiddenAction.id}/findings`);
      expect(notFound?.status()).toBe(404);
      expect(await page.locator('main').innerText()).not.toContain(hiddenAction.title);
      await page.goto(`${base}/actions/${action.id}/findings`);
      const refused = await page.evaluate(async (findingId) => {
        const form = document.querySelector('form[action$="/findings"]') as HTMLFormElement;
        const data = new URLSearchParams();
        data.append('_csrf', (form.elements.namedItem('_csrf') as HTMLInputElement).value);
        data.append('findingIds', String(findingId));
        return (await fetch(form.action, { method: 'POST', body: data })).status;
      }, hiddenFinding.id);
      expect(refused).toBe(400);
      expect(await linkedIds(action.id)).toEqual(before);
      expect(await linkedIds(hiddenAction.id)).toEqual([hiddenFinding.id]);
    });

    it('offers "Link to findings" to the quality lead only', async () => {
      const page = await newPage();
      await signIn(page, base, OWNER);
      await page.goto(`${base}/actions/${action.id}`);
      expect(await page.getByRole('link', { name: /Link to findings/ }).count()).toBe(0);
      const response = await page.goto(`${base}/actions/${action.id}/findings`);
      expect(response?.status()).toBe(403);
    });

    async function linkedIds(actionId: number): Promise<number[]> {
      const rows: { finding_id: number }[] = await testApp.dataSource.query(
        'SELECT finding_id FROM action_finding WHERE action_id = $1 ORDER BY finding_id',
        [actionId],
      );
      return rows.map((r) => Number(r.finding_id));
    }
  },
);
