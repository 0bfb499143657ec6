/// <reference lib="dom" />
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { User } from '../src/users/user.entity';
import { hasChromium, launchChromium, signIn } from './browser';
import { describeWithTool } from './external-tools';
import {
  addMembership,
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
} from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * Stored markup must reach every page as text. Every text field the pages show holds a
 * `<script>` and an `<img onerror>`; each page is opened in Chromium and checked that no
 * script ran (window.__xss stays unset), that no injected element exists in the DOM (which
 * catches escaping mistakes even where the CSP would have stopped the script), and that the
 * markup is shown as text.
 */
const SCRIPT = '<script>__xss=1</script>'; // 24 characters: fits a 30-character reference
const IMG = '"><img src=x onerror=__xss=1>'; // 29 characters
const BOTH = `${SCRIPT}${IMG}`;
const LONG = `<script>window.__xss=1</script>"><img src=x onerror=window.__xss=1>`;

const QUALITY_LEAD = 'priya.shah@example.nhs.uk';
const ADMIN = 'alex.morgan@example.nhs.uk';

describeWithTool('Chromium (/usr/bin/chromium)', hasChromium)('stored markup on every page', () => {
  jest.setTimeout(300_000);

  let t: TestApp;
  let browser: Browser;
  let base: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();

    const users = t.dataSource.getRepository(User);
    const quality = await users.findOneByOrFail({ email: QUALITY_LEAD });
    const admin = await users.findOneByOrFail({ email: ADMIN });
    // The signed-in people's names are on every page's header.
    for (const user of [quality, admin]) {
      await t.http
        .patch(`/api/v1/users/${user.id}`)
        .send({ name: `${user.name} ${BOTH}` })
        .expect(200);
    }
    const organisation = await buildOrganisation(t.http, { name: `Trust ${LONG}` });
    // Trusts are kept apart: the quality lead, owner and lead all belong to the new trust.
    await addMembership(t.http, quality, organisation, 'quality_lead');
    const inTrust = (role: string) => [{ organisationId: organisation.id, role }];
    const owner = await t.http
      .post('/api/v1/users')
      .send({
        name: `Owner ${BOTH}`,
        email: 'owner.markup@example.nhs.uk',
        role: 'owner',
        memberships: inTrust('owner'),
      })
      .expect(201);
    const lead = await t.http
      .post('/api/v1/users')
      .send({
        name: `Lead ${BOTH}`,
        email: 'lead.markup@example.nhs.uk',
        role: 'executive',
        memberships: inTrust('executive'),
      })
      .expect(201);
    const service = await buildCoreService(t.http, organisation.id, {
      name: `Service ${BOTH}`,
      reinspectionDate: '2030-06-30',
    });
    const finding = await buildFinding(t.http, organisation.id, {
      coreServiceId: service.id,
      reference: SCRIPT,
      text: `Finding ${LONG}`,
    });
    const action = await buildAction(t.http, [finding.id], {
      reference: IMG,
      title: `Title ${LONG}`,
      description: `Description ${LONG}`,
      successMeasure: `Measure ${LONG}`,
      ownerId: owner.body.id,
      executiveLeadId: lead.body.id,
      dueDate: '2030-01-31',
    });
    const base_ = `/api/v1/actions/${action.id}`;
    await t.http
      .post(`${base_}/progress`)
      .send({ note: `Progress ${LONG}`, progress: 20, offTrack: true })
      .expect(201);
    const evidence = await t.http
      .post(`${base_}/evidence`)
      .send({ kind: 'note', title: `Evidence ${BOTH}`, note: `Evidence note ${LONG}` })
      .expect(201);
    await t.http
      .post(`${base_}/evidence`)
      .send({
        kind: 'file',
        title: `File ${BOTH}`,
        fileName: `${IMG}.pdf`,
        fileSha256: 'a'.repeat(64),
        fileSize: 10,
      })
      .expect(201);
    await t.http
      .post(`${base_}/evidence`)
      .send({
        kind: 'link',
        title: `Link ${BOTH}`,
        url: `https://example.org/?q=%22%3E%3Cscript%3E__xss=1%3C/script%3E`,
      })
      .expect(201);
    const current = await t.http.get(base_).expect(200);
    await t.http
      .post(`${base_}/due-date`)
      .send({ dueDate: '2030-03-31', reason: `Reason ${LONG}`, version: current.body.version })
      .expect(200);
    const ownerClient = await t.as({ id: owner.body.id });
    await ownerClient
      .post(`${base_}/due-date-requests`)
      .send({ dueDate: '2030-05-31', reason: `Request ${LONG}` })
      .expect(201);
    Object.assign(ids, {
      organisation: organisation.id,
      service: service.id,
      finding: finding.id,
      action: action.id,
      evidence: evidence.body.id,
      owner: owner.body.id,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Opens the page and checks markup from the data neither ran nor became elements. */
  async function expectInert(page: Page, url: string, mustShowText = true): Promise<void> {
    const response = await page.goto(`${base}${url}`);
    expect({ url, status: response?.status() }).toEqual({ url, status: 200 });
    const found = await page.evaluate(() => ({
      ran: (window as unknown as { __xss?: number }).__xss ?? null,
      injectedImages: document.querySelectorAll('img[src="x"]').length,
      injectedScripts: [...document.querySelectorAll('script')].filter((s) =>
        (s.textContent ?? '').includes('__xss'),
      ).length,
      shownAsText: document.body.innerText.includes('__xss=1'),
    }));
    expect({ url, ...found }).toEqual({
      url,
      ran: null,
      injectedImages: 0,
      injectedScripts: 0,
      shownAsText: mustShowText ? true : found.shownAsText,
    });
  }

  it("shows every stored field as text on the quality lead's pages", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, base, QUALITY_LEAD);
    const o = ids.organisation;
    const a = ids.action;
    for (const url of [
      `/?organisationId=${o}`,
      `/actions?organisationId=${o}`,
      `/actions?organisationId=${o}&q=${encodeURIComponent(SCRIPT)}`,
      `/actions/${a}`,
      `/actions/${a}/progress`,
      `/actions/${a}/evidence`,
      `/actions/${a}/evidence/${ids.evidence}/review`,
      `/actions/${a}/due-date`,
      `/actions/${a}/assign`,
      `/actions/${a}/complete`,
      `/actions/new?findingId=${ids.finding}`,
      `/findings?organisationId=${o}`,
      `/findings?organisationId=${o}&q=${encodeURIComponent(IMG)}`,
      `/core-services/${ids.service}`,
      `/reports?organisationId=${o}`,
      `/import`,
      `/account`,
    ]) {
      await expectInert(page, url);
    }

    // A spreadsheet whose name and cells hold markup, previewed before import.
    await page.goto(`${base}/import`);
    await page.check('input[name=kind][value=plan]');
    await page.setInputFiles('input[type=file][name=file]', {
      name: '<img src=x onerror=__xss=1>.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `Ref,Issue,Action,Lead,Director,Deadline\n"${SCRIPT}","Must ${LONG.replace(/"/g, '""')}","Do ${LONG.replace(/"/g, '""')}",Sam Newperson,Dee Director,31 Dec 2030\n`,
      ),
    });
    await page.selectOption('#organisationId', String(ids.organisation));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('h1');
    const preview = await page.evaluate(() => ({
      ran: (window as unknown as { __xss?: number }).__xss ?? null,
      injected: document.querySelectorAll('img[src="x"]').length,
      shownAsText: document.body.innerText.includes('__xss=1'),
    }));
    expect(preview).toEqual({ ran: null, injected: 0, shownAsText: true });

    // A token named with markup, shown in the account page's list.
    await page.goto(`${base}/account`);
    await page.fill('#name', BOTH);
    await page.getByRole('button', { name: /token/i }).first().click();
    await page.waitForSelector('h1');
    await expectInert(page, '/account');
  });

  it("shows them as text on the admin's pages too", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, base, ADMIN);
    for (const url of [
      '/users',
      `/users/${ids.owner}`,
      '/audit',
      `/audit?subject=${encodeURIComponent(`action:${ids.action}`)}`,
    ]) {
      await expectInert(page, url);
    }
  });

  it('runs no script in the board report download, whose own policy forbids scripts', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, base, QUALITY_LEAD);
    await expectInert(page, `/api/v1/reports/board?organisationId=${ids.organisation}&format=html`);
    const response = await page.goto(
      `${base}/api/v1/reports/board?organisationId=${ids.organisation}&format=html`,
    );
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
  });

  it("sends the app's pages a script policy with a fresh nonce and no 'unsafe-inline'", async () => {
    const first = await t.anonymous.get('/sign-in').expect(200);
    const second = await t.anonymous.get('/sign-in').expect(200);
    const policy = (r: typeof first) => String(r.headers['content-security-policy']);
    const scriptSrc = (r: typeof first) => /script-src ([^;]*)/.exec(policy(r))?.[1] ?? 'missing';
    expect(scriptSrc(first)).not.toContain('unsafe-inline');
    expect(scriptSrc(first)).toMatch(/'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(scriptSrc(first)).not.toEqual(scriptSrc(second));
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc(first))![1];
    expect(first.text).toContain(`nonce="${nonce}"`);
    // Swagger UI, which shows no stored data, keeps its inline scripts.
    const docs = await t.anonymous.get('/api/docs/').redirects(1);
    expect(policy(docs)).toMatch(/script-src [^;]*'unsafe-inline'/);
  });
});
