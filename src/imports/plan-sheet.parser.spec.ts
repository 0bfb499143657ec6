import {
  Cell,
  classifyHeading,
  parsePlanRows,
  parsePlanWorkbook,
  readPlanDate,
  readRegulations,
  readStatus,
  UnknownSheetError,
} from './plan-sheet.parser';

describe('plan sheet reading', () => {
  it.each([
    ['CQC said (finding)', 'finding'],
    ['We will (action)', 'action'],
    ['Target date - revised', 'revisedDueDate'],
    ['Revised target date', 'revisedDueDate'],
    ['Target date - original', 'dueDate'],
    ['Original target date', 'dueDate'],
    ['Action owner', 'owner'],
    ['Lead Director', 'executiveLead'],
    ['Accountable Executive', 'executiveLead'],
    ['Exec Lead', 'executiveLead'],
    ['MUST / SHOULD', 'type'],
    ['Must do / Should do', 'finding'],
    ['Regulation breached', 'regulation'],
    ['Reg.', 'regulation'],
    ['Key Question / Domain', 'keyQuestion'],
    ['Core Service', 'coreService'],
    ['BRAG rating', 'status'],
    ['Progress update (as at 31/05/2025)', 'progress'],
    ['Position as at 31 May 2025', 'progress'],
    ['Evidence of completion / assurance', 'evidence'],
    ['Action ref', 'actionReference'],
    ['CQC Ref', 'reference'],
    ['Timescale', 'dueDate'],
    ['Actions to be taken to address the finding', 'action'],
    ['Item to be rectified', 'finding'],
    ['What are we going to do?', 'action'],
    ['What did CQC find?', 'finding'],
    ['Who', 'owner'],
    ['By when', 'dueDate'],
    ['Measure of success', 'successMeasure'],
    ['How will we know we have succeeded?', 'successMeasure'],
    ['Notes', null],
    ['', null],
  ])('reads the heading "%s" as %s', (heading, column) => {
    expect(classifyHeading(heading)).toBe(column);
  });

  it.each([
    ['Reg 18', ['18']],
    ['Regulation 12(2)(a)', ['12(2)(a)']],
    ['12 & 17', ['12', '17']],
    ['R17', ['17']],
    ['Regs 12, 17 and 18', ['12', '17', '18']],
    ['Regulation 17 - Good governance', ['17']],
    ['Reg 12 (Safe care and treatment)', ['12']],
    ['HSCA (RA) Regulations 2014 Reg 12', ['12']],
    ['12(1) / 17(2)(b)', ['12(1)', '17(2)(b)']],
    ['Reg 12 & Reg 17', ['12', '17']],
  ])('reads the regulation cell "%s"', (text, expected) => {
    const { citations } = readRegulations(text);
    expect(citations.map((c) => `${c.number}${c.paragraph ?? ''}`)).toEqual(expected);
  });

  it.each([
    ['31/03/2025', '2025-03-31'],
    ['March 2025', '2025-03-31'],
    ['Feb-26', '2026-02-28'],
    ['end of June 2025', '2025-06-30'],
    ['Q1 2025/26', '2025-06-30'],
    ['Q3 2025/26', '2025-12-31'],
    ['Q4 2025/26', '2026-03-31'],
    ['Q2 24/25', '2024-09-30'],
    [new Date(Date.UTC(2025, 8, 30)), '2025-09-30'],
    [45747, '2025-03-31'],
    ['Ongoing', null],
    ['Q1 2025', null],
    ['Q1 2025/27', null],
    ['Marc 2025', null],
    ['31/03/2025 (revised)', '2025-03-31'],
    ['31/12/2024 revised to 30 June 2025', '2025-06-30'],
  ])('reads the date %p', (value, expected) => {
    expect(readPlanDate(value)).toBe(expected);
  });

  it('chooses the sheet that looks like a plan, or the one asked for', () => {
    const plan = [
      ['Ref', 'Finding', 'Action', 'Owner', 'Due date'],
      ['1', 'The trust must act.', 'Act', 'A Person', '31/03/2026'],
    ];
    const workbook = {
      sheets: [
        {
          name: 'Cover',
          hidden: false,
          rows: [['CQC action plan'], ['Version 3']],
          hiddenColumns: [],
        },
        { name: 'Old plan', hidden: true, rows: plan, hiddenColumns: [] },
        { name: 'Plan 2025', hidden: false, rows: plan, hiddenColumns: [] },
      ],
    };
    const chosen = parsePlanWorkbook(workbook);
    expect(chosen.sheet).toBe('Plan 2025');
    expect(chosen.sheets.map((s) => [s.name, s.hidden, s.looksLikePlan])).toEqual([
      ['Cover', false, false],
      ['Old plan', true, true],
      ['Plan 2025', false, true],
    ]);
    expect(parsePlanWorkbook(workbook, { sheet: 'old plan' }).sheet).toBe('Old plan');
    expect(() => parsePlanWorkbook(workbook, { sheet: 'Nope' })).toThrow(UnknownSheetError);
    expect(() => parsePlanWorkbook(workbook, { sheet: 'Cover' })).toThrow(/No header row/);
  });

  it('reads a second heading row, the latest of monthly updates, a % column, and passes over a colour key', () => {
    const rows: Cell[][] = [
      ['Trust CQC action plan'],
      [
        'No.',
        'Domain',
        'Issue',
        'Action',
        'Lead',
        'Target date',
        'Target date',
        'Update',
        'Update',
        '% complete',
      ],
      [null, null, null, null, null, 'Original', 'Revised', 'April', 'May', null],
      [
        '1',
        'Safe, Effective',
        'The trust must train staff.',
        'Training',
        'A Lead',
        '31/03/2025',
        '30/06/2025',
        'Started',
        'Half done',
        0.5,
      ],
      [
        '2',
        'Are services well led?',
        'The trust must review risks.',
        'Review',
        'A Lead',
        '31/03/2025',
        null,
        'Done in April',
        null,
        '100',
      ],
      [],
      ['Key:', 'Blue = complete and evidenced'],
    ];
    const plan = parsePlanWorkbook({
      sheets: [{ name: 'Plan', hidden: false, rows, hiddenColumns: [] }],
    });
    expect(plan.headerRow).toBe(2);
    expect(plan.headings).toMatchObject({
      dueDate: 'Target date - Original',
      revisedDueDate: 'Target date - Revised',
      progress: 'Update - April',
      percent: '% complete',
    });
    expect(
      plan.rows.map((r) => [
        r.row,
        r.keyQuestion,
        r.dueDate,
        r.originalDueDate,
        r.progressNote,
        r.progress,
        r.problems,
      ]),
    ).toEqual([
      [4, 'Safe', '2025-06-30', '2025-03-31', 'Half done', 50, []],
      [5, 'Well-led', '2025-03-31', null, 'Done in April', 100, []],
    ]);
    expect(plan.notRead).toEqual([{ row: 7, text: 'Key: | Blue = complete and evidenced' }]);
  });

  it.each([
    ['Safe', 'Safe'],
    ['Safety', 'Safe'],
    ['Are services well led?', 'Well-led'],
    ['Leadership', 'Well-led'],
    ['Effective, Safe', 'Effective'],
    ['S2', 'Safe'],
    ['W1 Governance', 'Well-led'],
    ['Responsiveness', 'Responsive'],
  ])('reads the key question cell "%s"', (cell, expected) => {
    const plan = parsePlanRows([
      ['Key question', 'Finding', 'Action', 'Due date'],
      [cell, 'The trust must act.', 'Act', '31/03/2026'],
    ]);
    expect([plan.rows[0].keyQuestion, plan.rows[0].problems]).toEqual([expected, []]);
  });

  it.each([
    ['M', 'MUST'],
    ['S', 'SHOULD'],
    ['Requirement notice', 'MUST'],
    ['Should do', 'SHOULD'],
  ])('reads the type cell "%s"', (cell, expected) => {
    const plan = parsePlanRows([
      ['Type', 'Issue', 'Action', 'Date'],
      [cell, 'Staff training was out of date.', 'Train', '31/03/2026'],
    ]);
    expect(plan.rows[0].findingType).toBe(expected);
  });

  it('says which columns are empty when a row has an owner but neither finding nor action', () => {
    const plan = parsePlanRows([
      ['Ref', 'CQC said (finding)', 'We will (action)', 'Lead', 'Due date'],
      ['7', null, null, 'A Lead', '31/03/2026'],
    ]);
    expect(plan.rows[0].problems).toEqual([
      'has neither a finding nor an action ("CQC said (finding)" and "We will (action)": empty)',
    ]);
  });

  it('reads bands across the sheet: a core service, a key question, a finding with its actions under it', () => {
    const plan = parsePlanRows([
      ['Ref', 'Action', 'Lead', 'Due date', 'RAG'],
      ['Medical care (including older people’s care)', null, null, null, null],
      ['Safe', null, null, null, null],
      [
        'MD1: The trust must ensure that staff complete sepsis training. (Regulation 12)',
        null,
        null,
        null,
        null,
      ],
      ['1.1', 'Sepsis e-learning for all ward staff', 'A Lead', '31/03/2026', 'Amber'],
      ['1.2', 'Audit sepsis screening monthly', 'A Lead', '30/06/2026', 'Green'],
      ['Theme 2: Staffing', null, null, null, null],
      [
        'Note: actions rated Blue are retained for 3 months before moving to the Closed actions log.',
        null,
        null,
        null,
        null,
      ],
    ]);
    expect(
      plan.rows.map((r) => [
        r.row,
        r.reference,
        r.findingReference,
        r.findingRow,
        r.findingText,
        r.findingType,
        r.coreService,
        r.keyQuestion,
        r.regulations.map((c) => c.number),
        r.problems,
      ]),
    ).toEqual([
      [
        5,
        '1.1',
        'MD1',
        4,
        'The trust must ensure that staff complete sepsis training. (Regulation 12)',
        'MUST',
        "Medical care (including older people's care)",
        'Safe',
        ['12'],
        [],
      ],
      [
        6,
        '1.2',
        'MD1',
        4,
        'The trust must ensure that staff complete sepsis training. (Regulation 12)',
        'MUST',
        "Medical care (including older people's care)",
        'Safe',
        ['12'],
        [],
      ],
    ]);
    expect(plan.sections.map((s) => s.row)).toEqual([2, 3, 4]);
    // A theme band names no core service: listed as not read, never a new core service.
    expect(plan.notRead.map((r) => r.row)).toEqual([7, 8]);
  });
});

describe('plan cells as the tester found them', () => {
  it('keeps both paragraphs of "Reg 12(2)(a) & (b)"', () => {
    expect(readRegulations('Reg 12(2)(a) & (b)').citations.map((c) => c.paragraph)).toEqual([
      '(2)(a)',
      '(2)(b)',
    ]);
  });

  it.each([
    ['Lead - executive', 'executiveLead'],
    ['Executive lead (name)', 'executiveLead'],
    ['Exec sponsor', 'executiveLead'],
    ['Lead - operational', 'owner'],
    ['Action Lead', 'owner'],
  ])('reads the heading "%s" as %s', (heading, column) => {
    expect(classifyHeading(heading)).toBe(column);
  });

  it.each([
    ['In progress', 'started'],
    ['On track', 'started'],
    ['Green - on track', 'started'],
    ['A', 'started'],
    ['At risk', 'started'],
    ['Behind schedule', 'off track'],
    ['Delayed', 'off track'],
    ['Red', 'off track'],
    ['Not started', 'not started'],
    ['Not yet started', 'not started'],
    ['B', 'completed'],
    ['Complete - evidence received', 'completed'],
  ])('reads the status "%s" as %s', (text, expected) => {
    expect(readStatus(text)).toBe(expected);
  });
});
