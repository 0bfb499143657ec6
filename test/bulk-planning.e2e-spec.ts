/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { accessibilityViolations, hasChromium, launchChromium, signIn } from './browser';
import { describeWithTool } from './external-tools';
import { buildFinding, buildOrganisation } from './factories';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';

/**
 * After an import, the quality lead plans many findings at once from the findings list: one
 * action each with a common owner, executive lead and due date, or one action for several;
 * all or nothing. Checked in the browser (with axe) and through the API.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('bulk planning', () => {
  jest.setTimeout(300_000);
  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  let organisationId: number;
  let page: Page;

  beforeAll(async () => {
    testApp = await createTestApp({ demoData: true });
    await testApp.app.listen(Number(process.env.TEST_PORT ?? 0), '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    const [row] = await testApp.dataSource.query(
      `SELECT id FROM organisation WHERE name = 'Leicestershire Partnership NHS Trust'`,
    );
    organisationId = Number(row.id);
    page = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    await signIn(page, base, QUALITY_LEAD);
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  /** Fresh MUST findings, as an import leaves them: no actions yet; `marker` finds them. */
  async function importedFindings(marker: string, count: number) {
    const findings = [];
    for (let i = 1; i <= count; i++) {
      findings.push(
        await buildFinding(testApp.http, organisationId, {
          reference: `${marker}${i}`,
          text: `The trust must ${marker} fix problem ${i}. Staff said so on every ward.`,
        }),
      );
    }
    return findings as { id: number; reference: string }[];
  }

  /** The findings list filtered to those without an action, as Home's queue links to it. */
  async function openList(marker: string) {
    await page.goto(
      `${base}/findings?organisationId=${organisationId}&withoutAction=true&type=MUST&q=${marker}`,
    );
  }

  async function actionCount(): Promise<number> {
    const [row] = await testApp.dataSource.query(`SELECT COUNT(*) AS n FROM action`);
    return Number(row.n);
  }

  async function chooseDateAndPeople() {
    await page.selectOption('#ownerId', { label: 'Tom Evans (tom.evans@example.nhs.uk)' });
    await page.selectOption('#executiveLeadId', {
      label: 'Dr Helen Carter (helen.carter@example.nhs.uk)',
    });
    await page.fill('#dueDate-day', '30');
    await page.fill('#dueDate-month', '6');
    await page.fill('#dueDate-year', '2027');
  }

  it('plans one action each for 5 MUST findings with a common owner, lead and due date', async () => {
    const findings = await importedFindings('EACH', 5);
    await openList('EACH');
    expect(await page.locator('tbody tr').count()).toBe(5);
    expect(await accessibilityViolations(page)).toEqual([]);
    for (const f of findings) await page.getByLabel(`Choose ${f.reference}`).check();
    await page.getByRole('button', { name: 'Plan one action each' }).click();
    await page.waitForSelector('h1:has-text("Plan one action each for 5 findings")');
    // Titles start as each finding's first sentence.
    expect(await page.inputValue(`#title_${findings[0].id}`)).toBe(
      'The trust must EACH fix problem 1.',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill(`#title_${findings[1].id}`, 'Recruit two night nurses for ward 2');
    await chooseDateAndPeople();
    await page.getByRole('button', { name: 'Create 5 actions' }).click();
    await page.waitForURL(/\/findings\?organisationId=\d+&done=planned/);
    expect(await page.locator('main').innerText()).toContain('The actions have been planned.');

    const [owner] = await testApp.dataSource.query(
      `SELECT id FROM app_user WHERE email = 'tom.evans@example.nhs.uk'`,
    );
    const [lead] = await testApp.dataSource.query(
      `SELECT id FROM app_user WHERE email = 'helen.carter@example.nhs.uk'`,
    );
    for (const [i, f] of findings.entries()) {
      const finding = await testApp.http.get(`/api/v1/findings/${f.id}`).expect(200);
      expect(finding.body.actionIds).toHaveLength(1);
      const action = await testApp.http
        .get(`/api/v1/actions/${finding.body.actionIds[0]}`)
        .expect(200);
      expect(action.body).toMatchObject({
        title:
          i === 1
            ? 'Recruit two night nurses for ward 2'
            : `The trust must EACH fix problem ${i + 1}.`,
        dueDate: '2027-06-30',
        findingIds: [f.id],
      });
      expect(action.body.owner.id).toBe(owner.id);
      expect(action.body.executiveLead.id).toBe(lead.id);
      const [audit] = await testApp.dataSource.query(
        `SELECT summary FROM audit_event WHERE entity = 'action' AND entity_id = '${action.body.id}' AND action = 'create'`,
      );
      expect(audit.summary).toMatch(/^Planned together: \d of 5$/);
    }
    // Planned findings leave the "without an action" list.
    await openList('EACH');
    expect(await page.locator('main').innerText()).toContain('No findings match.');
  });

  it('plans one action for 3 findings', async () => {
    const findings = await importedFindings('ONE', 3);
    await openList('ONE');
    for (const f of findings) await page.getByLabel(`Choose ${f.reference}`).check();
    await page.getByRole('button', { name: 'Plan one action for these findings' }).click();
    await page.waitForSelector('h1:has-text("Plan one action for 3 findings")');
    expect(await page.inputValue('#title')).toBe('Act on ONE1, ONE2, ONE3');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#title', 'Fix the three staffing problems together');
    await chooseDateAndPeople();
    const before = await actionCount();
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.waitForURL(/done=planned/);
    expect(await actionCount()).toBe(before + 1);
    const first = await testApp.http.get(`/api/v1/findings/${findings[0].id}`).expect(200);
    const action = await testApp.http.get(`/api/v1/actions/${first.body.actionIds[0]}`).expect(200);
    expect(action.body.title).toBe('Fix the three staffing problems together');
    expect([...action.body.findingIds].sort()).toEqual(findings.map((f) => f.id).sort());
    // Findings that have an action are marked on the list.
    await page.goto(`${base}/findings?organisationId=${organisationId}&q=ONE1`);
    expect(await page.locator('tbody tr').first().innerText()).toContain(
      `Action ${action.body.id}`,
    );
  });

  it('stores nothing when one row is bad', async () => {
    const findings = await importedFindings('BAD', 5);
    await openList('BAD');
    for (const f of findings) await page.getByLabel(`Choose ${f.reference}`).check();
    await page.getByRole('button', { name: 'Plan one action each' }).click();
    await page.waitForSelector('h1:has-text("Plan one action each")');
    await chooseDateAndPeople();
    const before = await actionCount();

    // A row left without a title: the form says which, and nothing is stored.
    await page.fill(`#title_${findings[2].id}`, '');
    await page.getByRole('button', { name: 'Create 5 actions' }).click();
    const summary = await page.locator('.nhsuk-error-summary').innerText();
    expect(summary).toContain('Enter what will be done for BAD3');
    expect(summary).not.toMatch(/undefined|must be a string|title_|\d{4}-\d{2}-\d{2}/);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await actionCount()).toBe(before);

    // A row whose finding is not in the record (the last of six): refused by the service,
    // in one transaction, so the five good rows are not stored either.
    await page.fill(`#title_${findings[2].id}`, 'Audit the ward 3 handovers');
    await page.evaluate(() => {
      const form = document.querySelector('form[action="/findings/plan"]')!;
      for (const [name, value] of [
        ['findingIds', '999999'],
        ['title_999999', 'A finding nobody recorded'],
      ]) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
    });
    await page.getByRole('button', { name: 'Create 5 actions' }).click();
    expect(await page.locator('.nhsuk-error-summary').innerText()).toContain('Nothing was stored');
    expect(await actionCount()).toBe(before);
    for (const f of findings) {
      const finding = await testApp.http.get(`/api/v1/findings/${f.id}`).expect(200);
      expect(finding.body.actionIds).toEqual([]);
    }
  });

  it("does not show or plan another trust's findings", async () => {
    const elsewhere = await buildOrganisation(testApp.http);
    const theirs = await buildFinding(testApp.http, elsewhere.id, { reference: 'THEIRS1' });
    const response = await page.goto(`${base}/findings/plan?mode=each&findingIds=${theirs.id}`);
    expect(response!.status()).toBe(404);
    expect(await page.locator('main').innerText()).not.toContain('THEIRS1');
  });
});
