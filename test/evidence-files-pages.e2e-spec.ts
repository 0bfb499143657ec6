import { createHash } from 'node:crypto';
import request from 'supertest';
import { binary } from './downloads';
import { buildAction, buildPlan } from './factories';
import { createTestApp, TestApp } from './test-app';

const PASSWORD = 'Kestrel-harbour-lantern-42';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF',
  'latin1',
);

/** The action page's evidence form, as an owner uses it: a document uploaded, then downloaded. */
describe('evidence documents on the pages (issue 20)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function signedInOwner() {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
    await t.http.patch(`/api/v1/users/${plan.owner.id}`).send({ password: PASSWORD }).expect(200);
    const agent = request.agent(t.app.getHttpServer() as Parameters<typeof request.agent>[0]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email: plan.owner.email, password: PASSWORD, returnTo: '/' })
      .expect(303);
    const form = await agent.get(`/actions/${action.id}/evidence`).expect(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    expect(form.text).toContain('type="file"');
    const csrf = /_csrf(?:" value="|=)([^"&]+)/.exec(form.text)![1];
    return { plan, action, agent, csrf };
  }

  it('uploads a document from the evidence form, with an expiry date, and downloads it byte for byte', async () => {
    const { action, agent, csrf } = await signedInOwner();
    await agent
      .post(`/actions/${action.id}/evidence?_csrf=${csrf}`)
      .field('kind', 'file')
      .field('title', 'Hand hygiene audit')
      .field('expiryDate[day]', '31')
      .field('expiryDate[month]', '12')
      .field('expiryDate[year]', '2099')
      .attach('file', pdf, 'hand hygiene.pdf')
      .expect(303)
      .expect('Location', `/actions/${action.id}?done=evidence`);
    const [item] = (await t.http.get(`/api/v1/actions/${action.id}/evidence`).expect(200)).body;
    expect(item).toMatchObject({
      kind: 'file',
      title: 'Hand hygiene audit',
      fileName: 'hand hygiene.pdf',
      fileMediaType: 'application/pdf',
      fileSha256: sha256(pdf),
      expiryDate: '2099-12-31',
      expired: false,
    });
    const page = await agent.get(`/actions/${action.id}`).expect(200);
    expect(page.text).toContain(`href="/api/v1/evidence/${item.id}/file"`);
    expect(page.text).toContain('Valid until 31 December 2099');
    expect(page.text).toContain(sha256(pdf));
    // The page's link works with the session cookie, and gives back the same bytes.
    const download = await agent
      .get(`/api/v1/evidence/${item.id}/file`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);
    expect(download.headers['content-disposition']).toContain(
      "filename*=UTF-8''hand%20hygiene.pdf",
    );
  });

  it('shows the form again, naming the file, for a type not allowed; and keeps nothing', async () => {
    const { action, agent, csrf } = await signedInOwner();
    const refused = await agent
      .post(`/actions/${action.id}/evidence?_csrf=${csrf}`)
      .field('kind', 'file')
      .field('title', 'Not a document')
      .attach('file', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]), 'audit.pdf')
      .expect(415);
    expect(refused.text).toContain('Windows program');
    expect(refused.text).toContain('value="Not a document"');
    const missing = await agent
      .post(`/actions/${action.id}/evidence?_csrf=${csrf}`)
      .field('kind', 'file')
      .field('title', 'No file chosen')
      .expect(400);
    expect(missing.text).toContain('href="#file"');
    expect((await t.http.get(`/api/v1/actions/${action.id}/evidence`).expect(200)).body).toEqual(
      [],
    );
  });

  it('still adds a link from the same form, with its dates', async () => {
    const { action, agent, csrf } = await signedInOwner();
    await agent
      .post(`/actions/${action.id}/evidence?_csrf=${csrf}`)
      .field('kind', 'link')
      .field('title', 'Intranet audit')
      .field('url', 'https://intranet.example.nhs.uk/audit')
      .field('effectiveDate[day]', '1')
      .field('effectiveDate[month]', '2')
      .field('effectiveDate[year]', '2026')
      .expect(303);
    const [item] = (await t.http.get(`/api/v1/actions/${action.id}/evidence`).expect(200)).body;
    expect(item).toMatchObject({ kind: 'link', effectiveDate: '2026-02-01', fileUrl: null });
  });
});
