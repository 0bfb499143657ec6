import { buildAction, buildCoreService, buildFinding, buildOrganisation } from './factories';
import { createTestApp, TestApp } from './test-app';

describe('findings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function countFindings(): Promise<number> {
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM finding');
    return Number(n);
  }

  it('stores a MUST finding with its regulations, paragraphs kept, and version 1', async () => {
    const org = await buildOrganisation(t.http);
    const service = await buildCoreService(t.http, org.id);
    const { body } = await t.http
      .post('/api/v1/findings')
      .send({
        organisationId: org.id,
        coreServiceId: service.id,
        type: 'MUST',
        keyQuestion: 'Safe',
        qualityStatement: 'Safe and effective staffing',
        reference: 'MD1',
        regulations: [
          { instrument: 2014, number: '12', paragraph: '(1)(2)(a)' },
          { instrument: 2014, number: '18' },
          { instrument: 2010, number: '22' },
        ],
        text: 'The trust must ensure that training is provided to staff. (Regulation 18)',
      })
      .expect(201);
    expect(body).toMatchObject({
      coreServiceId: service.id,
      type: 'MUST',
      source: 'manual',
      version: 1,
      actionIds: [],
      regulations: [
        { instrument: 2014, number: '12', paragraph: '(1)(2)(a)' },
        { instrument: 2014, number: '18', paragraph: null },
        { instrument: 2010, number: '22', paragraph: null },
      ],
    });
    const stored = await t.http.get(`/api/v1/findings/${body.id}`).expect(200);
    expect(stored.body).toEqual(body);
  });

  it.each([
    [
      { keyQuestion: 'Safty' },
      'keyQuestion',
      'keyQuestion "Safty" is not one of: Safe, Effective, Caring, Responsive, Well-led',
    ],
    [
      { regulations: [{ instrument: 2014, number: '21' }] },
      'regulations[0].number',
      'number "21" is not a regulation of the 2014 regulations',
    ],
    [
      { regulations: [{ instrument: 2009, number: '12' }] },
      'regulations[0].instrument',
      'instrument 2009 is not one of: 2014, 2010',
    ],
    [
      { regulations: [{ instrument: 2014, number: '12', paragraph: '1.2' }] },
      'regulations[0].paragraph',
      'paragraph must look like (1)(2)(a); got "1.2"',
    ],
    [{ type: 'MAYBE' }, 'type', 'type "MAYBE" is not one of: MUST, SHOULD, WARNING_NOTICE, RATING'],
    [
      { qualityStatement: 'Being nice' },
      'qualityStatement',
      expect.stringContaining('qualityStatement "Being nice" is not one of'),
    ],
    [{ type: 'WARNING_NOTICE' }, 'deadline', 'a WARNING_NOTICE finding needs its own deadline'],
    [{ deadline: '2027-01-01' }, 'deadline', 'only a WARNING_NOTICE finding has a deadline'],
    [
      { keyQuestion: 'Caring', qualityStatement: 'Safeguarding' },
      'qualityStatement',
      '"Safeguarding" belongs to Safe, not Caring',
    ],
  ])('refuses %p with 400 naming %s, storing nothing', async (override, field, reason) => {
    const org = await buildOrganisation(t.http);
    const before = await countFindings();
    const { body } = await t.http
      .post('/api/v1/findings')
      .send({ organisationId: org.id, type: 'MUST', text: 'The trust must act.', ...override })
      .expect(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toContainEqual({ field, reason });
    expect(await countFindings()).toBe(before);
  });

  it('accepts a warning notice with its own deadline', async () => {
    const org = await buildOrganisation(t.http);
    const finding = await buildFinding(t.http, org.id, {
      type: 'WARNING_NOTICE',
      deadline: '2022-07-31',
      text: 'Fire safety and ligatures',
    });
    expect(finding).toMatchObject({ type: 'WARNING_NOTICE', deadline: '2022-07-31' });
  });

  it('refuses a core service from another organisation with 422', async () => {
    const org = await buildOrganisation(t.http);
    const foreign = await buildCoreService(t.http, (await buildOrganisation(t.http)).id);
    const { body } = await t.http
      .post('/api/v1/findings')
      .send({ organisationId: org.id, coreServiceId: foreign.id, type: 'MUST', text: 'x' })
      .expect(422);
    expect(body).toMatchObject({ code: 'INVALID_REFERENCE', errors: [{ field: 'coreServiceId' }] });
  });

  it('filters by every list parameter in SQL', async () => {
    const org = await buildOrganisation(t.http);
    const service = await buildCoreService(t.http, org.id);
    const must = await buildFinding(t.http, org.id, {
      coreServiceId: service.id,
      reference: 'MD1',
      text: 'Ligature risks on ward 3',
    });
    const should = await buildFinding(t.http, org.id, {
      type: 'SHOULD',
      keyQuestion: 'Caring',
      reference: 'SD1',
      regulations: [{ instrument: 2014, number: '17', paragraph: '(2)' }],
      text: 'Privacy in the place of safety',
    });
    await buildAction(t.http, [must.id]);
    const ids = async (query: string) =>
      (
        await t.http.get(`/api/v1/findings?organisationId=${org.id}&${query}`).expect(200)
      ).body.items.map((f: { id: number }) => f.id);

    expect(await ids('type=MUST')).toEqual([must.id]);
    expect(await ids('keyQuestion=Caring')).toEqual([should.id]);
    expect(await ids(`coreServiceId=${service.id}`)).toEqual([must.id]);
    expect(await ids('trustWide=true')).toEqual([should.id]);
    expect(await ids('trustWide=false')).toEqual([must.id]);
    expect(await ids('regulation=17')).toEqual([should.id]);
    expect(await ids('regulation=12')).toEqual([must.id]);
    expect(await ids('uncovered=true')).toEqual([should.id]);
    expect(await ids('uncovered=false')).toEqual([must.id]);
    expect(await ids('q=LIGATURE')).toEqual([must.id]);
    expect(await ids('sort=reference&order=desc')).toEqual([should.id, must.id]);
    const page = await t.http
      .get(`/api/v1/findings?organisationId=${org.id}&limit=1&offset=1`)
      .expect(200);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items.map((f: { id: number }) => f.id)).toEqual([should.id]);
    const covered = await t.http.get(`/api/v1/findings/${must.id}`).expect(200);
    expect(covered.body.actionIds).toHaveLength(1);
  });

  it('refuses an unknown query parameter', async () => {
    const { body } = await t.http.get('/api/v1/findings?colour=red').expect(400);
    expect(body.errors).toEqual([{ field: 'colour', reason: 'property colour should not exist' }]);
  });

  it('refuses a stale version, in the body or in If-Match, changing nothing', async () => {
    const org = await buildOrganisation(t.http);
    const finding = await buildFinding(t.http, org.id, { text: 'Original words' });
    const first = await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .send({ text: 'Edited once', version: 1 })
      .expect(200);
    expect(first.body.version).toBe(2);

    const staleBody = await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .send({ text: 'Lost edit', version: 1 })
      .expect(409);
    expect(staleBody.body.code).toBe('VERSION_CONFLICT');
    await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .set('If-Match', '"1"')
      .send({ text: 'Lost edit' })
      .expect(409);
    await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .set('If-Match', 'banana')
      .send({ text: 'Lost edit' })
      .expect(400);

    const after = await t.http.get(`/api/v1/findings/${finding.id}`).expect(200);
    expect(after.body).toMatchObject({ text: 'Edited once', version: 2 });
    await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .set('If-Match', 'W/"2"')
      .send({ text: 'Edited twice' })
      .expect(200);
  });
});
