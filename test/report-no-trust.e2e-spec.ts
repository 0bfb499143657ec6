import { buildOrganisation, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

/** A core service page's excerpt: findings, and no NHS trust named anywhere. */
const excerpt = [
  'Maternity',
  'During an inspection of Maternity services we found:',
  'We rated it as requires improvement because:',
  '• The service did not always have enough midwives to keep women safe.',
  '• Not all staff had completed mandatory training in key skills.',
  'However:',
  '• Staff treated women with compassion and kindness.',
  'Action the trust MUST take to improve',
  '• The trust must ensure that staffing levels meet the needs of women. (Regulation 18)',
].join('\n');

describe('a report that names no NHS trust', () => {
  let t: TestApp;
  let quality: Client;
  let mine: { id: number; name: string };
  let theirs: { id: number; name: string };
  const findingsOf = async (organisationId: number) =>
    (await t.http.get(`/api/v1/findings?organisationId=${organisationId}&limit=50`).expect(200))
      .body.items as { type: string; text: string; sourceLine: number | null }[];

  beforeAll(async () => {
    t = await createTestApp();
    mine = await buildOrganisation(t.http, { name: 'Mine NHS Trust' });
    theirs = await buildOrganisation(t.http, { name: 'Theirs NHS Trust' });
    const user = await buildUser(t.http, {
      role: 'quality_lead',
      memberships: [{ organisationId: mine.id, role: 'quality_lead' }],
    });
    quality = await t.as(user);
  });
  afterAll(() => t.close());

  it('is previewed with its findings and says an organisation must be chosen', async () => {
    const preview = await quality
      .post('/api/v1/imports/report?dryRun=true')
      .send({ text: excerpt })
      .expect(200);
    expect(preview.body.organisationRequired).toBe(true);
    expect(preview.body.organisation).toEqual({ name: null, id: null });
    expect(
      preview.body.findings.map((f: { type: string; coreService: string }) => [
        f.type,
        f.coreService,
      ]),
    ).toEqual([
      ['RATING', 'Maternity'],
      ['RATING', 'Maternity'],
      ['MUST', 'Maternity'],
    ]);
    expect(preview.body.warnings[0].message).toContain('organisationId');
    expect(await findingsOf(mine.id)).toEqual([]);
  });

  it('is refused with 422 naming organisationId when committed without one', async () => {
    const refused = await quality
      .post('/api/v1/imports/report')
      .send({ text: excerpt })
      .expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'organisationId' })]);
    expect(await findingsOf(mine.id)).toEqual([]);
  });

  it('may not be imported into a trust the person does not belong to', async () => {
    const refused = await quality
      .post(`/api/v1/imports/report?organisationId=${theirs.id}`)
      .send({ text: excerpt });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'organisationId' })]);
    expect(await findingsOf(theirs.id)).toEqual([]);
  });

  it('is imported into the trust chosen through the API', async () => {
    const committed = await quality
      .post(`/api/v1/imports/report?organisationId=${mine.id}`)
      .send({ text: excerpt })
      .expect(200);
    expect(committed.body.organisationRequired).toBe(false);
    expect(committed.body.organisation.id).toBe(mine.id);
    const stored = await findingsOf(mine.id);
    expect(stored.map((f) => f.type).sort()).toEqual(['MUST', 'RATING', 'RATING']);
  });

  it('in the pages: the preview offers only the person’s trusts, and confirming needs one', async () => {
    const file = Buffer.from(
      `${excerpt.replace(/• /g, '• Again: ')}\nOutstanding practice\n• Ensure that the birth centre stays open.`,
      'utf8',
    );
    const preview = await quality
      .post('/import')
      .field('kind', 'report')
      .field('conflict', 'stop')
      .attach('file', file, 'excerpt.txt')
      .expect(200);
    expect(preview.text).toContain('Which trust is this report for?');
    expect(preview.text).toContain('The service did not always have enough midwives');
    // What the parser could not place is shown with its page and line.
    expect(preview.text).toContain('Page 1, line 11: Reads like an action');
    expect(preview.text).toContain(`<option value="${mine.id}"`);
    expect(preview.text).not.toContain(`<option value="${theirs.id}"`);
    const id = Number(/action="\/import\/(\d+)\/confirm"/.exec(preview.text)![1]);

    const unchosen = await quality.post(`/import/${id}/confirm`).type('form').send({}).expect(422);
    expect(unchosen.text).toContain('select the trust it is for');
    const before = (await findingsOf(mine.id)).length;

    await quality
      .post(`/import/${id}/confirm`)
      .type('form')
      .send({ organisationId: String(mine.id) })
      .expect(303);
    const after = await findingsOf(mine.id);
    expect(after.length).toBe(before + 3);
    expect(after.some((f) => f.text.startsWith('Again: '))).toBe(true);
  });

  it('in the pages: a trust where the person only views is not offered, and choosing it keeps the upload', async () => {
    const mixed = await t.as(
      await buildUser(t.http, {
        role: 'quality_lead',
        memberships: [
          { organisationId: mine.id, role: 'quality_lead' },
          { organisationId: theirs.id, role: 'viewer' },
        ],
      }),
    );
    const file = Buffer.from(excerpt.replace(/• /g, '• Mixed: '), 'utf8');
    const preview = await mixed
      .post('/import')
      .field('kind', 'report')
      .field('conflict', 'stop')
      .attach('file', file, 'excerpt.txt')
      .expect(200);
    expect(preview.text).toContain(`<option value="${mine.id}"`);
    expect(preview.text).not.toContain(`<option value="${theirs.id}"`);
    const id = Number(/action="\/import\/(\d+)\/confirm"/.exec(preview.text)![1]);

    const tampered = await mixed
      .post(`/import/${id}/confirm`)
      .type('form')
      .send({ organisationId: String(theirs.id) })
      .expect(422);
    expect(tampered.text).toContain('only into a trust where you are a quality lead');
    expect((await findingsOf(theirs.id)).some((f) => f.text.startsWith('Mixed: '))).toBe(false);
    // The upload was not used up by the refusal: choosing the right trust imports it.
    await mixed
      .post(`/import/${id}/confirm`)
      .type('form')
      .send({ organisationId: String(mine.id) })
      .expect(303);
    expect((await findingsOf(mine.id)).some((f) => f.text.startsWith('Mixed: '))).toBe(true);
  });

  it('warns when the report names another trust than the one chosen by id', async () => {
    const text = `Derbyshire Community Health Services NHS Foundation Trust\n${excerpt}`;
    const preview = await quality
      .post(`/api/v1/imports/report?dryRun=true&organisationId=${mine.id}`)
      .send({ text })
      .expect(200);
    expect(preview.body.organisation).toEqual({ id: mine.id, name: mine.name });
    expect(preview.body.warnings[0].message).toBe(
      `The report names Derbyshire Community Health Services NHS Foundation Trust, but it is imported into ${mine.name} (organisationId ${mine.id}); check that this is the right trust`,
    );
    // Its own name, written another way, is no cause for a warning.
    const own = await quality
      .post(`/api/v1/imports/report?dryRun=true&organisationId=${mine.id}`)
      .send({ text: `The Mine NHS Foundation Trust\n${excerpt}` })
      .expect(200);
    expect(own.body.warnings.map((w: { message: string }) => w.message).join()).not.toMatch(
      /The report names/,
    );
  });

  it('keeps the quality statement and published score of an assessment page finding', async () => {
    const page = [
      'Maternity',
      'Safe',
      'Safe and effective staffing',
      'Score: 1',
      'There were not enough midwives on most night shifts.',
      'Safeguarding',
      'Score: 3',
      'Staff knew how to protect women from abuse.',
    ].join('\n');
    const committed = await quality
      .post(`/api/v1/imports/report?organisationId=${mine.id}`)
      .send({ text: page })
      .expect(200);
    expect(
      committed.body.findings.map((f: { qualityStatement: string; score: number }) => [
        f.qualityStatement,
        f.score,
      ]),
    ).toEqual([['Safe and effective staffing', 1]]);
    const stored = (
      await t.http
        .get(`/api/v1/findings?organisationId=${mine.id}&type=RATING&limit=50`)
        .expect(200)
    ).body.items as {
      qualityStatement: string | null;
      score: number | null;
      keyQuestion: string;
    }[];
    expect(stored.filter((f) => f.score !== null)).toEqual([
      expect.objectContaining({
        qualityStatement: 'Safe and effective staffing',
        score: 1,
        keyQuestion: 'Safe',
      }),
    ]);
  });
});
