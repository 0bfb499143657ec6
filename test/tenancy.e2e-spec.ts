import {
  addMembership,
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import { Client, createTestApp, TestApp } from './test-app';

type Id = { id: number };

/**
 * Trusts kept apart (issue 14, item 9). Trust A and trust B each have a plan; people of A
 * only must find nothing of B on any read, change nothing of B on any write, and name nothing
 * of B in a body. A role is per trust, and a reviewer sees several trusts by explicit grant.
 */
describe('trusts kept apart', () => {
  let t: TestApp;
  let a: Id & { name: string };
  let b: Id & { name: string };
  let csA: Id;
  let csB: Id;
  let findingA: Id;
  let findingB: Id;
  let actionA: Id & { title: string };
  let actionB: Id & { title: string };
  let inspectionB: Id;
  let evidenceB: Id;
  let requestB: Id;
  let ownerA: Id;
  let ownerB: Id;
  let leadA: Client;
  let mixed: Client;
  let reviewer: Client;
  let reviewerUser: Id;

  const DOMAIN_TABLES = [
    'organisation',
    'core_service',
    'rating',
    'inspection',
    'finding',
    'action',
    'action_finding',
    'progress_update',
    'due_date_change',
    'due_date_request',
    'evidence',
    'import_record',
  ];
  async function fingerprint() {
    const result: Record<string, unknown> = {};
    for (const table of DOMAIN_TABLES)
      result[table] = await t.dataSource.query(`SELECT * FROM ${table}`);
    return result;
  }

  beforeAll(async () => {
    t = await createTestApp();
    a = await buildOrganisation(t.http, { name: 'Alpha NHS Trust' });
    b = await buildOrganisation(t.http, { name: 'Beta NHS Trust' });
    csA = await buildCoreService(t.http, a.id);
    csB = await buildCoreService(t.http, b.id, { reinspectionDate: '2031-03-01' });
    findingA = await buildFinding(t.http, a.id, { coreServiceId: csA.id });
    findingB = await buildFinding(t.http, b.id, { coreServiceId: csB.id });
    const only = (org: Id, role: string) => ({
      role,
      memberships: [{ organisationId: org.id, role }],
    });
    ownerA = await buildUser(t.http, only(a, 'owner'));
    ownerB = await buildUser(t.http, only(b, 'owner'));
    const leadAUser = await buildUser(t.http, only(a, 'quality_lead'));
    const execB = await buildUser(t.http, only(b, 'executive'));
    leadA = await t.as(leadAUser);
    // Quality lead in A, only a viewer in B.
    const mixedUser = await buildUser(t.http, only(a, 'quality_lead'));
    await addMembership(t.http, mixedUser, b, 'viewer');
    mixed = await t.as(mixedUser);
    // A regional reviewer: a viewer in both trusts, by explicit grant.
    reviewerUser = await buildUser(t.http, { role: 'viewer', memberships: [] });
    await addMembership(t.http, reviewerUser, a, 'viewer');
    await addMembership(t.http, reviewerUser, b, 'viewer');
    reviewer = await t.as(reviewerUser);

    actionA = await buildAction(t.http, [findingA.id], { ownerId: ownerA.id, title: 'Alpha fix' });
    actionB = await buildAction(t.http, [findingB.id], {
      ownerId: ownerB.id,
      executiveLeadId: execB.id,
      title: 'Beta fix',
    });
    const asOwnerB = await t.as(ownerB);
    evidenceB = (
      await asOwnerB
        .post(`/api/v1/actions/${actionB.id}/evidence`)
        .send({ kind: 'note', title: 'Beta audit', note: 'Done' })
        .expect(201)
    ).body;
    requestB = (
      await asOwnerB
        .post(`/api/v1/actions/${actionB.id}/due-date-requests`)
        .send({ dueDate: '2030-06-01', reason: 'Delay' })
        .expect(201)
    ).body;
    inspectionB = (
      await t.http
        .post('/api/v1/inspections')
        .send({ organisationId: b.id, kind: 'focused', visitStart: '2020-01-01' })
        .expect(201)
    ).body;
  });
  afterAll(() => t.close());

  it('lists only the trusts of the caller, whatever the filter asks', async () => {
    const ids = async (path: string) =>
      ((await leadA.get(path).expect(200)).body.items as Id[]).map((item) => item.id);
    expect(await ids('/api/v1/organisations')).toEqual([a.id]);
    expect(await ids('/api/v1/actions')).toEqual([actionA.id]);
    expect(await ids(`/api/v1/actions?organisationId=${b.id}`)).toEqual([]);
    expect(await ids('/api/v1/findings')).toEqual([findingA.id]);
    expect(await ids(`/api/v1/findings?organisationId=${b.id}`)).toEqual([]);
    expect(await ids('/api/v1/core-services')).toEqual([csA.id]);
    expect(await ids('/api/v1/inspections')).not.toContain(inspectionB.id);
    // Admins see every trust; the reviewer sees both by grant.
    expect(await ids('/api/v1/actions')).not.toContain(actionB.id);
    const all = (await t.http.get('/api/v1/actions').expect(200)).body.items as Id[];
    expect(all.map((x) => x.id)).toEqual(expect.arrayContaining([actionA.id, actionB.id]));
    const reviewed = (await reviewer.get('/api/v1/actions').expect(200)).body.items as Id[];
    expect(reviewed.map((x) => x.id).sort()).toEqual([actionA.id, actionB.id].sort());
  });

  it("answers 404 for every one of another trust's records, naming nothing of it", async () => {
    const act = `/api/v1/actions/${actionB.id}`;
    const cases: [string, string][] = [
      [act, 'ACTION_NOT_FOUND'],
      [`${act}/progress`, 'ACTION_NOT_FOUND'],
      [`${act}/evidence`, 'ACTION_NOT_FOUND'],
      [`${act}/due-date-changes`, 'ACTION_NOT_FOUND'],
      [`${act}/due-date-requests`, 'ACTION_NOT_FOUND'],
      [`/api/v1/findings/${findingB.id}`, 'FINDING_NOT_FOUND'],
      [`/api/v1/core-services/${csB.id}`, 'CORE_SERVICE_NOT_FOUND'],
      [`/api/v1/inspections/${inspectionB.id}`, 'INSPECTION_NOT_FOUND'],
      [`/api/v1/organisations/${b.id}`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/organisations/${b.id}/core-services`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/organisations/${b.id}/inspections`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/readiness?organisationId=${b.id}`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/readiness/core-services/${csB.id}`, 'CORE_SERVICE_NOT_FOUND'],
      [`/api/v1/reports/actions?organisationId=${b.id}`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/reports/findings?organisationId=${b.id}`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/reports/board?organisationId=${b.id}`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/reports/cqc-return?organisationId=${b.id}`, 'ORGANISATION_NOT_FOUND'],
      [`/api/v1/reports/evidence-pack?coreServiceId=${csB.id}`, 'CORE_SERVICE_NOT_FOUND'],
      [`/api/v1/users/${ownerB.id}`, 'USER_NOT_FOUND'],
    ];
    const answers = [];
    for (const [path] of cases) {
      const response = await leadA.get(path);
      answers.push({ path, status: response.status, code: response.body.code });
      expect(JSON.stringify(response.body)).not.toMatch(/Beta/);
      // The same record of the caller's own trust is there: the 404 is the trust, not the path.
    }
    expect(answers).toEqual(cases.map(([path, code]) => ({ path, status: 404, code })));
    // Admin reads them all.
    for (const [path] of cases) await t.http.get(path).expect(200);
  });

  it("changes nothing of another trust's: 404 for its records, 422 for naming them in a body", async () => {
    const act = `/api/v1/actions/${actionB.id}`;
    const writes: [string, string, object, number, string][] = [
      ['patch', act, { description: 'x' }, 404, 'ACTION_NOT_FOUND'],
      ['post', `${act}/assign`, { ownerId: ownerA.id }, 404, 'ACTION_NOT_FOUND'],
      ['post', `${act}/progress`, { note: 'x', progress: 10 }, 404, 'ACTION_NOT_FOUND'],
      ['post', `${act}/evidence`, { kind: 'note', title: 'x', note: 'x' }, 404, 'ACTION_NOT_FOUND'],
      [
        'post',
        `${act}/evidence/${evidenceB.id}/review`,
        { decision: 'REJECTED', note: 'x' },
        404,
        'ACTION_NOT_FOUND',
      ],
      [
        'post',
        `${act}/due-date-requests`,
        { dueDate: '2030-07-01', reason: 'x' },
        404,
        'ACTION_NOT_FOUND',
      ],
      [
        'post',
        `${act}/due-date-requests/${requestB.id}/decision`,
        { decision: 'REJECTED' },
        404,
        'ACTION_NOT_FOUND',
      ],
      ['post', `${act}/due-date`, { dueDate: '2030-08-01', reason: 'x' }, 404, 'ACTION_NOT_FOUND'],
      ['post', `${act}/assure`, {}, 404, 'ACTION_NOT_FOUND'],
      ['post', `${act}/cancel`, { reason: 'x' }, 404, 'ACTION_NOT_FOUND'],
      ['patch', `/api/v1/findings/${findingB.id}`, { text: 'x' }, 404, 'FINDING_NOT_FOUND'],
      [
        'patch',
        `/api/v1/core-services/${csB.id}`,
        { reinspectionConfirmed: true },
        404,
        'CORE_SERVICE_NOT_FOUND',
      ],
      [
        'post',
        `/api/v1/core-services/${csB.id}/ratings`,
        { ratings: [{ scope: 'Safe', rating: 'Good', ratedOn: '2021-01-01' }] },
        404,
        'CORE_SERVICE_NOT_FOUND',
      ],
      [
        'patch',
        `/api/v1/inspections/${inspectionB.id}`,
        { reportReference: 'R9' },
        404,
        'INSPECTION_NOT_FOUND',
      ],
      ['patch', `/api/v1/organisations/${b.id}`, { name: 'x' }, 404, 'ORGANISATION_NOT_FOUND'],
      [
        'post',
        `/api/v1/organisations/${b.id}/ratings`,
        { ratings: [{ scope: 'Safe', rating: 'Good', ratedOn: '2021-01-01' }] },
        404,
        'ORGANISATION_NOT_FOUND',
      ],
      // Naming another trust's record in a body reads as naming nothing.
      [
        'post',
        '/api/v1/actions',
        { findingIds: [findingB.id], title: 'x', dueDate: '2030-01-01' },
        422,
        'INVALID_REFERENCE',
      ],
      [
        'post',
        '/api/v1/findings',
        { organisationId: b.id, type: 'SHOULD', text: 'x' },
        422,
        'INVALID_REFERENCE',
      ],
      [
        'post',
        '/api/v1/core-services',
        { organisationId: b.id, name: 'x' },
        422,
        'INVALID_REFERENCE',
      ],
      [
        'post',
        '/api/v1/inspections',
        { organisationId: b.id, kind: 'focused', visitStart: '2021-01-01' },
        422,
        'INVALID_REFERENCE',
      ],
      [
        'post',
        `/api/v1/actions/${actionA.id}/assign`,
        { ownerId: ownerB.id },
        422,
        'INVALID_REFERENCE',
      ],
      [
        'post',
        '/api/v1/imports/report?dryRun=true',
        { text: 'Beta NHS Trust\nAction the trust MUST take to improve\n• The trust must act.' },
        404,
        'ORGANISATION_NOT_FOUND',
      ],
    ];
    const before = await fingerprint();
    const answers = [];
    for (const [method, path, body] of writes) {
      const response = await (method === 'patch' ? leadA.patch(path) : leadA.post(path)).send(body);
      answers.push({ path, status: response.status, code: response.body.code });
    }
    expect(answers).toEqual(writes.map(([, path, , status, code]) => ({ path, status, code })));
    const plan = await leadA
      .post(`/api/v1/imports/plan?organisationId=${b.id}&dryRun=true`)
      .attach(
        'file',
        Buffer.from(
          'Ref,Issue,Action,Lead,Deadline\nC1,The trust must fix it.,Fix it,,31 Dec 2027\n',
        ),
        'plan.csv',
      );
    expect([plan.status, plan.body.code]).toEqual([422, 'INVALID_REFERENCE']);
    expect(await fingerprint()).toEqual(before);
  });

  it('checks the role held in the trust of the record: lead in A, viewer in B', async () => {
    await mixed.patch(`/api/v1/actions/${actionA.id}`).send({ description: 'Mine' }).expect(200);
    const refused = await mixed
      .patch(`/api/v1/actions/${actionB.id}`)
      .send({ description: 'Not mine' })
      .expect(403);
    expect(refused.body.code).toBe('ROLE_NOT_ALLOWED');
    const finding = await mixed
      .post('/api/v1/findings')
      .send({ organisationId: b.id, type: 'SHOULD', text: 'x' })
      .expect(403);
    expect(finding.body.code).toBe('ROLE_NOT_ALLOWED');
    // Reads in B are allowed: a viewer reads.
    await mixed.get(`/api/v1/actions/${actionB.id}`).expect(200);
    // The reviewer reads both trusts and changes neither.
    await reviewer.get(`/api/v1/actions/${actionA.id}`).expect(200);
    await reviewer.get(`/api/v1/actions/${actionB.id}`).expect(200);
    await reviewer.patch(`/api/v1/actions/${actionB.id}`).send({ description: 'x' }).expect(403);
  });

  it("exports, audit and user lists hold nothing of another trust's", async () => {
    const csv = await leadA.get('/api/v1/reports/actions?format=csv').expect(200);
    expect(csv.text).toContain('Alpha fix');
    expect(csv.text).not.toContain('Beta fix');
    const findings = await leadA.get('/api/v1/reports/findings?format=csv').expect(200);
    expect(findings.text).not.toContain(`problem ${findingB.id}`);

    const audit = (await leadA.get('/api/v1/audit?limit=500').expect(200)).body.items as {
      subject: string | null;
    }[];
    expect(audit.map((e) => e.subject)).toContain(`action:${actionA.id}`);
    expect(audit.map((e) => e.subject)).not.toContain(`action:${actionB.id}`);
    expect(audit.map((e) => e.subject)).not.toContain(`organisation:${b.id}`);
    const all = (await t.http.get('/api/v1/audit?limit=500').expect(200)).body.items as {
      subject: string | null;
    }[];
    expect(all.map((e) => e.subject)).toContain(`action:${actionB.id}`);

    const users = (await leadA.get('/api/v1/users?limit=200').expect(200)).body.items as {
      id: number;
      memberships: { organisationId: number }[];
    }[];
    expect(users.map((u) => u.id)).toContain(ownerA.id);
    expect(users.map((u) => u.id)).not.toContain(ownerB.id);
    // The reviewer is shown to A only with A's membership: where else they work is not A's business.
    const shown = users.find((u) => u.id === reviewerUser.id)!;
    expect(shown.memberships.map((m) => m.organisationId)).toEqual([a.id]);
    const me = (await reviewer.get('/api/v1/auth/me').expect(200)).body;
    expect(me.memberships.map((m: { organisationId: number }) => m.organisationId).sort()).toEqual(
      [a.id, b.id].sort(),
    );
  });

  it("keeps another trust's reinspections out of a calendar feed", async () => {
    const owner = await t.as(ownerA);
    const { path } = (await owner.post('/api/v1/calendar/feed').expect(201)).body;
    const feed = await t.anonymous.get(path).expect(200);
    expect(feed.text).not.toContain('reinspection-' + String(csB.id));
    const asOwnerB = await t.as(ownerB);
    const other = (await asOwnerB.post('/api/v1/calendar/feed').expect(201)).body.path;
    expect((await t.anonymous.get(other).expect(200)).text).toContain(
      'reinspection-' + String(csB.id),
    );
  });

  it("makes a quality lead who imports a trust's first report its quality lead, and no one else", async () => {
    const imported = await leadA
      .post('/api/v1/imports/report')
      .send({
        text: 'Gamma NHS Trust\nAction the trust MUST take to improve\n• The trust must act.',
      })
      .expect(200);
    const gamma = imported.body.organisation.id as number;
    await leadA.get(`/api/v1/organisations/${gamma}`).expect(200);
    await mixed.get(`/api/v1/organisations/${gamma}`).expect(404);
    await (await t.as(ownerA)).get(`/api/v1/organisations/${gamma}`).expect(404);
  });

  it('ends access to a trust the moment the membership goes', async () => {
    const user = await buildUser(t.http, { role: 'viewer', memberships: [] });
    await addMembership(t.http, user, b, 'viewer');
    const client = await t.as(user);
    await client.get(`/api/v1/actions/${actionB.id}`).expect(200);
    await t.http.delete(`/api/v1/users/${user.id}/memberships/${b.id}`).expect(200);
    await client.get(`/api/v1/actions/${actionB.id}`).expect(404);
    expect((await client.get('/api/v1/actions').expect(200)).body.items).toEqual([]);
  });
});
