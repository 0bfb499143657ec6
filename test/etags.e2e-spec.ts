import { buildAction, buildPlan } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

/**
 * A versioned record's answer names its version in an ETag; If-None-Match with it gets 304, and
 * the same ETag sent back as If-Match protects a write from a lost update (a stale one is 409,
 * changing nothing). Through the real app on a real database.
 */
describe('ETags on single records', () => {
  let t: TestApp;
  let quality: Client;
  let findingId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    findingId = plan.finding.id;
    quality = await t.as(plan.quality);
  });
  afterAll(() => t.close());

  it('names the version of an action and of a finding', async () => {
    const action = await buildAction(quality, [findingId]);
    const got = await quality.get(`/api/v1/actions/${action.id}`).expect(200);
    expect(got.headers.etag).toMatch(new RegExp(`^W/"${got.body.version}-[0-9a-f]+"$`));

    const finding = await quality.get(`/api/v1/findings/${findingId}`).expect(200);
    expect(finding.headers.etag).toMatch(new RegExp(`^W/"${finding.body.version}-[0-9a-f]+"$`));
  });

  it('answers If-None-Match with the current ETag with 304 and no body', async () => {
    const action = await buildAction(quality, [findingId]);
    const path = `/api/v1/actions/${action.id}`;
    const { headers } = await quality.get(path).expect(200);
    const notModified = await quality.get(path).set('If-None-Match', headers.etag).expect(304);
    expect(notModified.text ?? '').toBe('');

    await quality
      .post(`${path}/progress`)
      .send({ note: 'Ward sisters briefed', progress: 20 })
      .expect(201);
    const changed = await quality.get(path).set('If-None-Match', headers.etag).expect(200);
    expect(changed.body.version).toBe(action.version + 1);
    expect(changed.headers.etag).not.toBe(headers.etag);
  });

  it('gives a write the new ETag, and takes an ETag back as If-Match', async () => {
    const action = await buildAction(quality, [findingId]);
    const path = `/api/v1/actions/${action.id}`;
    const read = await quality.get(path).expect(200);

    const written = await quality
      .post(`${path}/progress`)
      .set('If-Match', read.headers.etag)
      .send({ note: 'Audit booked', progress: 10 })
      .expect(201);
    expect(written.headers.etag).toMatch(new RegExp(`^W/"${read.body.version + 1}-`));

    // Someone still holding the first ETag loses the race, and nothing of theirs is stored.
    const stale = await quality
      .post(`${path}/progress`)
      .set('If-Match', read.headers.etag)
      .send({ note: 'Written over the top', progress: 90 })
      .expect(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    const history = await quality.get(`${path}/progress`).expect(200);
    expect(history.body.map((u: { note: string }) => u.note)).not.toContain('Written over the top');
    const after = await quality.get(path).expect(200);
    expect({ version: after.body.version, progress: after.body.progress }).toEqual({
      version: read.body.version + 1,
      progress: 10,
    });
  });

  it('does not drop a stale If-Match when the body carries the current version', async () => {
    const action = await buildAction(quality, [findingId]);
    const path = `/api/v1/actions/${action.id}`;
    const stale = `"${action.version}"`;
    await quality.post(`${path}/progress`).send({ note: 'First', progress: 10 }).expect(201);
    const current = (await quality.get(path).expect(200)).body.version as number;
    const { body } = await quality
      .patch(path)
      .set('If-Match', stale)
      .send({ successMeasure: 'Stale header wins?', version: current })
      .expect(409);
    expect(body.code).toBe('VERSION_CONFLICT');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
    const after = (await quality.get(path).expect(200)).body;
    expect({ version: after.version, successMeasure: after.successMeasure }).toEqual({
      version: current,
      successMeasure: action.successMeasure ?? null,
    });
    // The same version in both is fine.
    await quality
      .patch(path)
      .set('If-Match', `"${current}"`)
      .send({ successMeasure: 'Both agree', version: current })
      .expect(200);
  });

  it('refuses an If-Match that names no version with 400 naming the header', async () => {
    const action = await buildAction(quality, [findingId]);
    const { body } = await quality
      .post(`/api/v1/actions/${action.id}/progress`)
      .set('If-Match', 'W/"latest"')
      .send({ note: 'x' })
      .expect(400);
    expect(body.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
  });

  it('puts no version ETag on a list', async () => {
    const list = await quality.get('/api/v1/actions').expect(200);
    expect(list.headers.etag ?? '').not.toMatch(/^W\/"\d+-/);
  });
});
