import { buildFinding, buildOrganisation, buildUser } from './factories';
import { packed, zip } from './hostile-files';
import { trustWorkbook } from './plan-workbooks';
import { Client, createTestApp, TestApp } from './test-app';

describe('plan import: spreadsheets as trusts keep them', () => {
  let t: TestApp;
  let quality: Client;
  let owner: { id: number };
  let lead: { id: number };
  const count = async (table: string, where = '1=1') =>
    Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
    owner = await buildUser(t.http, { name: 'Amy Owner', role: 'owner' });
    lead = await buildUser(t.http, { name: 'Dr Ed Exec', role: 'executive' });
  });
  afterAll(() => t.close());

  it('previews every row of the plan sheet, lists every problem by row and heading, and imports the good rows only when asked, audited', async () => {
    const organisation = await buildOrganisation(t.http);
    const file = await trustWorkbook();
    const preview = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true`)
      .attach('file', file, 'cqc-improvement-plan.xlsx')
      .expect(200);
    const body = preview.body;
    expect(body).toMatchObject({
      sheet: 'CQC Action Plan 2025',
      headerRow: 4,
      hiddenColumns: ['Target date (old)'],
      sections: [{ row: 5, text: 'Urgent care' }],
      counts: { create: 5, update: 0, skip: 0, error: 2 },
      committable: false,
      skippedRows: [],
      columns: {
        finding: 'CQC said (finding)',
        action: 'We will (action)',
        owner: 'Action Lead',
        executiveLead: 'Executive Lead',
        dueDate: 'Target date',
        revisedDueDate: 'Target date - revised',
        type: 'MUST / SHOULD',
        status: 'BRAG',
      },
    });
    expect(body.sheets).toEqual([
      { name: 'Cover', hidden: false, looksLikePlan: false, columnsFound: 0 },
      { name: 'Closed actions (archive)', hidden: true, looksLikePlan: true, columnsFound: 6 },
      { name: 'CQC Action Plan 2025', hidden: false, looksLikePlan: true, columnsFound: 14 },
    ]);
    type Row = {
      row: number;
      outcome: string;
      reference: string;
      action: string;
      finding: {
        reference: string;
        firstRow: number;
        state: string;
        regulations: string[];
        coreService: string | null;
        type: string;
      };
      owner: string;
      executiveLead: string | null;
      dueDate: string | null;
      originalDueDate: string | null;
      status: string;
      progress: number;
      problems: string[];
    };
    expect(
      body.rows.map((r: Row) => [
        r.row,
        r.outcome,
        r.reference,
        r.finding.reference,
        r.finding.firstRow,
        r.finding.type,
        r.finding.coreService,
        r.finding.regulations,
        r.dueDate,
        r.originalDueDate,
        r.status,
        r.progress,
      ]),
    ).toEqual([
      [
        6,
        'create',
        'MD1.1',
        'MD1',
        6,
        'MUST',
        'Urgent care',
        ['Regulation 12(2)(g)'],
        '2025-06-30',
        '2025-03-31',
        'IN_PROGRESS',
        60,
      ],
      [
        7,
        'create',
        'MD1.2',
        'MD1',
        6,
        'MUST',
        'Urgent care',
        ['Regulation 12(2)(g)'],
        '2025-03-31',
        null,
        'COMPLETED',
        100,
      ],
      [
        8,
        'create',
        'MD1.3',
        'MD1',
        6,
        'MUST',
        'Urgent care',
        ['Regulation 12(2)(g)'],
        '2025-09-30',
        null,
        'IN_PROGRESS',
        0,
      ],
      [
        10,
        'create',
        'MD2',
        'MD2',
        10,
        'MUST',
        'Community health services for adults',
        ['Regulation 12', 'Regulation 17'],
        '2025-09-30',
        null,
        'IN_PROGRESS',
        0,
      ],
      [11, 'error', 'SD1', 'SD1', 11, 'SHOULD', null, [], null, null, 'IN_PROGRESS', 0],
      [
        12,
        'error',
        'SD2',
        'SD2',
        12,
        'SHOULD',
        'Community health services for adults',
        [],
        '2025-12-31',
        null,
        'NOT_STARTED',
        0,
      ],
      [
        14,
        'create',
        'SD3',
        'SD3',
        14,
        'SHOULD',
        'Community health services for adults',
        [],
        '2025-09-30',
        null,
        'IN_PROGRESS',
        25,
      ],
    ]);
    expect(body.rows.map((r: Row) => r.finding.state)).toEqual(Array(7).fill('new'));
    expect(body.rows[0]).toMatchObject({ owner: 'Amy Owner', executiveLead: 'Dr Ed Exec' });
    // Every problem at once, each naming its column as the sheet heads it.
    expect(
      body.rows.filter((r: Row) => r.problems.length).map((r: Row) => [r.row, r.problems]),
    ).toEqual([
      [
        11,
        [
          'Target date: "Ongoing" is not a date (use 31/03/2024, 31 Mar 2024, March 2024 or Q4 2023/24)',
        ],
      ],
      [12, ['Regulation: regulation 45 is not a regulation of the 2014 regulations']],
    ]);

    // A commit as it is stores nothing and says how to import the good rows.
    const before = await count('action', `organisation_id = ${organisation.id}`);
    const refused = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}`)
      .attach('file', file, 'cqc-improvement-plan.xlsx')
      .expect(422);
    expect(refused.body.message).toMatch(
      /2 of 7 rows have problems; nothing was imported \(ask to skip the rows with problems, skipInvalidRows=true, to import the 5 good rows/,
    );
    expect(refused.body.errors).toEqual([
      { field: 'row 11', reason: expect.stringMatching(/^Target date: "Ongoing" is not a date/) },
      {
        field: 'row 12',
        reason: 'Regulation: regulation 45 is not a regulation of the 2014 regulations',
      },
    ]);
    expect(await count('action', `organisation_id = ${organisation.id}`)).toBe(before);

    // The person chooses to import the good rows: five actions under three findings.
    const partial = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&skipInvalidRows=true`)
      .attach('file', file, 'cqc-improvement-plan.xlsx')
      .expect(200);
    expect(partial.body).toMatchObject({
      committable: true,
      skippedRows: [11, 12],
      importId: expect.any(Number),
    });
    expect(await count('action', `organisation_id = ${organisation.id}`)).toBe(5);
    expect(await count('finding', `organisation_id = ${organisation.id}`)).toBe(3);
    const actions = (
      await t.http
        .get(`/api/v1/actions?organisationId=${organisation.id}&sort=reference&limit=10`)
        .expect(200)
    ).body.items as {
      reference: string;
      dueDate: string;
      originalDueDate: string;
      status: string;
      owner: { id: number };
      executiveLead: { id: number } | null;
      findings?: unknown;
    }[];
    expect(
      actions.map((a) => [
        a.reference,
        a.dueDate,
        a.originalDueDate,
        a.status,
        a.owner.id,
        a.executiveLead?.id ?? null,
      ]),
    ).toEqual([
      ['MD1.1', '2025-06-30', '2025-03-31', 'IN_PROGRESS', owner.id, lead.id],
      ['MD1.2', '2025-03-31', '2025-03-31', 'COMPLETED', owner.id, lead.id],
      ['MD1.3', '2025-09-30', '2025-09-30', 'IN_PROGRESS', owner.id, null],
      ['MD2', '2025-09-30', '2025-09-30', 'IN_PROGRESS', owner.id, lead.id],
      ['SD3', '2025-09-30', '2025-09-30', 'IN_PROGRESS', owner.id, lead.id],
    ]);
    // The revised target date is the action's first slip, as its history records it.
    const md11 = (actions as unknown as { id: number }[])[0];
    const slips = await t.http.get(`/api/v1/actions/${md11.id}/due-date-changes`).expect(200);
    expect(slips.body).toMatchObject([
      {
        previousDueDate: '2025-03-31',
        newDueDate: '2025-06-30',
        reason: 'Revised target date in the imported plan (row 6)',
      },
    ]);
    const md1 = (
      await t.dataSource.query(
        `SELECT f.reference, COUNT(*) AS n FROM action_finding af JOIN finding f ON f.id = af.finding_id WHERE f.organisation_id = ${organisation.id} GROUP BY f.reference ORDER BY f.reference`,
      )
    ).map((r: { reference: string; n: number | string }) => [r.reference, Number(r.n)]);
    expect(md1).toEqual([
      ['MD1', 3],
      ['MD2', 1],
      ['SD3', 1],
    ]);
    // The audit trail says which rows were skipped.
    const audit = await t.http
      .get(`/api/v1/audit?entity=import_record&entityId=${partial.body.importId}`)
      .expect(200);
    expect(audit.body.items).toMatchObject([
      {
        action: 'create',
        summary:
          "Plan import: 5 rows imported; rows skipped at the importer's choice (skipInvalidRows): 11, 12",
      },
    ]);
    const record = await t.dataSource.query(
      `SELECT summary FROM import_record WHERE id = ${Number(partial.body.importId)}`,
    );
    expect(JSON.parse(record[0].summary)).toMatchObject({
      create: 5,
      error: 2,
      skippedRows: [11, 12],
    });

    // Read again: the findings are now the tracker's own, and the actions are skipped.
    const again = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true&conflict=skip`)
      .attach('file', file, 'cqc-improvement-plan.xlsx')
      .expect(200);
    expect(again.body.rows.map((r: Row) => [r.row, r.outcome, r.finding.state])).toEqual([
      [6, 'skip', 'existing'],
      [7, 'skip', 'existing'],
      [8, 'skip', 'existing'],
      [10, 'skip', 'existing'],
      [11, 'error', 'new'],
      [12, 'error', 'new'],
      [14, 'skip', 'existing'],
    ]);
  });

  it.each([
    [
      'an Excel 97-2003 workbook',
      Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]),
      /^this is an Excel 97-2003 workbook \(\.xls\) or a password-protected one/,
    ],
    [
      'an OpenDocument spreadsheet',
      zip([
        packed('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'),
        packed('content.xml', '<office:document-content/>'),
        packed('META-INF/manifest.xml', '<manifest:manifest/>'),
      ]),
      /^this is an OpenDocument spreadsheet \(\.ods\)/,
    ],
  ])('says what to do with %s', async (_label, content, reason) => {
    const organisation = await buildOrganisation(t.http);
    const { body } = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true`)
      .attach('file', content, 'plan.xls')
      .expect(400);
    expect(body.errors).toEqual([{ field: 'file', reason: expect.stringMatching(reason) }]);
  });

  it('reads the sheet asked for, and says which sheets there are when it is not there', async () => {
    const organisation = await buildOrganisation(t.http);
    const file = await trustWorkbook();
    const archive = await quality
      .post(
        `/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true&sheet=${encodeURIComponent('Closed actions (archive)')}`,
      )
      .attach('file', file, 'plan.xlsx')
      .expect(200);
    expect(archive.body).toMatchObject({
      sheet: 'Closed actions (archive)',
      headerRow: 1,
      counts: { create: 1, error: 0 },
    });
    const missing = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true&sheet=Summary`)
      .attach('file', file, 'plan.xlsx')
      .expect(400);
    expect(missing.body.errors).toEqual([
      {
        field: 'sheet',
        reason:
          'the file has no sheet "Summary"; its sheets are "Cover", "Closed actions (archive)", "CQC Action Plan 2025"',
      },
    ]);
    const cover = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true&sheet=Cover`)
      .attach('file', file, 'plan.xlsx')
      .expect(400);
    expect(cover.body.errors[0]).toEqual({
      field: 'sheet',
      reason: expect.stringMatching(/^No header row found in the first 30 rows of sheet "Cover"/),
    });
  });

  it('shows the page preview without Confirm when rows have problems, offers the good rows, and imports them when chosen', async () => {
    const organisation = await buildOrganisation(t.http);
    const file = await trustWorkbook();
    const page = await quality
      .post('/import')
      .field('kind', 'plan')
      .field('organisationId', String(organisation.id))
      .field('conflict', 'stop')
      .attach('file', file, 'cqc-improvement-plan.xlsx')
      .expect(200);
    expect(page.text).not.toContain('Confirm and import');
    expect(page.text).toContain('Import the 5 good rows');
    // A sheet named on the form that the file does not have: said on the form, by the field.
    const noSheet = await quality
      .post('/import')
      .field('kind', 'plan')
      .field('organisationId', String(organisation.id))
      .field('sheet', 'Summary')
      .attach('file', file, 'cqc-improvement-plan.xlsx')
      .expect(400);
    expect(noSheet.text).toContain('id="sheet-error"');
    expect(noSheet.text).toContain('the file has no sheet &quot;Summary&quot;');
    expect(page.text).toContain('Row 11: Target date: &quot;Ongoing&quot; is not a date');
    expect(page.text).toContain('Row 12: Regulation: regulation 45 is not a regulation');
    expect(page.text).toContain('Same finding as row 6 (MD1)');
    expect(page.text).toContain('revised from 31 March 2025');
    expect(page.text).toContain('Target date (old) (hidden)');
    expect(page.text).toMatch(/<option value="CQC Action Plan 2025" selected>/);
    const id = Number(/action="\/import\/(\d+)\/confirm"/.exec(page.text)![1]);

    // Another sheet of the same upload, read again without uploading it again.
    const other = await quality
      .post(`/import/${id}/sheet`)
      .type('form')
      .send({ sheet: 'Closed actions (archive)' })
      .expect(200);
    expect(other.text).toMatch(/<option value="Closed actions \(archive\)" selected>/);
    expect(other.text).toContain('Confirm and import');
    const back = await quality
      .post(`/import/${id}/sheet`)
      .type('form')
      .send({ sheet: 'CQC Action Plan 2025' })
      .expect(200);
    expect(back.text).toContain('Import the 5 good rows');

    const confirmed = await quality
      .post(`/import/${id}/confirm`)
      .type('form')
      .send({ skipInvalidRows: 'yes' })
      .expect(303);
    expect(confirmed.headers.location).toBe(
      `/actions?organisationId=${organisation.id}&done=imported`,
    );
    expect(await count('action', `organisation_id = ${organisation.id}`)).toBe(5);
  });

  it('offers nothing to import when no row can be imported, and Confirm only for a clean plan', async () => {
    const organisation = await buildOrganisation(t.http);
    const csv = 'Ref,Issue,Action,Lead,Due date\nB1,The trust must act.,Act,Amy Owner,someday\n';
    const bad = await quality
      .post('/import')
      .field('kind', 'plan')
      .field('organisationId', String(organisation.id))
      .attach('file', Buffer.from(csv), 'plan.csv')
      .expect(200);
    expect(bad.text).not.toContain('Confirm and import');
    expect(bad.text).not.toMatch(/Import the \d+ good rows/);
    expect(bad.text).not.toMatch(/action="\/import\/\d+\/confirm"/);
    expect(bad.text).toContain('Nothing in this file can be imported as it is');
    // Asking the API to skip every row stores nothing either.
    await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&skipInvalidRows=true`)
      .attach('file', Buffer.from(csv), 'plan.csv')
      .expect(422);
    expect(await count('action', `organisation_id = ${organisation.id}`)).toBe(0);

    const good = await quality
      .post('/import')
      .field('kind', 'plan')
      .field('organisationId', String(organisation.id))
      .attach('file', Buffer.from(csv.replace('someday', '31/12/2026')), 'plan.csv')
      .expect(200);
    expect(good.text).toContain('Confirm and import');
  });

  it('puts actions under findings the trust already holds when the plan names them only by reference', async () => {
    const organisation = await buildOrganisation(t.http);
    const finding = await buildFinding(t.http, organisation.id, {
      reference: 'MD7',
      text: 'The trust must ensure that resuscitation equipment is checked daily.',
    });
    const csv =
      'Ref,We will,Lead,Timescale,Measure of success\n' +
      'MD7,Daily checklist on every ward,Amy Owner,Q3 2026/27,100% of checks done for 3 months\n' +
      'MD7,Monthly audit of the checklists,Amy Owner,Jan-27,\n' +
      'MD99,Something else,Amy Owner,31/12/2026,\n';
    const preview = await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&dryRun=true`)
      .attach('file', Buffer.from(csv), 'plan.csv')
      .expect(200);
    expect(
      preview.body.rows.map(
        (r: {
          row: number;
          reference: string;
          outcome: string;
          finding: { state: string | null; text: string | null };
          dueDate: string | null;
          problems: string[];
        }) => [
          r.row,
          r.reference,
          r.outcome,
          r.finding.state,
          r.finding.text,
          r.dueDate,
          r.problems,
        ],
      ),
    ).toEqual([
      [2, 'MD7.1', 'create', 'existing', finding.text, '2026-12-31', []],
      [3, 'MD7.2', 'create', 'existing', finding.text, '2027-01-31', []],
      [
        4,
        'MD99',
        'error',
        null,
        null,
        '2026-12-31',
        ['Finding: empty; an action needs the finding it addresses'],
      ],
    ]);
    await quality
      .post(`/api/v1/imports/plan?organisationId=${organisation.id}&skipInvalidRows=true`)
      .attach('file', Buffer.from(csv), 'plan.csv')
      .expect(200);
    const linked = await t.dataSource.query(
      `SELECT a.reference, a.success_measure FROM action a JOIN action_finding af ON af.action_id = a.id WHERE af.finding_id = ${Number(finding.id)} ORDER BY a.reference`,
    );
    expect(linked).toEqual([
      { reference: 'MD7.1', success_measure: '100% of checks done for 3 months' },
      { reference: 'MD7.2', success_measure: null },
    ]);
    expect(await count('finding', `organisation_id = ${organisation.id}`)).toBe(1);
  });
});
