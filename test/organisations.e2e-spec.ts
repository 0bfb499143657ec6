import { buildCoreService, buildOrganisation, buildUser } from './factories';
import { createTestApp, TestApp } from './test-app';

describe('organisations, core services, inspections and users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates, reads, updates and lists organisations with their trust ratings', async () => {
    const created = await t.http
      .post('/api/v1/organisations')
      .send({
        name: 'Leicestershire Partnership NHS Trust',
        odsCode: 'RT5',
        cqcProviderId: 'RT5',
        kind: 'combined',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Leicestershire Partnership NHS Trust',
      odsCode: 'RT5',
      kind: 'combined',
    });
    expect(created.body.ratings.Overall).toBeNull();
    const id = created.body.id;

    await t.http
      .post(`/api/v1/organisations/${id}/ratings`)
      .send({
        ratings: [
          { scope: 'Overall', rating: 'Requires improvement', ratedOn: '2018-02-01' },
          { scope: 'Caring', rating: 'Good', ratedOn: '2018-02-01' },
        ],
      })
      .expect(201);
    // A later rating replaces the current one; the earlier stays in history.
    const rated = await t.http
      .post(`/api/v1/organisations/${id}/ratings`)
      .send({ ratings: [{ scope: 'Overall', rating: 'Good', ratedOn: '2021-05-01' }] })
      .expect(201);
    expect(rated.body.ratings.Overall).toEqual({ rating: 'Good', ratedOn: '2021-05-01' });
    expect(rated.body.ratings.Caring).toEqual({ rating: 'Good', ratedOn: '2018-02-01' });
    const stored = await t.dataSource.query(
      `SELECT rating FROM rating WHERE organisation_id = ${Number(id)} ORDER BY id`,
    );
    expect(stored.map((r: { rating: string }) => r.rating)).toEqual([
      'Requires improvement',
      'Good',
      'Good',
    ]);

    const updated = await t.http
      .patch(`/api/v1/organisations/${id}`)
      .send({ name: 'LPT' })
      .expect(200);
    expect(updated.body.name).toBe('LPT');
    await buildOrganisation(t.http, { name: 'Another Trust', kind: 'acute' });

    const list = await t.http.get('/api/v1/organisations?kind=combined').expect(200);
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(list.body.items[0].id).toBe(id);
    const search = await t.http.get('/api/v1/organisations?q=rt5').expect(200);
    expect(search.body.items.map((o: { id: number }) => o.id)).toEqual([id]);
  });

  it('refuses an ODS code another organisation has, with 409', async () => {
    await buildOrganisation(t.http, { odsCode: 'DUP1' });
    const { body } = await t.http
      .post('/api/v1/organisations')
      .send({ name: 'Copy', odsCode: 'DUP1', kind: 'acute' })
      .expect(409);
    expect(body).toMatchObject({
      code: 'ALREADY_EXISTS',
      errors: [{ field: 'odsCode', reason: 'already used by another organisation' }],
    });
  });

  it('answers 404 for an organisation that does not exist', async () => {
    const { body } = await t.http.get('/api/v1/organisations/999999').expect(404);
    expect(body).toEqual({
      statusCode: 404,
      code: 'ORGANISATION_NOT_FOUND',
      message: 'No organisation 999999',
    });
  });

  it('stores a core service under its canonical catalogue name and keeps custom names', async () => {
    const org = await buildOrganisation(t.http);
    const alias = await t.http
      .post('/api/v1/core-services')
      .send({
        organisationId: org.id,
        name: 'community health inpatients service',
        reinspectionDate: '2027-03-01',
        reinspectionWindowEnd: '2027-03-31',
        ratings: [{ scope: 'Safe', rating: 'Requires improvement', ratedOn: '2018-06-01' }],
      })
      .expect(201);
    expect(alias.body).toMatchObject({
      name: 'Community health inpatient services',
      custom: false,
      reinspectionDate: '2027-03-01',
      reinspectionWindowEnd: '2027-03-31',
      reinspectionConfirmed: false,
    });
    expect(alias.body.ratings.Safe).toEqual({
      rating: 'Requires improvement',
      ratedOn: '2018-06-01',
    });

    const custom = await buildCoreService(t.http, org.id, { name: 'Podiatry' });
    expect(custom).toMatchObject({ name: 'Podiatry', custom: true });

    const duplicate = await t.http
      .post('/api/v1/core-services')
      .send({ organisationId: org.id, name: 'Community inpatient services' })
      .expect(409);
    expect(duplicate.body.code).toBe('ALREADY_EXISTS');

    const nested = await t.http.get(`/api/v1/organisations/${org.id}/core-services`).expect(200);
    expect(nested.body.items.map((s: { name: string }) => s.name)).toEqual([
      'Community health inpatient services',
      'Podiatry',
    ]);
    const filtered = await t.http
      .get(`/api/v1/core-services?organisationId=${org.id}&reinspectionBefore=2027-04-01`)
      .expect(200);
    expect(filtered.body.total).toBe(1);

    const confirmed = await t.http
      .patch(`/api/v1/core-services/${alias.body.id}`)
      .send({ reinspectionConfirmed: true })
      .expect(200);
    expect(confirmed.body.reinspectionConfirmed).toBe(true);
    const rated = await t.http
      .post(`/api/v1/core-services/${alias.body.id}/ratings`)
      .send({ ratings: [{ scope: 'Safe', rating: 'Good', ratedOn: '2026-01-10' }] })
      .expect(201);
    expect(rated.body.ratings.Safe).toEqual({ rating: 'Good', ratedOn: '2026-01-10' });
  });

  it('refuses a reinspection window that ends before it starts', async () => {
    const org = await buildOrganisation(t.http);
    const service = await buildCoreService(t.http, org.id, { reinspectionDate: '2027-03-01' });
    const { body } = await t.http
      .patch(`/api/v1/core-services/${service.id}`)
      .send({ reinspectionWindowEnd: '2027-02-01' })
      .expect(400);
    expect(body.errors).toEqual([
      {
        field: 'reinspectionWindowEnd',
        reason: 'must not be before reinspectionDate (2027-03-01)',
      },
    ]);
    const again = await t.http.get(`/api/v1/core-services/${service.id}`).expect(200);
    expect(again.body.reinspectionWindowEnd).toBeNull();
  });

  it('records inspections with the core services they covered', async () => {
    const org = await buildOrganisation(t.http);
    const a = await buildCoreService(t.http, org.id);
    const b = await buildCoreService(t.http, org.id);
    const other = await buildCoreService(t.http, (await buildOrganisation(t.http)).id);
    const created = await t.http
      .post('/api/v1/inspections')
      .send({
        organisationId: org.id,
        kind: 'focused',
        visitStart: '2017-10-02',
        visitEnd: '2017-10-27',
        publishedOn: '2018-02-01',
        coreServiceIds: [b.id, a.id],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      kind: 'focused',
      visitStart: '2017-10-02',
      coreServiceIds: [a.id, b.id].sort((x, y) => x - y),
    });

    const foreign = await t.http
      .post('/api/v1/inspections')
      .send({
        organisationId: org.id,
        kind: 'focused',
        visitStart: '2017-10-02',
        coreServiceIds: [other.id],
      })
      .expect(422);
    expect(foreign.body).toMatchObject({
      code: 'INVALID_REFERENCE',
      errors: [{ field: 'coreServiceIds' }],
    });

    const updated = await t.http
      .patch(`/api/v1/inspections/${created.body.id}`)
      .send({ coreServiceIds: [a.id], reportReference: 'AAAA1234' })
      .expect(200);
    expect(updated.body).toMatchObject({ coreServiceIds: [a.id], reportReference: 'AAAA1234' });
    const nested = await t.http.get(`/api/v1/organisations/${org.id}/inspections`).expect(200);
    expect(nested.body.items.map((i: { id: number }) => i.id)).toEqual([created.body.id]);
  });

  it('manages users and refuses a second account for one email', async () => {
    const user = await buildUser(t.http, {
      name: 'Priya Shah',
      email: 'Priya.Shah@Example.NHS.uk',
      role: 'quality_lead',
    });
    expect(user).toMatchObject({
      email: 'priya.shah@example.nhs.uk',
      role: 'quality_lead',
      active: true,
    });
    await t.http
      .post('/api/v1/users')
      .send({ name: 'Copy', email: 'priya.shah@example.nhs.uk', role: 'owner' })
      .expect(409);
    const deactivated = await t.http
      .patch(`/api/v1/users/${user.id}`)
      .send({ active: false })
      .expect(200);
    expect(deactivated.body.active).toBe(false);
    const list = await t.http.get('/api/v1/users?role=quality_lead&active=false').expect(200);
    expect(list.body.items.map((u: { id: number }) => u.id)).toEqual([user.id]);
  });
});
