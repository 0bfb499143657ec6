/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { accessibilityViolations, hasChromium, launchChromium, signIn } from './browser';
import { describeWithTool } from './external-tools';
import { buildCoreService } from './factories';
import { createTestApp, TestApp } from './test-app';

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const OWNER = 'tom.evans@example.nhs.uk';
const ADMIN = 'alex.morgan@example.nhs.uk';

/** Words no message may show: a field's code name, developer text or an ISO date. */
function expectPlainMessages(text: string): void {
  expect(text).not.toMatch(
    /undefined|must be a string|reinspectionDate|coreServiceId|odsCode|\d{4}-\d{2}-\d{2}/,
  );
}

async function errorSummary(page: Page): Promise<string> {
  return page.locator('.nhsuk-error-summary').innerText();
}

/**
 * The steps of the record that used to need the API, as pages: a core service's reinspection
 * date, a new and a renamed core service, new ratings, adding and correcting a finding, and
 * creating a trust; each with its role check, audit event and trust isolation, and no axe
 * violations on the forms or their error states.
 */
describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('record pages', () => {
  jest.setTimeout(240_000);
  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  let organisationId: number;

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
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  async function pageFor(email: string): Promise<Page> {
    const page = await (
      await browser.newContext({ viewport: { width: 1300, height: 900 } })
    ).newPage();
    await signIn(page, base, email);
    return page;
  }

  async function auditCount(entity: string, entityId: number, action: string): Promise<number> {
    const [row] = await testApp.dataSource.query(
      `SELECT COUNT(*) AS n FROM audit_event WHERE entity = '${entity}' AND entity_id = '${entityId}' AND action = '${action}'`,
    );
    return Number(row.n);
  }

  it('adds a core service, sets its reinspection date, renames it and records new ratings', async () => {
    const page = await pageFor(QUALITY_LEAD);
    await page.goto(`${base}/findings?organisationId=${organisationId}`);
    await page.getByRole('link', { name: 'Add a core service' }).click();
    await page.waitForSelector('h1:has-text("Add a core service")');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add core service' }).click();
    expect(await errorSummary(page)).toContain('Enter the name of the core service');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#name', 'Night nursing service');
    await page.getByRole('button', { name: 'Add core service' }).click();
    await page.waitForURL(/\/core-services\/\d+\?done=core-service-added/);
    const serviceId = Number(/core-services\/(\d+)/.exec(page.url())![1]);
    const main = page.locator('main');
    expect(await main.innerText()).toContain('Reinspection: Not known');
    expect(await auditCount('core_service', serviceId, 'create')).toBe(1);

    // The reinspection date: errors first, then saved and shown.
    await page.getByRole('link', { name: 'Set the reinspection date' }).click();
    await page.waitForSelector('h1:has-text("Set the reinspection date")');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#reinspectionDate-day', '1');
    await page.fill('#reinspectionDate-month', '3');
    await page.fill('#reinspectionDate-year', '2027');
    await page.fill('#reinspectionWindowEnd-day', '1');
    await page.fill('#reinspectionWindowEnd-month', '2');
    await page.fill('#reinspectionWindowEnd-year', '2027');
    await page.getByRole('button', { name: 'Save reinspection date' }).click();
    const problems = await errorSummary(page);
    expect(problems).toContain(
      'Enter an end of the window that is on or after the reinspection date',
    );
    expect(problems).toContain('Select whether CQC has confirmed the date');
    expectPlainMessages(problems);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#reinspectionWindowEnd-month', '3');
    await page.fill('#reinspectionWindowEnd-day', '31');
    await page.getByLabel('No, it is our estimate').check();
    await page.getByRole('button', { name: 'Save reinspection date' }).click();
    await page.waitForURL(/\/core-services\/\d+\?done=reinspection-set/);
    const shown = await main.innerText();
    expect(shown).toContain('The reinspection date has been saved.');
    expect(shown).toContain(
      'Reinspection expected around 1 March 2027 (the window ends 31 March 2027)',
    );
    const [stored] = await testApp.dataSource.query(
      `SELECT reinspection_date, reinspection_window_end FROM core_service WHERE id = ${serviceId}`,
    );
    expect(String(stored.reinspection_date).slice(0, 10)).toBe('2027-03-01');
    expect(await auditCount('core_service', serviceId, 'update')).toBe(1);

    // Renamed, and the name already taken by another service of the trust is refused in words.
    const [other] = await testApp.dataSource.query(
      `SELECT name FROM core_service WHERE organisation_id = ${organisationId} AND id <> ${serviceId} LIMIT 1`,
    );
    await page.getByRole('link', { name: /^Rename/ }).click();
    expect(await page.inputValue('#name')).toBe('Night nursing service');
    await page.fill('#name', other.name as string);
    await page.getByRole('button', { name: 'Save name' }).click();
    expect(await errorSummary(page)).toContain(
      'This trust already has a core service with that name',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    // The same name in other letter case is the same name.
    await page.fill('#name', (other.name as string).toUpperCase());
    await page.getByRole('button', { name: 'Save name' }).click();
    expect(await errorSummary(page)).toContain(
      'This trust already has a core service with that name',
    );
    await page.fill('#name', 'Night nursing team');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.waitForURL(/done=core-service-renamed/);
    expect(await page.locator('h1').innerText()).toBe('Night nursing team');

    // New ratings after a reinspection.
    await page.getByRole('link', { name: 'Record new ratings' }).click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save ratings' }).click();
    const ratingProblems = await errorSummary(page);
    expect(ratingProblems).toContain('Select at least one new rating');
    expect(ratingProblems).toContain('Enter the date of the ratings');
    // A rating not yet given would show as current: a day after today is refused.
    await page.fill('#ratedOn-day', '1');
    await page.fill('#ratedOn-month', '1');
    await page.fill('#ratedOn-year', '2030');
    await page.selectOption('#rating_Safe', 'Good');
    await page.getByRole('button', { name: 'Save ratings' }).click();
    const futureProblems = await errorSummary(page);
    expect(futureProblems).toContain('Enter a date that is today or in the past');
    expectPlainMessages(futureProblems);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#ratedOn-day', '12');
    await page.fill('#ratedOn-month', '10');
    await page.fill('#ratedOn-year', '2026');
    await page.selectOption('#rating_Safe', 'Good');
    await page.getByRole('button', { name: 'Save ratings' }).click();
    await page.waitForURL(/done=ratings-recorded/);
    const ratingRow = await page.locator('tr', { hasText: 'Safe' }).first().innerText();
    expect(ratingRow).toContain('Good');
    expect(ratingRow).toContain('12 October 2026');
    await page.context().close();
  });

  it('adds a finding and corrects it with the same form, prefilled', async () => {
    const page = await pageFor(QUALITY_LEAD);
    await page.goto(`${base}/findings?organisationId=${organisationId}`);
    await page.getByRole('link', { name: 'Add a finding' }).click();
    await page.waitForSelector('h1:has-text("Add a finding")');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add finding' }).click();
    let problems = await errorSummary(page);
    expect(problems).toContain('Select the type of finding');
    expect(problems).toContain('Enter what CQC found');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Warning notice').check();
    await page.fill('#text', 'Staffing levels on the night shift were unsafe.');
    await page.getByRole('button', { name: 'Add finding' }).click();
    problems = await errorSummary(page);
    expect(problems).toContain('Enter the deadline of the warning notice');
    expectPlainMessages(problems);

    await page.getByLabel('Must do').check();
    await page.selectOption('#keyQuestion', 'Safe');
    await page.selectOption('#coreServiceId', { index: 1 });
    await page.fill('#reference', 'MD99');
    await page.locator('summary', { hasText: 'Regulations it cites' }).click();
    await page.getByLabel('Regulation 18: Staffing').check();
    await page.getByRole('button', { name: 'Add finding' }).click();
    await page.waitForURL(/\/findings\?organisationId=\d+&done=finding-added/);
    const [finding] = await testApp.dataSource.query(
      `SELECT id, type, text, regulations, version FROM finding WHERE reference = 'MD99' AND organisation_id = ${organisationId}`,
    );
    expect(finding.type).toBe('MUST');
    expect(JSON.parse(finding.regulations as string)).toEqual([
      { instrument: 2014, number: '18', paragraph: null },
    ]);
    expect(await auditCount('finding', finding.id as number, 'create')).toBe(1);

    await page.goto(`${base}/findings?organisationId=${organisationId}&q=MD99`);
    await page.getByRole('link', { name: 'Correct MD99' }).click();
    await page.waitForSelector('h1:has-text("Correct a finding")');
    expect(await page.inputValue('#text')).toBe('Staffing levels on the night shift were unsafe.');
    expect(await page.inputValue('#reference')).toBe('MD99');
    expect(await page.getByLabel('Must do').isChecked()).toBe(true);
    expect(await page.getByLabel('Regulation 18: Staffing').isChecked()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#text', '');
    await page.getByRole('button', { name: 'Save correction' }).click();
    expect(await errorSummary(page)).toContain('Enter what CQC found');
    await page.fill('#text', 'Staffing levels on the night shift were unsafe on wards 1 and 3.');
    await page.getByRole('button', { name: 'Save correction' }).click();
    await page.waitForURL(/done=finding-corrected/);
    const [corrected] = await testApp.dataSource.query(
      `SELECT text, version, regulations FROM finding WHERE id = ${finding.id}`,
    );
    expect(corrected.text).toBe('Staffing levels on the night shift were unsafe on wards 1 and 3.');
    expect(Number(corrected.version)).toBe(2);
    expect(JSON.parse(corrected.regulations as string)).toHaveLength(1);
    expect(await auditCount('finding', finding.id as number, 'update')).toBe(1);
    await page.context().close();
  });

  it('lets an admin create a trust, whose record other trusts cannot reach', async () => {
    const page = await pageFor(ADMIN);
    await page.goto(`${base}/users`);
    await page.getByRole('button', { name: 'Create a trust' }).click();
    await page.waitForSelector('h1:has-text("Create a trust")');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#odsCode', 'r!');
    await page.getByRole('button', { name: 'Create trust' }).click();
    const problems = await errorSummary(page);
    expect(problems).toContain("Enter the trust's name");
    expect(problems).toContain('Enter an ODS code of 3 to 10 letters or digits');
    expect(problems).toContain('Select the kind of trust');
    expectPlainMessages(problems);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#name', 'Rutland Community NHS Trust');
    await page.fill('#odsCode', 'rx9');
    await page.getByLabel('Community health').check();
    await page.getByRole('button', { name: 'Create trust' }).click();
    await page.waitForURL(/\/\?organisationId=\d+&done=trust-created/);
    const trustId = Number(new URL(page.url()).searchParams.get('organisationId'));
    const [trust] = await testApp.dataSource.query(
      `SELECT name, ods_code FROM organisation WHERE id = ${trustId}`,
    );
    expect(trust).toEqual({ name: 'Rutland Community NHS Trust', ods_code: 'RX9' });
    expect(await auditCount('organisation', trustId, 'create')).toBe(1);
    await page.context().close();

    // The quality lead is no member of the new trust: its service and its trust are not found.
    const service = await buildCoreService(testApp.http, trustId);
    const lead = await pageFor(QUALITY_LEAD);
    for (const path of [
      `/core-services/${service.id}/reinspection`,
      `/core-services/${service.id}/rename`,
      `/core-services/${service.id}/ratings`,
      `/trusts/${trustId}/core-services/new`,
    ]) {
      expect([path, (await lead.goto(`${base}${path}`))!.status()]).toEqual([path, 404]);
    }
    await lead.context().close();
  });

  it('refuses a rating dated after today on the API too, naming the field', async () => {
    const service = await buildCoreService(testApp.http, organisationId);
    const refused = await testApp.http
      .post(`/api/v1/core-services/${service.id}/ratings`)
      .send({ ratings: [{ scope: 'Safe', rating: 'Good', ratedOn: '2030-01-01' }] })
      .expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'ratings[0].ratedOn', reason: 'Enter a date that is today or in the past' },
    ]);
    const after = await testApp.http.get(`/api/v1/core-services/${service.id}`).expect(200);
    expect(after.body.ratings.Safe).toBeNull();
  });

  it('refuses a core service name already used in other letter case, on add and rename', async () => {
    const path = '/api/v1/core-services';
    const first = await testApp.http
      .post(path)
      .send({ organisationId, name: 'Hilltop respite unit' })
      .expect(201);
    const again = await testApp.http
      .post(path)
      .send({ organisationId, name: 'HILLTOP Respite Unit' })
      .expect(409);
    expect(again.body.errors).toEqual([
      { field: 'name', reason: 'already exists for this organisation' },
    ]);
    const second = await testApp.http
      .post(path)
      .send({ organisationId, name: 'Valley respite unit' })
      .expect(201);
    await testApp.http
      .patch(`${path}/${second.body.id}`)
      .send({ name: 'hilltop respite unit' })
      .expect(409);
    // Its own name in other letter case is no clash.
    const own = await testApp.http
      .patch(`${path}/${first.body.id}`)
      .send({ name: 'Hilltop Respite Unit' })
      .expect(200);
    expect(own.body.name).toBe('Hilltop Respite Unit');
  });

  it('refuses the record pages to roles the API refuses, and changes nothing', async () => {
    const [service] = await testApp.dataSource.query(
      `SELECT id, name FROM core_service WHERE organisation_id = ${organisationId} LIMIT 1`,
    );
    const [finding] = await testApp.dataSource.query(
      `SELECT id FROM finding WHERE organisation_id = ${organisationId} LIMIT 1`,
    );
    const owner = await pageFor(OWNER);
    for (const path of [
      `/core-services/${service.id}/reinspection`,
      `/core-services/${service.id}/rename`,
      `/core-services/${service.id}/ratings`,
      `/trusts/${organisationId}/core-services/new`,
      `/findings/new?organisationId=${organisationId}`,
      `/findings/${finding.id}/edit`,
      `/findings/plan?findingIds=${finding.id}`,
      '/trusts/new',
    ]) {
      expect([path, (await owner.goto(`${base}${path}`))!.status()]).toEqual([path, 403]);
    }
    // The owner's own session and token: the post is refused by role, not for a missing token.
    await owner.goto(`${base}/`);
    const signOut = await owner.locator('form[action*="_csrf"]').first().getAttribute('action');
    const csrf = new URL(signOut!, base).searchParams.get('_csrf')!;
    const renamed = await owner.request.post(`${base}/core-services/${service.id}/rename`, {
      form: { _csrf: csrf, name: 'Taken over' },
    });
    expect(renamed.status()).toBe(403);
    await owner.context().close();

    const lead = await pageFor(QUALITY_LEAD);
    expect((await lead.goto(`${base}/trusts/new`))!.status()).toBe(403);
    await lead.goto(`${base}/`);
    const leadSignOut = await lead.locator('form[action*="_csrf"]').first().getAttribute('action');
    const leadCsrf = new URL(leadSignOut!, base).searchParams.get('_csrf')!;
    const trust = await lead.request.post(`${base}/trusts`, {
      form: { _csrf: leadCsrf, name: 'Not allowed', kind: 'acute' },
    });
    expect(trust.status()).toBe(403);
    await lead.context().close();

    const [after] = await testApp.dataSource.query(
      `SELECT name FROM core_service WHERE id = ${service.id}`,
    );
    expect(after.name).toBe(service.name);
    const [trusts] = await testApp.dataSource.query(
      `SELECT COUNT(*) AS n FROM organisation WHERE name = 'Not allowed'`,
    );
    expect(Number(trusts.n)).toBe(0);
  });
});
