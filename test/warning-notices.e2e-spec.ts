import { addDays, todayDate } from '../src/common/dates';
import { buildFinding, buildOrganisation } from './factories';
import { createTestApp, TestApp } from './test-app';

/** Warning notices with failings, each with a deadline, and the action-plan date of MUST findings. */
describe('warning notice failings and action plan dates', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { cqcActionPlanDays: 21 } });
  });
  afterAll(() => t.close());

  async function countFailings(): Promise<number> {
    const [{ n }] = await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM finding_failing WHERE replaced_at IS NULL',
    );
    return Number(n);
  }

  it('stores a notice of several failings in order, its deadline the earliest', async () => {
    const org = await buildOrganisation(t.http);
    const failings = [
      { text: 'Staffing', deadline: '2022-12-31' },
      { text: 'Fire safety and ligatures', deadline: '2022-07-31' },
      { text: 'Governance', deadline: '2023-03-31' },
    ];
    const finding = await buildFinding(t.http, org.id, {
      type: 'WARNING_NOTICE',
      text: 'Section 29A warning notice',
      failings,
    });
    expect(finding).toMatchObject({ deadline: '2022-07-31', failings, actionPlanDueDate: null });
    const stored = await t.http.get(`/api/v1/findings/${finding.id}`).expect(200);
    expect(stored.body).toEqual(finding);
    const listed = await t.http
      .get(`/api/v1/findings?organisationId=${org.id}&type=WARNING_NOTICE`)
      .expect(200);
    expect(listed.body.items).toEqual([finding]);
  });

  it('makes a notice of one failing from a deadline alone (older clients)', async () => {
    const org = await buildOrganisation(t.http);
    const finding = await buildFinding(t.http, org.id, {
      type: 'WARNING_NOTICE',
      text: 'Fire safety',
      deadline: '2027-03-01',
    });
    expect(finding.failings).toEqual([{ text: 'Fire safety', deadline: '2027-03-01' }]);
    // Moving that deadline moves the one failing's.
    const moved = await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .send({ deadline: '2027-04-01' })
      .expect(200);
    expect(moved.body).toMatchObject({
      deadline: '2027-04-01',
      failings: [{ text: 'Fire safety', deadline: '2027-04-01' }],
    });
  });

  it('replaces the failings on update and drops them when the finding stops being a notice', async () => {
    const org = await buildOrganisation(t.http);
    const finding = await buildFinding(t.http, org.id, {
      type: 'WARNING_NOTICE',
      failings: [{ text: 'Staffing', deadline: '2027-05-01' }],
    });
    const replaced = await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .send({
        failings: [
          { text: 'Staffing', deadline: '2027-05-01' },
          { text: 'Medicines', deadline: '2027-02-01' },
        ],
      })
      .expect(200);
    expect(replaced.body.deadline).toBe('2027-02-01');
    expect(replaced.body.failings).toHaveLength(2);
    // A deadline alone is ambiguous for a notice of two failings.
    const ambiguous = await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .send({ deadline: '2027-06-01' })
      .expect(400);
    expect(ambiguous.body.errors[0].field).toBe('deadline');
    const before = await countFailings();
    const retyped = await t.http
      .patch(`/api/v1/findings/${finding.id}`)
      .send({ type: 'MUST', deadline: null })
      .expect(200);
    expect(retyped.body).toMatchObject({ type: 'MUST', deadline: null, failings: [] });
    expect(await countFailings()).toBe(before - 2);
  });

  it('keeps replaced failings as history, so a list as at an earlier day shows the failings then', async () => {
    const org = await buildOrganisation(t.http);
    const before = [{ text: 'Staffing', deadline: '2027-05-01' }];
    const after = [{ text: 'Staffing and skill mix', deadline: '2027-06-01' }];
    const finding = await buildFinding(t.http, org.id, {
      type: 'WARNING_NOTICE',
      failings: before,
    });
    await t.http.patch(`/api/v1/findings/${finding.id}`).send({ failings: after }).expect(200);
    // Put the notice's creation (and its first failings) at noon yesterday; the change stays today.
    const yesterday = addDays(todayDate(), -1);
    const noon = `${yesterday}T12:00:00.000Z`;
    const id = Number(finding.id);
    await t.dataSource.query(`UPDATE finding SET created_at = '${noon}' WHERE id = ${id}`);
    // Before its trust existed, a list answers empty: the trust existed then too.
    await t.dataSource.query(
      `UPDATE organisation SET created_at = '${noon}' WHERE id = ${Number(org.id)}`,
    );
    // The finding as it stood then, in its revision history (one revision from noon yesterday).
    await t.dataSource.query(`DELETE FROM finding_revision WHERE finding_id = ${id}`);
    await t.dataSource.query(
      `INSERT INTO finding_revision (finding_id, valid_from, core_service_id, key_question,
         quality_statement, score, type, deadline, regulations, reference, text, version, updated_at)
       SELECT id, '${noon}', core_service_id, key_question, quality_statement, score, type,
         deadline, regulations, reference, text, version, updated_at FROM finding WHERE id = ${id}`,
    );
    await t.dataSource.query(
      `UPDATE finding_failing SET created_at = '${noon}' WHERE finding_id = ${id} AND replaced_at IS NOT NULL`,
    );
    const list = async (asOf: string) =>
      (await t.http.get(`/api/v1/findings?organisationId=${org.id}&asOf=${asOf}`).expect(200)).body
        .items;
    expect((await list(yesterday)).map((f: { failings: unknown }) => f.failings)).toEqual([before]);
    expect((await list(todayDate())).map((f: { failings: unknown }) => f.failings)).toEqual([
      after,
    ]);
    expect((await t.http.get(`/api/v1/findings/${id}`).expect(200)).body.failings).toEqual(after);
  });

  it.each([
    [{ failings: [{ text: 'Staffing', deadline: '2027-02-30' }] }, 'failings[0].deadline'],
    [{ failings: [{ text: 'Staffing', deadline: 'soon' }] }, 'failings[0].deadline'],
    [
      {
        failings: [
          { text: 'Staffing', deadline: '2027-02-01' },
          { text: '', deadline: '2027-02-01' },
        ],
      },
      'failings[1].text',
    ],
    [{ failings: [{ deadline: '2027-02-01' }] }, 'failings[0].text'],
    [{ failings: [] }, 'failings'],
    [
      { failings: [{ text: 'Staffing', deadline: '2027-02-01' }], deadline: '2027-03-01' },
      'deadline',
    ],
    [{ type: 'MUST', failings: [{ text: 'Staffing', deadline: '2027-02-01' }] }, 'failings'],
  ])('refuses %j with 400 naming %s, storing nothing', async (override, field) => {
    const org = await buildOrganisation(t.http);
    const before = await countFailings();
    const { body } = await t.http
      .post('/api/v1/findings')
      .send({ organisationId: org.id, type: 'WARNING_NOTICE', text: 'Notice', ...override })
      .expect(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    expect(await countFailings()).toBe(before);
  });

  it('gives a MUST finding the date its action plan is due to CQC: publication + the configured days', async () => {
    const org = await buildOrganisation(t.http);
    const inspection = (
      await t.http
        .post('/api/v1/inspections')
        .send({
          organisationId: org.id,
          kind: 'focused',
          visitStart: '2026-09-01',
          publishedOn: '2026-11-20',
        })
        .expect(201)
    ).body;
    const must = await buildFinding(t.http, org.id, { inspectionId: inspection.id });
    expect(must.actionPlanDueDate).toBe('2026-12-11');
    const should = await buildFinding(t.http, org.id, {
      inspectionId: inspection.id,
      type: 'SHOULD',
    });
    expect(should.actionPlanDueDate).toBeNull();
    const unpublished = await buildFinding(t.http, org.id);
    expect(unpublished.actionPlanDueDate).toBeNull();
  });
});
