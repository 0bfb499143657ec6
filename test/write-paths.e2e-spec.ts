import fs from 'node:fs';
import path from 'node:path';
import { todayDate } from '../src/common/dates';
import { findHistoryProblems, findRevisionProblems } from '../src/scale/history-consistency';
import { generateSyntheticData } from '../src/scale/synthetic-data';
import { buildAction, buildFinding, buildPlan, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

const reportText = fs
  .readFileSync(path.join(__dirname, 'fixtures', 'report-community-trust.txt'))
  .toString('utf8');

/**
 * Every door a change can come in by (the API, the pages, the plan import, the report import,
 * the demo load, the generator) writes the live rows and their history together: after each,
 * the latest revision of every historised row equals the row, and the open link history
 * equals the live links (scale/history-consistency.ts, what `cli verify` runs).
 */
describe('write paths: one writer per aggregate, history recorded by every door', () => {
  let t: TestApp;
  let quality: Client;

  const expectHistoryConsistent = async () => {
    expect(await findRevisionProblems(t.dataSource)).toEqual([]);
    expect(await findHistoryProblems(t.dataSource)).toEqual([]);
  };
  const revisions = (actionId: number) =>
    t.dataSource.query<{ title: string; owner_id: number; cancellation_reason: string | null }[]>(
      `SELECT title, owner_id, cancellation_reason FROM action_revision WHERE action_id = ${actionId}
       ORDER BY valid_from, id`,
    );

  beforeAll(async () => {
    // The demo load is a door too: the app loads it into the empty database on start.
    t = await createTestApp({ demoData: true });
    quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
  });
  afterAll(() => t.close());

  it('the demo load leaves every row with its revisions, cancellations dated when they happened', async () => {
    await expectHistoryConsistent();
    const [cancelled] = await t.dataSource.query<{ id: number }[]>(
      "SELECT id FROM action WHERE status = 'CANCELLED' ORDER BY id LIMIT 1",
    );
    const history = await revisions(Number(cancelled.id));
    expect(history[0].cancellation_reason).toBeNull();
    expect(history[history.length - 1].cancellation_reason).not.toBeNull();
  });

  it('the check finds a live row changed without its revision, and a link without its history', async () => {
    const [action] = await t.dataSource.query<{ id: number; title: string }[]>(
      'SELECT id, title FROM action ORDER BY id LIMIT 1',
    );
    await t.dataSource.query(
      `UPDATE action SET title = 'Changed behind the writer' WHERE id = ${action.id}`,
    );
    const [link] = await t.dataSource.query<{ finding_id: number }[]>(
      `SELECT finding_id FROM action_finding WHERE action_id = ${action.id} LIMIT 1`,
    );
    await t.dataSource.query(
      `DELETE FROM action_finding WHERE action_id = ${action.id} AND finding_id = ${link.finding_id}`,
    );
    expect(await findRevisionProblems(t.dataSource)).toEqual([
      {
        table: 'action',
        id: Number(action.id),
        problem: 'latest revision differs from the live row in: title',
      },
      {
        table: 'action_finding',
        id: Number(action.id),
        problem: `finding ${Number(link.finding_id)}: open link-history row but not linked`,
      },
    ]);
    await t.dataSource.query(
      `INSERT INTO action_finding (action_id, finding_id) VALUES (${action.id}, ${link.finding_id})`,
    );
    await t.dataSource.query(
      `UPDATE action SET title = '${action.title.replace(/'/g, "''")}' WHERE id = ${action.id}`,
    );
    await expectHistoryConsistent();
  });

  it('every kind of edit through the API and the pages records its history', async () => {
    const plan = await buildPlan(t.http, { reinspectionDate: '2030-06-01' });
    const second = await buildFinding(t.http, plan.organisation.id, {
      coreServiceId: plan.coreService.id,
    });
    const action = await buildAction(quality, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    const other = await buildAction(quality, [plan.finding.id]);
    const newOwner = await buildUser(t.http, { role: 'owner' });
    const newLead = await buildUser(t.http, { role: 'executive' });
    const base = `/api/v1/actions/${action.id}`;
    // Retitle and the other details.
    await quality
      .patch(base)
      .send({
        title: 'Retitled action',
        description: 'New description',
        successMeasure: 'New measure',
        reference: 'RT1',
        startDate: '2026-01-05',
      })
      .expect(200);
    await quality
      .post(`${base}/assign`)
      .send({ ownerId: newOwner.id, executiveLeadId: newLead.id })
      .expect(200);
    // Relink: from the first finding to both, then to the second only.
    await quality
      .patch(base)
      .send({ findingIds: [plan.finding.id, second.id] })
      .expect(200);
    await quality
      .patch(base)
      .send({ findingIds: [second.id] })
      .expect(200);
    await quality.post(`${base}/progress`).send({ note: 'Half way', progress: 50 }).expect(201);
    await quality
      .post(`${base}/due-date`)
      .send({ dueDate: '2030-03-31', reason: 'Estates work slipped' })
      .expect(200);
    await quality
      .post(`/api/v1/actions/${other.id}/cancel`)
      .send({ reason: 'Superseded by the trust-wide programme' })
      .expect(200);
    await quality
      .patch(`/api/v1/findings/${second.id}`)
      .send({ text: 'The trust must check the edited words.', type: 'SHOULD' })
      .expect(200);
    await t.http
      .patch(`/api/v1/core-services/${plan.coreService.id}`)
      .send({ name: 'Renamed service', reinspectionDate: '2030-09-01' })
      .expect(200);
    await t.http.patch(`/api/v1/users/${newOwner.id}`).send({ name: 'Renamed Owner' }).expect(200);
    await expectHistoryConsistent();

    // The pages post to the same services: a reassignment and a due-date move by form.
    const current = (await quality.get(base).expect(200)).body;
    await quality
      .post(`/actions/${action.id}/assign`)
      .type('form')
      .send({ ownerId: String(plan.owner.id), version: String(current.version) })
      .expect(303);
    const afterAssign = (await quality.get(base).expect(200)).body;
    await quality
      .post(`/actions/${action.id}/due-date`)
      .type('form')
      .send({
        'dueDate[day]': '30',
        'dueDate[month]': '4',
        'dueDate[year]': '2030',
        reason: 'Moved again on the page',
        version: String(afterAssign.version),
      })
      .expect(303);
    await expectHistoryConsistent();

    const history = await revisions(action.id);
    expect(history.map((r) => r.title)).toContain(action.title);
    expect(history[history.length - 1]).toMatchObject({
      title: 'Retitled action',
      owner_id: plan.owner.id,
    });
    const links = await t.dataSource.query<{ finding_id: number; open: number }[]>(
      `SELECT finding_id, CASE WHEN unlinked_at IS NULL THEN 1 ELSE 0 END AS open
         FROM action_finding_link WHERE action_id = ${action.id} ORDER BY id`,
    );
    expect(links.map((l) => [Number(l.finding_id), Number(l.open)])).toEqual([
      [plan.finding.id, 0],
      [second.id, 1],
    ]);
  });

  it('the plan import creates and updates through the writer, and refuses text the API refuses', async () => {
    const plan = await buildPlan(t.http);
    await buildAction(quality, [plan.finding.id], { reference: 'PX1', dueDate: '2030-01-31' });
    const url = `/api/v1/imports/plan?organisationId=${plan.organisation.id}&conflict=update`;
    const csv =
      'Ref,Issue,Action,Due date\n' +
      'PX1,The trust must act on the plan.,Retitled by the plan,28/02/2030\n' +
      'PX2,The trust must act on the plan.,A new action from the plan,31/03/2030\n';
    await quality.post(url).attach('file', Buffer.from(csv), 'plan.csv').expect(200);
    const actions = await t.dataSource.query<
      { reference: string; title: string; due_date: string }[]
    >(
      `SELECT reference, title, due_date FROM action WHERE organisation_id = ${plan.organisation.id}
       ORDER BY reference`,
    );
    expect(actions.map((a) => [a.reference, a.title, a.due_date])).toEqual([
      ['PX1', 'Retitled by the plan', '2030-02-28'],
      ['PX2', 'A new action from the plan', '2030-03-31'],
    ]);
    await expectHistoryConsistent();

    // A title longer than the API takes is refused, row and column named, and nothing stored.
    const long =
      'Ref,Issue,Action,Due date\n' +
      `PX3,The trust must act on the plan.,Fine,31/03/2030\n` +
      `PX4,The trust must act on the plan.,${'x'.repeat(301)},31/03/2030\n`;
    const refused = await quality
      .post(url)
      .attach('file', Buffer.from(long), 'plan.csv')
      .expect(422);
    expect(refused.body.errors).toEqual([
      {
        field: 'row 3',
        reason: 'Action: must be at most 300 characters (got 301); shorten it and import again',
      },
    ]);
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT COUNT(*) AS n FROM action WHERE reference IN ('PX3', 'PX4')`,
    );
    expect(Number(n)).toBe(0);
  });

  it('the report import writes findings and core services through their owners', async () => {
    await quality.post('/api/v1/imports/report').send({ text: reportText }).expect(200);
    await expectHistoryConsistent();
  });

  it('the generator leaves every row with its revisions', async () => {
    await generateSyntheticData(t.dataSource, {
      trusts: 1,
      actions: 150,
      seed: 3,
      today: todayDate(),
    });
    await expectHistoryConsistent();
  });
});
