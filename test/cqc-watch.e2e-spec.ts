import { CqcWatcher } from '../src/cqc-api/cqc-watcher';
import { FakeCqcApi, fixture, GOOD_KEY, startFakeCqcApi } from './cqc-api-server';
import { buildOrganisation, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

interface Item {
  id: number;
  kind: string;
  status: string;
  subjectId: string;
  oldRating: string | null;
  newRating: string | null;
  reportDate: string | null;
  inspectionDate: string | null;
  cqcUrl: string;
  importUri: string | null;
  summary: string;
}

describe('CQC watch: inbox items from the changes feed, per trust, nothing imported unasked', () => {
  let api: FakeCqcApi;
  let t: TestApp;
  let watcher: CqcWatcher;
  let trustA: { id: number };
  let trustB: { id: number };
  let leadA: Client;
  let leadB: Client;
  let ownerA: Client;
  const FIRST_POLL = new Date('2026-12-02T00:00:00.000Z');

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.dataSource.query<{ n: number | string }[]>(sql, params))[0].n);
  const inbox = async (client: Client, query = ''): Promise<Item[]> => {
    const response = await client.get(`/api/v1/cqc-inbox${query}`).expect(200);
    return response.body.items as Item[];
  };

  beforeAll(async () => {
    api = await startFakeCqcApi();
    // Trust B's provider is known to CQC, with no locations, and unchanged.
    api.bodies.set('/public/v1/providers/RYY/locations?page=1', {
      total: 0,
      page: 1,
      perPage: 1000,
      totalPages: 1,
      nextPageUri: null,
      locations: [],
    });
    t = await createTestApp({ config: { cqcApiUrl: api.baseUrl, cqcApiKey: GOOD_KEY } });
    watcher = t.app.get(CqcWatcher);
    trustA = await buildOrganisation(t.http, {
      name: 'Northfield Community NHS Trust',
      odsCode: 'RZZ',
      cqcProviderId: 'RZZ',
    });
    trustB = await buildOrganisation(t.http, { cqcProviderId: 'RYY' });
    // A trust with no CQC provider id is not watched at all.
    await buildOrganisation(t.http);
    const a = await buildUser(t.http, {
      role: 'quality_lead',
      memberships: [{ organisationId: trustA.id, role: 'quality_lead' }],
    });
    const b = await buildUser(t.http, {
      role: 'quality_lead',
      memberships: [{ organisationId: trustB.id, role: 'quality_lead' }],
    });
    const owner = await buildUser(t.http, {
      role: 'owner',
      memberships: [{ organisationId: trustA.id, role: 'owner' }],
    });
    leadA = await t.as(a);
    leadB = await t.as(b);
    ownerA = await t.as(owner);
  });

  afterAll(async () => {
    await t.close();
    await api.close();
  });

  it('files a new report (old and new rating) and a visit awaiting its report, for that trust only', async () => {
    const summary = await watcher.watchOnce(FIRST_POLL);
    expect(summary).toMatchObject({
      ran: true,
      from: '2026-11-25T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
      trusts: 2,
      changedProviders: 1,
      changedLocations: 3,
      recordsRead: 3,
      created: 3,
      problems: [],
    });
    const changes = api.requests.filter((r) => r.path.startsWith('/public/v1/changes/'));
    expect(changes[0].query.get('startTimestamp')).toBe('2026-11-25T00:00:00Z');
    expect(changes[0].query.get('endTimestamp')).toBe('2026-12-02T00:00:00Z');

    const items = await inbox(leadA);
    const byKind = (kind: string, subject: string) =>
      items.find((i) => i.kind === kind && i.subjectId === subject);
    expect(items).toHaveLength(3);
    expect(byKind('REPORT_PUBLISHED', 'RZZ')).toMatchObject({
      status: 'OPEN',
      oldRating: 'Good',
      newRating: 'Requires improvement',
      reportDate: '2026-11-28',
      cqcUrl: 'https://www.cqc.org.uk/provider/RZZ',
    });
    expect(byKind('REPORT_PUBLISHED', '1-9000000001')).toMatchObject({
      oldRating: 'Good',
      newRating: 'Inadequate',
      summary:
        'Northfield Community Hospital: new report published 2026-11-28; overall rating changed from Good to Inadequate.',
    });
    expect(byKind('REPORT_EXPECTED', '1-9000000002')).toMatchObject({
      inspectionDate: '2026-11-19',
      importUri: null,
    });
    // The other trust's quality lead sees none of it, even by id; an owner has no inbox.
    expect(await inbox(leadB)).toEqual([]);
    await leadB.get(`/api/v1/cqc-inbox/${items[0].id}`).expect(404);
    await ownerA.get('/api/v1/cqc-inbox').expect(403);
    // Nothing was imported.
    expect(await count('SELECT COUNT(*) AS n FROM finding')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM import_record')).toBe(0);
  });

  it('creates no duplicates when polled again, over the same window or the next', async () => {
    const next = await watcher.watchOnce(new Date('2026-12-02T01:00:00.000Z'));
    expect(next).toMatchObject({ from: '2026-12-02T00:00:00.000Z', created: 0 });
    // Forget the watermark: the same window again finds the same news and files none of it twice.
    await t.dataSource.query('DELETE FROM cqc_watch_state');
    const again = await watcher.watchOnce(FIRST_POLL);
    expect(again).toMatchObject({ recordsRead: 3, created: 0 });
    expect(await count('SELECT COUNT(*) AS n FROM cqc_inbox_item')).toBe(3);
  });

  it('previews the import without storing it, and imports only when the person confirms', async () => {
    const item = (await inbox(leadA)).find((i) => i.subjectId === 'RZZ')!;
    await leadB.post(`/api/v1/cqc-inbox/${item.id}/import`).expect(404);
    const preview = await leadA.post(`/api/v1/cqc-inbox/${item.id}/import`).expect(200);
    expect(preview.body.import.dryRun).toBe(true);
    expect(preview.body.import.findings.length).toBeGreaterThan(0);
    expect(preview.body.item.status).toBe('OPEN');
    expect(await count('SELECT COUNT(*) AS n FROM finding')).toBe(0);

    const confirmed = await leadA
      .post(`/api/v1/cqc-inbox/${item.id}/import?dryRun=false`)
      .expect(200);
    expect(confirmed.body.item).toMatchObject({ status: 'IMPORTED', importUri: null });
    expect(confirmed.body.item.importId).toEqual(confirmed.body.import.importId);
    expect(
      await count('SELECT COUNT(*) AS n FROM finding WHERE organisation_id = $1', [trustA.id]),
    ).toBe(preview.body.import.findings.length);
    // Decided once: a second confirmation is refused and imports nothing more.
    await leadA.post(`/api/v1/cqc-inbox/${item.id}/import?dryRun=false`).expect(409);
    expect(await count('SELECT COUNT(*) AS n FROM import_record')).toBe(1);
  });

  it('offers no import for a report not yet published', async () => {
    const expected = (await inbox(leadA)).find((i) => i.kind === 'REPORT_EXPECTED')!;
    const response = await leadA.post(`/api/v1/cqc-inbox/${expected.id}/import`).expect(409);
    expect(response.body.message).toMatch(/no published report yet/);
  });

  it('dismisses an item with a note, in the audit trail, once', async () => {
    const item = (await inbox(leadA)).find((i) => i.subjectId === '1-9000000001')!;
    await leadB.post(`/api/v1/cqc-inbox/${item.id}/dismiss`).send({}).expect(404);
    const bad = await leadA
      .post(`/api/v1/cqc-inbox/${item.id}/dismiss`)
      .send({ note: 'x'.repeat(501) })
      .expect(400);
    expect(JSON.stringify(bad.body.errors)).toMatch(/note/);
    const dismissed = await leadA
      .post(`/api/v1/cqc-inbox/${item.id}/dismiss`)
      .send({ note: 'Already imported from the PDF' })
      .expect(200);
    expect(dismissed.body).toMatchObject({
      status: 'DISMISSED',
      decisionNote: 'Already imported from the PDF',
    });
    await leadA.post(`/api/v1/cqc-inbox/${item.id}/dismiss`).send({}).expect(409);
    const events = await t.dataSource.query<
      { action: string; organisationId: number; summary: string }[]
    >(
      `SELECT action, organisation_id AS "organisationId", summary FROM audit_event
       WHERE entity = 'cqc_inbox_item' AND entity_id = $1 ORDER BY id`,
      [String(item.id)],
    );
    expect(events.map((e) => e.action)).toEqual(['create', 'update']);
    expect(events[1].organisationId).toBe(trustA.id);
    expect(events[1].summary).toMatch(/^Dismissed: /);
    expect((await inbox(leadA, '?status=DISMISSED')).map((i) => i.id)).toEqual([item.id]);
  });

  it('closes "report expected" when the report is published', async () => {
    const location = fixture('location-1-9000000002.json');
    location.reports = [
      {
        linkId: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b',
        reportDate: '2026-12-03',
        firstVisitDate: '2026-11-19',
        reportUri: '/reports/3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b',
        reportType: 'Location',
      },
      ...(location.reports as unknown[]),
    ];
    location.lastReport = { publicationDate: '2026-12-03' };
    location.currentRatings = {
      overall: {
        rating: 'Requires improvement',
        reportDate: '2026-12-03',
        reportLinkId: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b',
      },
    };
    location.historicRatings = [{ reportDate: '2023-03-02', overall: { rating: 'Good' } }];
    api.bodies.set('/public/v1/locations/1-9000000002', location);
    const summary = await watcher.watchOnce(new Date('2026-12-04T00:00:00.000Z'));
    expect(summary.created).toBe(1);
    const open = await inbox(leadA);
    expect(open.find((i) => i.subjectId === '1-9000000002')).toMatchObject({
      kind: 'REPORT_PUBLISHED',
      oldRating: 'Good',
      newRating: 'Requires improvement',
    });
    expect(open.some((i) => i.kind === 'REPORT_EXPECTED')).toBe(false);
    expect((await inbox(leadA, '?status=SUPERSEDED')).map((i) => i.kind)).toEqual([
      'REPORT_EXPECTED',
    ]);
  });

  it("shows the inbox page to that trust's quality lead only, with what changed and the import offered", async () => {
    const page = await leadA.get('/cqc-inbox').expect(200);
    expect(page.text).toContain('New report published');
    expect(page.text).toContain('Northfield Trust Headquarters');
    expect(page.text).toContain('https://www.cqc.org.uk/location/1-9000000002');
    expect(page.text).toMatch(/action="\/cqc-inbox\/\d+\/preview"/);
    expect(page.text).toContain('href="/cqc-inbox"');
    const other = await leadB.get('/cqc-inbox').expect(200);
    expect(other.text).not.toContain('Northfield');
    await ownerA.get('/cqc-inbox').expect(403);
  });

  it('refuses a dismissal note over 500 characters on the page, naming the field', async () => {
    const item = (await inbox(leadA))[0];
    const response = await leadA
      .post(`/cqc-inbox/${item.id}/dismiss`)
      .type('form')
      .send({ note: 'x'.repeat(501) });
    expect(response.status).toBe(400);
    expect(response.text).toContain('note: must be 500 characters or fewer');
    expect((await leadA.get(`/api/v1/cqc-inbox/${item.id}`).expect(200)).body.status).toBe('OPEN');
  });

  it('previews from the page without storing, then imports on confirmation', async () => {
    const item = (await inbox(leadA)).find((i) => i.kind === 'REPORT_PUBLISHED')!;
    const findingsBefore = await count('SELECT COUNT(*) AS n FROM finding');
    const preview = await leadA.post(`/cqc-inbox/${item.id}/preview`).type('form').send({});
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Check the import from CQC');
    expect(preview.text).toContain(`action="/cqc-inbox/${item.id}/import"`);
    expect(await count('SELECT COUNT(*) AS n FROM finding')).toBe(findingsBefore);
    const confirmed = await leadA.post(`/cqc-inbox/${item.id}/import`).type('form').send({});
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe(`/findings?organisationId=${trustA.id}&done=imported`);
    expect((await leadA.get(`/api/v1/cqc-inbox/${item.id}`).expect(200)).body.status).toBe(
      'IMPORTED',
    );
    // Confirmed twice (a double-click): the page says it is done, and nothing more is stored.
    const findingsAfter = await count('SELECT COUNT(*) AS n FROM finding');
    const again = await leadA.post(`/cqc-inbox/${item.id}/import`).type('form').send({});
    expect(again.status).toBe(409);
    expect(again.text).toContain('This inbox item is already imported');
    expect(await count('SELECT COUNT(*) AS n FROM finding')).toBe(findingsAfter);
  });

  it('runs one poll at a time: an overlapping one does nothing', async () => {
    const [first, second] = await Promise.all([
      watcher.watchOnce(new Date('2026-12-04T01:00:00.000Z')),
      watcher.watchOnce(new Date('2026-12-04T01:00:00.000Z')),
    ]);
    expect([first.ran, second.ran].sort()).toEqual([false, true]);
  });

  it("answers 502 with CQC's reason when the import cannot fetch the record", async () => {
    // A news item of trust A, as the watcher files them.
    await t.dataSource.query(
      `INSERT INTO cqc_inbox_item (organisation_id, kind, status, dedupe_key, subject_type,
         subject_id, subject_name, summary, created_at)
       VALUES (${Number(trustA.id)}, 'RATING_CHANGED', 'OPEN', 'provider:RZZ:rating:test',
         'provider', 'RZZ', 'Northfield Community NHS Trust', 'Rating changed',
         '2026-12-04T00:00:00.000Z')`,
    );
    const target = (await inbox(leadA)).find((i) => i.kind === 'RATING_CHANGED')!;
    api.handlers.set('/public/v1/providers/RZZ', (_req, res) => {
      res.writeHead(403);
      res.end();
      return true;
    });
    const response = await leadA.post(`/api/v1/cqc-inbox/${target.id}/import`).expect(502);
    api.handlers.delete('/public/v1/providers/RZZ');
    expect(response.body).toMatchObject({
      code: 'CQC_API_FAILED',
      message: expect.stringMatching(/refused the subscription key \(HTTP 403\)/),
    });
    expect((await leadA.get(`/api/v1/cqc-inbox/${target.id}`).expect(200)).body.status).toBe(
      'OPEN',
    );
  });

  it('imports once when two people confirm at once, and reopens the item when the import fails', async () => {
    await t.dataSource.query(
      `INSERT INTO cqc_inbox_item (organisation_id, kind, status, dedupe_key, subject_type,
         subject_id, subject_name, summary, created_at)
       VALUES (${Number(trustA.id)}, 'RATING_CHANGED', 'OPEN', 'provider:RZZ:rating:twice',
         'provider', 'RZZ', 'Northfield Community NHS Trust', 'Rating changed again',
         '2026-12-05T00:00:00.000Z')`,
    );
    const item = (await inbox(leadA)).find((i) => i.summary === 'Rating changed again')!;

    // CQC answers with something that is not a provider record: the import refuses it (400)
    // after the item was claimed, and the item is open again, with nothing stored.
    const imports = await count('SELECT COUNT(*) AS n FROM import_record');
    api.bodies.set('/public/v1/providers/RZZ', { providerId: 'RZZ' });
    const refused = await leadA.post(`/api/v1/cqc-inbox/${item.id}/import?dryRun=false`);
    api.bodies.set('/public/v1/providers/RZZ', fixture('provider-RZZ.json'));
    expect(refused.status).toBe(400);
    expect((await leadA.get(`/api/v1/cqc-inbox/${item.id}`).expect(200)).body.status).toBe('OPEN');
    expect(await count('SELECT COUNT(*) AS n FROM import_record')).toBe(imports);

    const answers = await Promise.all([
      leadA.post(`/api/v1/cqc-inbox/${item.id}/import?dryRun=false`),
      leadA.post(`/api/v1/cqc-inbox/${item.id}/import?dryRun=false`),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await count('SELECT COUNT(*) AS n FROM import_record')).toBe(imports + 1);
    const stored = (await leadA.get(`/api/v1/cqc-inbox/${item.id}`).expect(200)).body;
    expect(stored.status).toBe('IMPORTED');
    expect(stored.importId).toEqual(expect.any(Number));
  });

  it('keeps the watermark when a poll fails, and says why', async () => {
    const before = await t.dataSource.query('SELECT last_end FROM cqc_watch_state');
    api.handlers.set('/public/v1/changes/provider', (_req, res) => {
      res.writeHead(403);
      res.end();
      return true;
    });
    await expect(watcher.watchOnce(new Date('2026-12-05T00:00:00.000Z'))).rejects.toThrow(
      /refused the subscription key/,
    );
    api.handlers.delete('/public/v1/changes/provider');
    expect(await t.dataSource.query('SELECT last_end FROM cqc_watch_state')).toEqual(before);
  });
});
