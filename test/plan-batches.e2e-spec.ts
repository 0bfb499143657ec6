import { buildFinding, buildOrganisation, buildUser } from './factories';
import { planXlsx } from './hostile-files';
import { Client, createTestApp, TestApp } from './test-app';

const ROWS = 700;
const HEADINGS = ['Ref', 'Finding', 'Action', 'Owner', 'Due date', 'Progress'];

/**
 * The plan import stores its rows in batches of multi-row INSERTs (many statements of up to
 * 999 parameters, several batches of rows): every action must still be linked to its own
 * row's finding, every row audited, and a failure in a late batch must leave nothing behind.
 */
describe('a plan imported in batches', () => {
  let t: TestApp;
  let quality: Client;
  const count = async (table: string, where = '1 = 1') =>
    Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`))[0].n);
  const stored = async () => ({
    findings: await count('finding'),
    actions: await count('action'),
    links: await count('action_finding'),
    audit: await count('audit_event'),
    progress: await count('progress_update'),
    imports: await count('import_record'),
  });

  beforeAll(async () => {
    t = await createTestApp();
    quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
  });
  afterAll(() => t.close());

  /** Two rows per finding (the second names it again), so findings repeat across batches. */
  function rows(owner: string, existingText: string): string[][] {
    return Array.from({ length: ROWS }, (_, i) => [
      `B${i + 1}`,
      i === 0 ? existingText : `The trust must ensure that item ${Math.floor(i / 2)} is checked.`,
      `Action ${i + 1}`,
      owner,
      '31/03/2027',
      i % 3 === 0 ? `${i % 100}% done` : '',
    ]);
  }

  it('links each action to its own finding, reuses findings, audits every row', async () => {
    const organisation = await buildOrganisation(t.http);
    const owner = await buildUser(t.http, { role: 'owner' });
    const existing = await buildFinding(t.http, organisation.id, {});
    const before = await stored();
    const { body } = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
      .attach('file', planXlsx(rows(owner.name, existing.text), HEADINGS), 'plan.xlsx')
      .expect(200);
    expect(body.counts.create).toBe(ROWS);

    const linked: { reference: string; title: string; findingId: number; text: string }[] =
      await t.dataSource.query(
        `SELECT a.reference, a.title, f.id AS "findingId", f.text
           FROM action a JOIN action_finding af ON af.action_id = a.id
           JOIN finding f ON f.id = af.finding_id
          WHERE a.organisation_id = ${organisation.id}`,
      );
    expect(linked).toHaveLength(ROWS);
    for (const link of linked) {
      const i = Number(link.reference.slice(1)) - 1;
      expect(link.title).toBe(`Action ${i + 1}`);
      if (i === 0) expect(Number(link.findingId)).toBe(existing.id);
      else
        expect(link.text).toBe(`The trust must ensure that item ${Math.floor(i / 2)} is checked.`);
    }
    // 349 new findings (item 0 is named by row 2 only; the first row reuses the existing one).
    const newFindings = ROWS / 2;
    const after = await stored();
    expect(after.findings - before.findings).toBe(newFindings);
    expect(after.actions - before.actions).toBe(ROWS);
    expect(after.links - before.links).toBe(ROWS);
    expect(after.progress - before.progress).toBe(Math.ceil(ROWS / 3));
    expect(
      await count(
        'audit_event',
        `entity = 'action' AND action = 'create' AND summary LIKE 'Plan import, row %' AND organisation_id = ${organisation.id}`,
      ),
    ).toBe(ROWS);
    expect(
      await count(
        'audit_event',
        `entity = 'finding' AND action = 'create' AND organisation_id = ${organisation.id}`,
      ),
    ).toBe(newFindings + 1); // and the one made through the API
    const owners = await t.dataSource.query(
      `SELECT DISTINCT owner_id AS "ownerId" FROM action WHERE organisation_id = ${organisation.id}`,
    );
    expect(owners.map((o: { ownerId: number }) => Number(o.ownerId))).toEqual([owner.id]);
  });

  it('stores nothing when a statement of a late batch fails', async () => {
    const organisation = await buildOrganisation(t.http);
    const owner = await buildUser(t.http, { role: 'owner' });
    const postgres = t.dataSource.options.type === 'postgres';
    // The 650th action (the third batch of rows) is refused by the database itself.
    if (postgres) {
      await t.dataSource.query(
        `CREATE FUNCTION refuse_action_650() RETURNS trigger AS $$ BEGIN
           IF NEW.title = 'Action 650' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW;
         END $$ LANGUAGE plpgsql`,
      );
      await t.dataSource.query(
        'CREATE TRIGGER refuse_action_650 BEFORE INSERT ON action FOR EACH ROW EXECUTE FUNCTION refuse_action_650()',
      );
    } else {
      await t.dataSource.query(
        `CREATE TRIGGER refuse_action_650 BEFORE INSERT ON action
           WHEN NEW.title = 'Action 650' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
      );
    }
    try {
      const before = await stored();
      const response = await quality
        .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
        .attach('file', planXlsx(rows(owner.name, 'A finding of its own.'), HEADINGS), 'plan.xlsx');
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(await stored()).toEqual(before);
    } finally {
      await t.dataSource.query(
        postgres ? 'DROP TRIGGER refuse_action_650 ON action' : 'DROP TRIGGER refuse_action_650',
      );
      if (postgres) await t.dataSource.query('DROP FUNCTION refuse_action_650()');
    }
  });
});
