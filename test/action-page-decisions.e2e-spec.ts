/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
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
} from './browser';
import { describeWithTool } from './external-tools';
import { Client, createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const EXECUTIVE = 'helen.carter@example.nhs.uk';
const OWNER = 'aisha.khan@example.nhs.uk';

/** Words a message for people must never contain (issue 17). */
const DEVELOPER_TEXT = [/undefined/, /must be a string/, /\d{4}-\d{2}-\d{2}/, /\b[a-z]+[A-Z]\w*\b/];

/**
 * The single action's page, as the owner, the executive lead and the quality lead use it:
 * a request for a new due date asked, agreed and refused; the details edited; the action
 * cancelled; Assure offered only when it can succeed. Every new page and its error state is
 * checked by axe.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('action page decisions', () => {
  jest.setTimeout(240_000);

  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  const people: Record<string, { id: number }> = {};

  beforeAll(async () => {
    testApp = await createTestApp({ demoData: true });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    for (const email of [QUALITY_LEAD, EXECUTIVE, OWNER]) {
      const found = await testApp.http.get(`/api/v1/users?q=${encodeURIComponent(email)}`);
      people[email] = found.body.items[0];
    }
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  /** A fresh action owned by Aisha and led by Helen, on a finding of their trust. */
  async function freshAction(overrides: object = {}): Promise<{ id: number }> {
    const theirs = await testApp.http
      .get(`/api/v1/actions?ownerId=${people[OWNER].id}&executiveLeadId=${people[EXECUTIVE].id}`)
      .expect(200);
    const created = await testApp.http
      .post('/api/v1/actions')
      .send({
        findingIds: [theirs.body.items[0].findingIds[0]],
        reference: `T${Math.floor(Math.random() * 1e6)}`,
        title: 'Audit ligature points on every ward',
        ownerId: people[OWNER].id,
        executiveLeadId: people[EXECUTIVE].id,
        dueDate: '2030-01-31',
        ...overrides,
      })
      .expect(201);
    return created.body;
  }

  async function pageAs(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, email);
    return page;
  }

  async function expectAccessible(page: Page, name: string) {
    const violations = await accessibilityViolations(page);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    await screenshot(page, name);
  }

  /** The error summary's messages, checked for developer text. */
  async function errorMessages(page: Page): Promise<string[]> {
    await page.locator('.nhsuk-error-summary').waitFor();
    const messages = await page.locator('.nhsuk-error-summary__list li').allInnerTexts();
    for (const message of messages) {
      for (const pattern of DEVELOPER_TEXT)
        expect({ message, ok: !pattern.test(message) }).toEqual({ message, ok: true });
    }
    return messages;
  }

  async function askForNewDate(owner: Page, actionId: number, day: string, reason: string) {
    await owner.goto(`${base}/actions/${actionId}`);
    await owner.getByRole('button', { name: 'Ask for a new due date' }).click();
    await owner.fill('#dueDate-day', day);
    await owner.fill('#dueDate-month', '12');
    await owner.fill('#dueDate-year', '2030');
    await owner.fill('#reason', reason);
    await owner.getByRole('button', { name: 'Send request' }).click();
    await owner.waitForURL(/done=due-date-requested/);
  }

  it('takes a request for a new due date from the owner to the executive lead, agreed', async () => {
    const action = await freshAction();
    const owner = await pageAs(OWNER);
    await askForNewDate(owner, action.id, '1', 'Estates work delayed by the contractor');
    const body = await owner.locator('main').innerText();
    expect(body).toContain(
      'Your request has been recorded. The executive lead will see it on their home page.',
    );
    expect(body).not.toContain('has been sent');
    expect(body).toContain('Aisha Khan asked on');
    expect(body).toContain('for the due date to move to 1 December 2030');
    expect(body).toContain('Reason: Estates work delayed by the contractor');
    expect(body).toContain('It is waiting for the executive lead to agree or refuse it.');
    await expectAccessible(owner, 'action-request-pending');

    // The executive: the action (1 page load), Agree or refuse (2), Agree and Save (3).
    const executive = await pageAs(EXECUTIVE);
    await executive.goto(`${base}/actions/${action.id}`);
    await executive.getByRole('link', { name: /Agree or refuse/ }).click();
    await expectText(executive.locator('h1'), 'Agree or refuse a new due date');
    const summary = await executive.locator('.nhsuk-summary-list').innerText();
    expect(summary).toContain('31 January 2030');
    expect(summary).toContain('1 December 2030');
    expect(summary).toContain('Estates work delayed by the contractor');
    expect(summary).toContain('Aisha Khan');
    expect(await executive.title()).toMatch(
      /^Agree or refuse a new due date – T\d+ – CQC Action Tracker$/,
    );
    await expectAccessible(executive, 'decide-due-date');

    await executive.getByRole('button', { name: 'Save decision' }).click();
    expect(await errorMessages(executive)).toEqual(['Select whether you agree or refuse']);
    await expectAccessible(executive, 'decide-due-date-errors');
    await executive.check('input[name=decision][value=REJECTED]'); // with no reason
    await executive.getByRole('button', { name: 'Save decision' }).click();
    expect(await errorMessages(executive)).toEqual(['Enter why you are refusing the new due date']);

    await executive.check('input[name=decision][value=APPROVED]');
    await executive.getByRole('button', { name: 'Save decision' }).click();
    await executive.waitForURL(/done=due-date-agreed/);
    const after = await executive.locator('main').innerText();
    expect(after).toContain('1 December 2030 (first committed for 31 January 2030)');
    expect(after).toContain('Agreed by Dr Helen Carter');
    expect(after).not.toContain('Agree or refuse');

    // The owner sees the outcome on the action.
    await owner.goto(`${base}/actions/${action.id}`);
    const seen = await owner.locator('#decided-requests').innerText();
    expect(seen).toContain('1 December 2030, asked for by Aisha Khan');
    expect(seen).toContain('Agreed by Dr Helen Carter');
    await owner.context().close();
    await executive.context().close();
  });

  it('shows a refusal with its reason to the owner, and keeps the date', async () => {
    const action = await freshAction();
    const owner = await pageAs(OWNER);
    await askForNewDate(owner, action.id, '15', 'Waiting for new beds');

    const executive = await pageAs(EXECUTIVE);
    await executive.goto(`${base}/actions/${action.id}`);
    await executive.getByRole('link', { name: /Agree or refuse/ }).click();
    await executive.check('input[name=decision][value=REJECTED]');
    await executive.fill('#note', 'Reason: Use the beds from ward 4 instead');
    await executive.getByRole('button', { name: 'Save decision' }).click();
    await executive.waitForURL(/done=due-date-refused/);

    await owner.goto(`${base}/actions/${action.id}`);
    const seen = await owner.locator('#decided-requests').innerText();
    expect(seen).toContain('15 December 2030');
    expect(seen).toContain('Refused by Dr Helen Carter');
    expect(seen).toContain('Use the beds from ward 4 instead');
    expect(await owner.locator('main').innerText()).toContain('31 January 2030');
    await expectAccessible(owner, 'action-request-refused');

    // A decided request's page says so, and offers no form.
    const requests = await testApp.http.get(`/api/v1/actions/${action.id}/due-date-requests`);
    await executive.goto(`${base}/actions/${action.id}/due-date-requests/${requests.body[0].id}`);
    expect(await executive.locator('main').innerText()).toContain(
      'This request was already refused.',
    );
    expect(await executive.locator('form[method=post] textarea').count()).toBe(0);
    await owner.context().close();
    await executive.context().close();
  });

  it('closes a pending request when the due date is changed directly', async () => {
    const action = await freshAction();
    const owner = await pageAs(OWNER);
    await askForNewDate(owner, action.id, '2', 'Contractor delay');
    const quality = await pageAs(QUALITY_LEAD);
    await quality.goto(`${base}/actions/${action.id}/due-date`);
    await quality.fill('#dueDate-day', '28');
    await quality.fill('#dueDate-month', '2');
    await quality.fill('#dueDate-year', '2030');
    await quality.fill('#reason', 'Agreed at the CQC group');
    await quality.getByRole('button', { name: 'Change due date' }).click();
    await quality.waitForURL(/done=due-date/);
    await owner.goto(`${base}/actions/${action.id}`);
    const seen = await owner.locator('#decided-requests').innerText();
    expect(seen).toContain('Overtaken');
    expect(seen).toContain(
      'The due date was changed to 28 February 2030 before this request was decided.',
    );
    expect(await owner.locator('main').innerText()).not.toContain(
      'It is waiting for the executive lead',
    );
    await owner.context().close();
    await quality.context().close();
  });

  it('lets the quality lead edit the details, with NHS.UK messages', async () => {
    const action = await freshAction();
    const quality = await pageAs(QUALITY_LEAD);
    await quality.goto(`${base}/actions/${action.id}`);
    await quality.getByRole('button', { name: 'Edit details' }).click();
    await expectText(quality.locator('h1'), 'Edit the details');
    expect(await quality.inputValue('#title')).toBe('Audit ligature points on every ward');
    await expectAccessible(quality, 'edit-details');

    await quality.fill('#title', '');
    await quality.fill('#startDate-day', '1');
    await quality.fill('#startDate-month', '3');
    await quality.fill('#startDate-year', '2030');
    await quality.getByRole('button', { name: 'Save details' }).click();
    expect(await errorMessages(quality)).toEqual([
      'Enter what will be done',
      'Enter a start date that is on or before the due date (31 January 2030)',
    ]);
    await expectAccessible(quality, 'edit-details-errors');
    const unchanged = await testApp.dataSource
      .getRepository(Action)
      .findOneByOrFail({ id: action.id });
    expect(unchanged.title).toBe('Audit ligature points on every ward');

    await quality.fill('#title', 'Audit ligature points on every ward, twice a year');
    await quality.fill('#successMeasure', 'Two audits a year, every ward');
    await quality.fill('#startDate-year', '2029');
    await quality.getByRole('button', { name: 'Save details' }).click();
    await quality.waitForURL(/done=details-changed/);
    const page = await quality.locator('main').innerText();
    expect(page).toContain('Audit ligature points on every ward, twice a year');
    expect(page).toContain('Two audits a year, every ward');
    expect(page).toContain('1 March 2029');
    const events = await testApp.dataSource
      .getRepository(AuditEvent)
      .findBy({ subject: `action:${action.id}`, summary: 'Details changed' });
    expect(events).toHaveLength(1);

    // Neither the owner nor the executive is offered the page.
    const owner = await pageAs(OWNER);
    await owner.goto(`${base}/actions/${action.id}`);
    expect(await owner.getByRole('button', { name: 'Edit details' }).count()).toBe(0);
    const refused = await owner.goto(`${base}/actions/${action.id}/details`);
    expect(refused?.status()).toBe(403);
    await owner.context().close();
    await quality.context().close();
  });

  it('lets the quality lead cancel an action with a reason, shown afterwards', async () => {
    const action = await freshAction();
    const owner = await pageAs(OWNER);
    await askForNewDate(owner, action.id, '3', 'Short of staff');
    const quality = await pageAs(QUALITY_LEAD);
    await quality.goto(`${base}/actions/${action.id}`);
    await quality.getByRole('button', { name: 'Cancel this action' }).click();
    await expectText(quality.locator('h1'), 'Cancel this action');
    expect(await quality.locator('main').innerText()).toContain('Cancelling is final');
    await expectAccessible(quality, 'cancel-action');
    await quality.getByRole('button', { name: 'Cancel this action' }).click();
    expect(await errorMessages(quality)).toEqual(['Enter why the action is being cancelled']);
    await expectAccessible(quality, 'cancel-action-errors');

    await quality.fill('#reason', 'Replaced by a trust-wide ligature programme');
    await quality.getByRole('button', { name: 'Cancel this action' }).click();
    await quality.waitForURL(/done=cancelled/);
    const page = await quality.locator('main').innerText();
    expect(page).toContain(
      'This action was cancelled. Reason: Replaced by a trust-wide ligature programme',
    );
    expect(page).toContain('Closed');
    expect(await quality.locator('main .nhsuk-button-group').count()).toBe(0);
    await expectAccessible(quality, 'action-cancelled');
    const stored = await testApp.dataSource
      .getRepository(Action)
      .findOneByOrFail({ id: action.id });
    expect(stored).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'Replaced by a trust-wide ligature programme',
    });
    await owner.context().close();
    await quality.context().close();
  });

  it('offers Assure only once evidence has been accepted, and Review only on others’ evidence', async () => {
    const action = await freshAction();
    const asOwner: Client = await testApp.as(people[OWNER]);
    const asQuality: Client = await testApp.as(people[QUALITY_LEAD]);
    await asOwner
      .post(`/api/v1/actions/${action.id}/evidence`)
      .send({ kind: 'note', title: 'Ward 3 audit', note: 'All points checked' })
      .expect(201);
    await asQuality
      .post(`/api/v1/actions/${action.id}/evidence`)
      .send({ kind: 'note', title: 'Peer visit', note: 'Seen on a visit' })
      .expect(201);
    await asOwner
      .post(`/api/v1/actions/${action.id}/progress`)
      .send({ note: 'Done', status: 'COMPLETED' })
      .expect(201);

    const executive = await pageAs(EXECUTIVE);
    await executive.goto(`${base}/actions/${action.id}`);
    expect(await executive.getByRole('button', { name: 'Assure' }).count()).toBe(0);
    await expectText(
      executive.locator('#cannot-assure'),
      'You can assure this once evidence has been accepted.',
    );

    // The form itself, reached directly, says why instead of offering a form that would fail.
    const early = await executive.goto(`${base}/actions/${action.id}/assure`);
    expect(early?.status()).toBe(403);
    await expectText(
      executive.locator('main'),
      'You can assure this once evidence has been accepted.',
    );
    expect(await executive.locator('form[method=post] textarea').count()).toBe(0);
    await expectAccessible(executive, 'assure-not-yet');

    const quality = await pageAs(QUALITY_LEAD);
    await quality.goto(`${base}/actions/${action.id}`);
    // The owner's evidence can be reviewed; the quality lead's own cannot.
    expect(await quality.getByRole('link', { name: 'Review Ward 3 audit' }).count()).toBe(1);
    expect(await quality.getByRole('link', { name: 'Review Peer visit' }).count()).toBe(0);
    expect(await quality.locator('main').innerText()).toContain(
      'You submitted this, so someone else must review it.',
    );
    await quality.getByRole('link', { name: 'Review Ward 3 audit' }).click();
    await quality.check('input[name=decision][value=ACCEPTED]');
    await quality.fill('#reviewNote', 'Checked on a visit');
    await quality.getByRole('button', { name: 'Save review' }).click();
    await quality.waitForURL(/done=review/);

    await executive.goto(`${base}/actions/${action.id}`);
    expect(await executive.getByRole('button', { name: 'Assure' }).count()).toBe(1);
    expect(await executive.locator('#cannot-assure').count()).toBe(0);
    await expectAccessible(executive, 'action-assurable');
    await executive.context().close();
    await quality.context().close();
  });
});
