import ExcelJS from 'exceljs';
import { buildFinding, buildOrganisation, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';

/**
 * Workbooks built like the ones a tester ran through the plan import (a key at the foot of the
 * sheet, MUST/SHOULD DO bands, a closed-actions sheet first, two heading rows merged down,
 * status and RAG words), each checked through the real app and database.
 */
const D = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const bytes = async (workbook: ExcelJS.Workbook) => Buffer.from(await workbook.xlsx.writeBuffer());

describe('plan import: workbooks as a tester built them', () => {
  let t: TestApp;
  let quality: Client;
  const count = async (sql: string) => Number((await t.dataSource.query(sql))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    quality = await t.as(await buildUser(t.http, { role: 'quality_lead' }));
  });
  afterAll(() => t.close());

  const upload = (file: Buffer, query: string) =>
    quality
      .post(`/api/v1/imports/plan?createUsers=true&${query}`)
      .attach('file', file, 'plan.xlsx');

  it('does not read a colour key or a total row at the foot of the sheet, and stores what the preview counts', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Must do');
    ws.mergeCells('A1:H1');
    ws.getCell('A1').value = 'CQC Must Do Action Plan';
    ws.getCell('A2').value = 'Position as at 31/07/2025';
    ws.getRow(4).values = [
      'Ref',
      'CQC said (finding)',
      'Regulation',
      'We will (action)',
      'Owner',
      'Exec lead',
      'Target date',
      'RAG',
    ];
    ws.getRow(5).values = [
      'MD1',
      'The trust must ensure staff are up to date with basic life support training.',
      'Reg 18(2)(a)',
      'BLS trajectory by ward',
      'Resus lead',
      'Chief Nurse',
      D(2025, 9, 30),
      'A',
    ];
    ws.getRow(6).values = [
      'MD2',
      'The trust must ensure records are stored securely.',
      'Regulation 17(2)(c)',
      'Lockable notes trolleys',
      'Estates',
      'COO',
      D(2025, 6, 30),
      'B',
    ];
    ws.getRow(8).values = ['Key'];
    ws.getRow(9).values = ['B', 'Complete - evidence received and signed off'];
    ws.getRow(10).values = ['G', 'On track to deliver by target date'];
    ws.getRow(11).values = ['A', 'At risk - revised date agreed'];
    ws.getRow(12).values = ['R', 'Off track - escalated to exec lead'];
    ws.getRow(14).values = ['Total actions', null, null, { formula: 'COUNTA(D5:D6)', result: 2 }];
    const file = await bytes(workbook);
    const organisation = await buildOrganisation(t.http);

    const preview = (
      await upload(file, `organisationId=${organisation.id}&dryRun=true`).expect(200)
    ).body;
    expect(preview.rows.map((r: { row: number }) => r.row)).toEqual([5, 6]);
    expect(preview.sections).toEqual([]);
    expect(preview.notRead.map((r: { row: number }) => r.row)).toEqual([8, 9, 10, 11, 12, 14]);
    expect(preview.counts).toEqual({ create: 2, update: 0, skip: 0, error: 0 });
    expect(preview.newUsers.sort()).toEqual(['COO', 'Chief Nurse', 'Estates', 'Resus lead']);

    const done = (await upload(file, `organisationId=${organisation.id}`).expect(200)).body;
    expect(done.counts.create).toBe(2);
    // What the preview counted is what is stored: two actions, two findings, no core service.
    expect(
      await count(`SELECT COUNT(*) AS n FROM action WHERE organisation_id = ${organisation.id}`),
    ).toBe(2);
    expect(
      await count(`SELECT COUNT(*) AS n FROM finding WHERE organisation_id = ${organisation.id}`),
    ).toBe(2);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM core_service WHERE organisation_id = ${organisation.id}`,
      ),
    ).toBe(0);
  });

  it('reads MUST DO / SHOULD DO bands as the type of the rows under them, never a core service, and prefers the open plan to a closed-actions sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    const heads = ['Ref', 'CQC finding', 'Action', 'Owner', 'Exec lead', 'Due date', 'RAG'];
    const closed = workbook.addWorksheet('Closed actions');
    closed.getRow(1).values = ['Closed actions - archive'];
    closed.getRow(3).values = heads;
    closed.getRow(4).values = [
      'MD 9',
      'Staff did not always check emergency equipment.',
      'Daily checks',
      'Ward manager',
      'Chief Nurse',
      D(2024, 12, 31),
      'B',
    ];
    const ws = workbook.addWorksheet('Action plan');
    ws.mergeCells('A1:G1');
    ws.getCell('A1').value = 'CQC action plan - Surgery';
    ws.getCell('A2').value = 'Position as at 31 July 2025';
    ws.getRow(4).values = heads;
    ws.mergeCells('A5:G5');
    ws.getCell('A5').value = 'MUST DO ACTIONS';
    ws.getRow(6).values = [
      'MD 1',
      'Staff did not always complete the WHO surgical safety checklist.',
      'WHO checklist observational audit',
      'Theatre manager',
      'Medical Director',
      D(2025, 9, 30),
      'A',
    ];
    ws.getRow(7).values = [
      'MD 2',
      'Not all staff had completed mandatory training.',
      'Training recovery plan',
      'Surgical matron',
      'Chief Nurse',
      D(2025, 10, 31),
      'G',
    ];
    ws.mergeCells('A9:G9');
    ws.getCell('A9').value = 'SHOULD DO ACTIONS';
    ws.getRow(10).values = [
      'SD 1',
      'Patients were not always given information about their discharge medicines.',
      'Discharge leaflet',
      'Pharmacy lead',
      'Medical Director',
      D(2025, 12, 31),
      'G',
    ];
    // A key to the right of the table, beside the bands.
    ws.getCell('J4').value = 'Key';
    ws.getCell('J5').value = 'B';
    ws.getCell('K5').value = 'Complete';
    ws.getCell('J6').value = 'G';
    ws.getCell('K6').value = 'On track';
    const file = await bytes(workbook);
    const organisation = await buildOrganisation(t.http);

    const preview = (
      await upload(file, `organisationId=${organisation.id}&dryRun=true`).expect(200)
    ).body;
    expect(preview.sheet).toBe('Action plan');
    expect(preview.sections.map((s: { text: string }) => s.text)).toEqual([
      'MUST DO ACTIONS',
      'SHOULD DO ACTIONS',
    ]);
    type Row = {
      row: number;
      finding: { type: string; coreService: string | null };
      status: string;
      problems: string[];
    };
    expect(
      preview.rows.map((r: Row) => [
        r.row,
        r.finding.type,
        r.finding.coreService,
        r.status,
        r.problems,
      ]),
    ).toEqual([
      [6, 'MUST', null, 'IN_PROGRESS', []],
      [7, 'MUST', null, 'IN_PROGRESS', []],
      [10, 'SHOULD', null, 'IN_PROGRESS', []],
    ]);
    expect(preview.newUsers).not.toContain('MUST DO ACTIONS');

    await upload(file, `organisationId=${organisation.id}`).expect(200);
    const types = await t.dataSource.query(
      `SELECT reference, type FROM finding WHERE organisation_id = ${organisation.id} ORDER BY reference`,
    );
    expect(types).toEqual([
      { reference: 'MD 1', type: 'MUST' },
      { reference: 'MD 2', type: 'MUST' },
      { reference: 'SD 1', type: 'SHOULD' },
    ]);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM core_service WHERE organisation_id = ${organisation.id}`,
      ),
    ).toBe(0);
  });

  it('reads two heading rows with the single headings merged down as one header: the revised date and the latest update win', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Must Dos');
    ws.mergeCells('A1:K1');
    ws.getCell('A1').value = 'MUST DO action plan - maternity services';
    ws.getCell('A2').value = 'Position as at 31 May 2025';
    ws.getRow(4).values = [
      'Ref',
      'Finding',
      'Regulation',
      'Action',
      'Owner',
      'Exec lead',
      'Target date',
      'Target date',
      'Progress update',
      'Progress update',
      'Status',
    ];
    ws.getRow(5).values = ['', '', '', '', '', '', 'Original', 'Revised', 'April', 'May', ''];
    ws.mergeCells('G4:H4');
    ws.mergeCells('I4:J4');
    for (const c of ['A', 'B', 'C', 'D', 'E', 'F', 'K']) ws.mergeCells(`${c}4:${c}5`);
    ws.getRow(6).values = [
      'M1',
      'The trust must ensure CTG reviews are carried out hourly.',
      'Reg 12(2)(a)',
      'Fresh eyes audit',
      'Fetal monitoring lead',
      'Director of Midwifery',
      D(2025, 3, 31),
      D(2025, 6, 30),
      'Audit started',
      '60% - 3 of 5 units',
      'Amber',
    ];
    ws.getRow(7).values = [
      'M2',
      'The trust must ensure emergency equipment is checked daily.',
      'Regulation 12(2)(e)',
      'Resus trolley checks on e-checklist',
      'Ward managers',
      'Director of Midwifery',
      D(2025, 4, 30),
      null,
      'Complete',
      '',
      'Blue',
    ];
    const organisation = await buildOrganisation(t.http);
    const preview = (
      await upload(await bytes(workbook), `organisationId=${organisation.id}&dryRun=true`).expect(
        200,
      )
    ).body;
    expect(preview.headerRow).toBe(4);
    type Row = {
      row: number;
      dueDate: string;
      originalDueDate: string | null;
      status: string;
      progress: number;
      problems: string[];
    };
    expect(
      preview.rows.map((r: Row) => [
        r.row,
        r.dueDate,
        r.originalDueDate,
        r.status,
        r.progress,
        r.problems,
      ]),
    ).toEqual([
      [6, '2025-06-30', '2025-03-31', 'IN_PROGRESS', 60, []],
      [7, '2025-04-30', null, 'COMPLETED', 100, []],
    ]);
    expect(preview.newUsers).not.toContain('Owner');
  });

  it('reads status and RAG words, an executive lead after a dash, both paragraphs of "(a) & (b)"; a percentage inside a sentence is not progress; an empty RAG is a warning', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Plan');
    ws.getRow(1).values = [
      'Ref',
      'Requirement (from CQC report)',
      'Regulation',
      'Action - what we will do',
      'Lead - operational',
      'Lead - executive',
      'Date - target',
      'Status (BRAG)',
      'Progress update - May 2025',
    ];
    const f = (n: number) => `The trust must ensure that item ${n} is done.`;
    const rows: [string, string, string][] = [
      ['In progress', 'Trajectory 82% vs 90% target', 'Reg 12(2)(a) & (b)'],
      ['Behind schedule', '', 'Reg 17'],
      ['Green - on track', '', 'Reg 17'],
      ['R', '', 'Reg 17'],
      ['Not started', '', 'Reg 17'],
      ['', '', 'Reg 17'],
    ];
    rows.forEach(([status, note, reg], i) => {
      ws.getRow(i + 2).values = [
        `MD${i + 1}`,
        f(i + 1),
        reg,
        `Action ${i + 1}`,
        'Ward manager',
        'Chief Nurse',
        D(2030, 6, 30),
        status || null,
        note || null,
      ];
    });
    const organisation = await buildOrganisation(t.http);
    const file = await bytes(workbook);
    const preview = (
      await upload(file, `organisationId=${organisation.id}&dryRun=true`).expect(200)
    ).body;
    type Row = {
      row: number;
      status: string;
      progress: number;
      executiveLead: string;
      warnings: string[];
      finding: { regulations: string[] };
    };
    expect(
      preview.rows.map((r: Row) => [
        r.row,
        r.status,
        r.progress,
        r.executiveLead,
        r.warnings.length,
      ]),
    ).toEqual([
      [2, 'IN_PROGRESS', 0, 'Chief Nurse', 0],
      [3, 'IN_PROGRESS', 0, 'Chief Nurse', 0],
      [4, 'IN_PROGRESS', 0, 'Chief Nurse', 0],
      [5, 'IN_PROGRESS', 0, 'Chief Nurse', 0],
      [6, 'NOT_STARTED', 0, 'Chief Nurse', 0],
      [7, 'NOT_STARTED', 0, 'Chief Nurse', 1],
    ]);
    expect(preview.rows[0].finding.regulations).toEqual([
      'Regulation 12(2)(a)',
      'Regulation 12(2)(b)',
    ]);
    expect(preview.rows[5].warnings[0]).toMatch(/^Status \(BRAG\): empty/);
    expect(preview.unreadColumns).not.toContain('Lead - executive');

    await upload(file, `organisationId=${organisation.id}`).expect(200);
    // Off-track words flag the first progress entry off track, as a person would.
    const flags = await t.dataSource.query(
      `SELECT a.reference AS reference, a.status AS status, p.off_track AS off_track FROM action a JOIN progress_update p ON p.action_id = a.id WHERE a.organisation_id = ${organisation.id} ORDER BY a.reference`,
    );
    expect(
      flags.map((f: { reference: string; status: string; off_track: number | boolean }) => [
        f.reference,
        f.status,
        !!f.off_track,
      ]),
    ).toEqual([
      ['MD1', 'IN_PROGRESS', false],
      ['MD2', 'IN_PROGRESS', true],
      ['MD3', 'IN_PROGRESS', false],
      ['MD4', 'IN_PROGRESS', true],
    ]);
  });

  it('warns when a row reuses the reference of a finding the trust holds with other words', async () => {
    const organisation = await buildOrganisation(t.http);
    await buildFinding(t.http, organisation.id, {
      reference: 'MD1',
      text: 'The trust must ensure staff receive supervision.',
    });
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Plan');
    ws.getRow(1).values = ['Ref', 'Finding', 'Action', 'Owner', 'Due date'];
    ws.getRow(2).values = [
      'MD1',
      'The trust must ensure records are stored securely.',
      'Lockable trolleys',
      'Estates',
      D(2030, 6, 30),
    ];
    const preview = (
      await upload(await bytes(workbook), `organisationId=${organisation.id}&dryRun=true`).expect(
        200,
      )
    ).body;
    expect(preview.rows[0].outcome).toBe('create');
    expect(preview.rows[0].warnings).toEqual([
      'Ref: the trust already holds a finding MD1 with different words ("The trust must ensure staff receive supervision."); this row makes a second finding MD1',
    ]);
  });
});
