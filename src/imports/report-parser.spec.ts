import fs from 'node:fs';
import path from 'node:path';
import { parseReport } from './report-parser';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '../../test/fixtures', name), 'utf8');

describe('parseReport', () => {
  const report = parseReport(fixture('report-community-trust.txt').split('\f'));
  const summary = report.findings.map((f) => ({
    reference: f.reference,
    type: f.type,
    coreService: f.coreService,
    keyQuestion: f.keyQuestion,
    deadline: f.deadline,
    regulations: f.regulations.map((r) => `${r.instrument}:${r.number}${r.paragraph ?? ''}`),
    line: f.line,
    page: f.page,
  }));

  it('reads the provider and the inspection and publication dates', () => {
    expect(report.organisation).toEqual({ name: 'Northbrook Community Health NHS Trust' });
    expect(report.inspection).toEqual({
      visitStart: '2017-10-03',
      visitEnd: '2017-10-12',
      publishedOn: '2018-02-01',
    });
  });

  it('reads the ratings grid for the trust and for each core service', () => {
    expect(report.ratings.map((r) => [r.coreService, r.scope, r.rating])).toEqual([
      [null, 'Overall', 'Requires improvement'],
      [null, 'Safe', 'Requires improvement'],
      [null, 'Effective', 'Good'],
      [null, 'Caring', 'Good'],
      [null, 'Responsive', 'Requires improvement'],
      [null, 'Well-led', 'Requires improvement'],
      ['Community health inpatient services', 'Overall', 'Requires improvement'],
      ['Community health inpatient services', 'Safe', 'Inadequate'],
      ['Community health inpatient services', 'Caring', 'Good'],
    ]);
  });

  it('finds exactly the findings the report states, where it states them', () => {
    const inpatient = 'Community health inpatient services';
    const children = 'Community health services for children, young people and families';
    const adults = 'Community health services for adults';
    expect(summary).toEqual([
      {
        reference: 'RI1',
        type: 'RATING',
        coreService: inpatient,
        keyQuestion: 'Safe',
        deadline: null,
        regulations: [],
        line: 22,
        page: 1,
      },
      {
        reference: 'RI2',
        type: 'RATING',
        coreService: inpatient,
        keyQuestion: 'Safe',
        deadline: null,
        regulations: [],
        line: 24,
        page: 1,
      },
      {
        reference: 'MD1',
        type: 'MUST',
        coreService: inpatient,
        keyQuestion: null,
        deadline: null,
        regulations: ['2014:18'],
        line: 32,
        page: 2,
      },
      {
        reference: 'MD2',
        type: 'MUST',
        coreService: inpatient,
        keyQuestion: null,
        deadline: null,
        regulations: ['2014:12(1)(2)(g)'],
        line: 34,
        page: 2,
      },
      {
        reference: 'SD1',
        type: 'SHOULD',
        coreService: inpatient,
        keyQuestion: null,
        deadline: null,
        regulations: [],
        line: 38,
        page: 2,
      },
      {
        reference: 'SD2',
        type: 'SHOULD',
        coreService: inpatient,
        keyQuestion: null,
        deadline: null,
        regulations: [],
        line: 39,
        page: 2,
      },
      {
        reference: 'MD3',
        type: 'MUST',
        coreService: children,
        keyQuestion: null,
        deadline: null,
        regulations: ['2014:12', '2014:17'],
        line: 43,
        page: 3,
      },
      {
        reference: 'MD4',
        type: 'MUST',
        coreService: children,
        keyQuestion: null,
        deadline: null,
        regulations: ['2014:17(2)(a)'],
        line: 46,
        page: 3,
      },
      {
        reference: 'MD5',
        type: 'MUST',
        coreService: adults,
        keyQuestion: null,
        deadline: null,
        regulations: ['2014:9'],
        line: 51,
        page: 4,
      },
      {
        reference: 'MD6',
        type: 'MUST',
        coreService: adults,
        keyQuestion: null,
        deadline: null,
        regulations: ['2014:18'],
        line: 51,
        page: 4,
      },
      {
        reference: 'SD3',
        type: 'SHOULD',
        coreService: null,
        keyQuestion: null,
        deadline: null,
        regulations: [],
        line: 55,
        page: 4,
      },
      {
        reference: 'WN1',
        type: 'WARNING_NOTICE',
        coreService: null,
        keyQuestion: null,
        deadline: '2022-07-31',
        regulations: [],
        line: 59,
        page: 4,
      },
      {
        reference: 'WN2',
        type: 'WARNING_NOTICE',
        coreService: null,
        keyQuestion: null,
        deadline: '2022-12-31',
        regulations: [],
        line: 60,
        page: 4,
      },
    ]);
  });

  it('keeps the words verbatim, joining wrapped lines and mending hyphenation', () => {
    const text = (reference: string) =>
      report.findings.find((f) => f.reference === reference)?.text;
    expect(text('RI2')).toBe(
      'Staff did not always check resuscitation equipment in line with trust policy.',
    );
    expect(text('MD2')).toBe(
      'The trust must ensure that medicines are stored at the right temperature on every ward. Regulation 12(1)(2)(g)',
    );
    // Split over a page break, with the running header and footer in between.
    expect(text('MD4')).toBe(
      'The trust must ensure that referral to treatment times are monitored and reported to the board. (Regulation 17(2)(a))',
    );
    expect(text('MD5')).toBe(
      'ensure patients have access to a full multidisciplinary team to enable patients to receive interventions in line with best practice. (Regulation 9)',
    );
  });

  it('warns about what it could not place, and only that', () => {
    expect(report.warnings).toEqual([
      {
        line: 61,
        page: 4,
        message:
          'A warning notice item has no deadline ("by <date>"); left out: Governance of the action plan.',
      },
    ]);
  });

  it('reads a report from before April 2015 against the 2010 regulations', () => {
    const old = parseReport([
      'Oldtown Hospitals NHS Trust\nDate of publication: 14 March 2014\nSurgery\nAction the trust MUST take to improve\n• The trust must ensure there are enough staff. (Regulation 22)\n',
    ]);
    expect(old.findings.map((f) => [f.coreService, f.regulations])).toEqual([
      ['Surgery', [{ instrument: 2010, number: '22', paragraph: null }]],
    ]);
  });

  it('tells two core services with similar names apart, and reads aliases', () => {
    const parsed = parseReport([
      'Community inpatient services\nAction the provider SHOULD take to improve\n• Improve discharge letters.\n' +
        'Community health services for children and young people\nAction the provider SHOULD take to improve\n• Publish waiting times.\n',
    ]);
    expect(parsed.findings.map((f) => f.coreService)).toEqual([
      'Community health inpatient services',
      'Community health services for children, young people and families',
    ]);
  });
});

/** The findings of a snippet, in a compact form to compare. */
const brief = (text: string) =>
  parseReport(text.split('\f')).findings.map((f) => ({
    type: f.type,
    coreService: f.coreService,
    keyQuestion: f.keyQuestion,
    regulations: f.regulations.map((r) => `${r.instrument}:${r.number}${r.paragraph ?? ''}`),
    deadline: f.deadline,
    text: f.text,
  }));

describe('parseReport: every layout CQC has used', () => {
  it('2014 quality report: the trust named in a sentence, 2010 regulations, compliance actions', () => {
    const text = [
      'Quality Report',
      'Date of inspection visit: 4-7 March 2014',
      'Date of publication: 13/08/2014',
      'Letter from the Chief Inspector of Hospitals',
      'We carried out a comprehensive inspection of Eastshire Hospitals University NHS Foundation Trust because it was placed in a high risk band.',
      'Areas for improvement',
      'Action the trust MUST take to improve',
      'Importantly, the trust must:',
      '• Ensure that there are sufficient numbers of suitably qualified, skilled and experienced staff in the emergency department.',
      'Compliance actions',
      'Action we have told the provider to take',
      'The table below shows why there is a need for additional action. Please refer to the specific service report for details.',
      'Regulated activity',
      'Regulation',
      'Treatment of disease, disorder or injury',
      'Regulation 22 HSCA 2008 (Regulated Activities) Regulations 2010 Staffing',
      'How the regulation was not being met: The registered person did not take appropriate steps to',
      'ensure that there were sufficient numbers of suitably qualified staff. Regulation 22',
    ].join('\n');
    const report = parseReport([text]);
    expect(report.organisation.name).toBe('Eastshire Hospitals University NHS Foundation Trust');
    expect(brief(text)).toEqual([
      {
        type: 'MUST',
        coreService: null,
        keyQuestion: null,
        regulations: [],
        deadline: null,
        text: 'Ensure that there are sufficient numbers of suitably qualified, skilled and experienced staff in the emergency department.',
      },
      {
        type: 'MUST',
        coreService: null,
        keyQuestion: null,
        regulations: ['2010:22'],
        deadline: null,
        text: 'The registered person did not take appropriate steps to ensure that there were sufficient numbers of suitably qualified staff. Regulation 22',
      },
    ]);
  });

  it('2017-2019 areas for improvement: intro paragraph, trust-wide and service sub-headings, indented continuations, footers mid-list, regulations in words', () => {
    const text = [
      'Areas for improvement',
      'Action the trust MUST take to improve',
      'We told the trust that it must take action to bring services into line with legal',
      'requirements. This action related to two services.',
      'Trust wide',
      '•   The trust must ensure that the board has oversight of risks on every ward,',
      '    including ligature risks. (Regulation 17 (Good governance))',
      'Acute wards for adults of working age and psychiatric intensive care units',
      '•   The trust must ensure that staff carry out physical health checks',
      'Westvale NHS Foundation Trust Inspection report 06/04/2018 23',
      '    after rapid tranquilisation, in line with regulation twelve.',
      '•   The trust must ensure that there are enough staff on every shift and that they',
      '    receive supervision. Regulation 12 and Regulation 18(1)',
      'Action the trust SHOULD take to improve',
      'Trust wide',
      '•   The trust should review its complaints process.',
    ].join('\n');
    expect(brief(text)).toEqual([
      {
        type: 'MUST',
        coreService: null,
        keyQuestion: null,
        regulations: ['2014:17'],
        deadline: null,
        text: 'The trust must ensure that the board has oversight of risks on every ward, including ligature risks. (Regulation 17 (Good governance))',
      },
      {
        type: 'MUST',
        coreService: 'Acute wards for adults of working age and psychiatric intensive care units',
        keyQuestion: null,
        regulations: ['2014:12'],
        deadline: null,
        text: 'The trust must ensure that staff carry out physical health checks after rapid tranquilisation, in line with regulation twelve.',
      },
      {
        type: 'MUST',
        coreService: 'Acute wards for adults of working age and psychiatric intensive care units',
        keyQuestion: null,
        regulations: ['2014:12', '2014:18(1)'],
        deadline: null,
        text: 'The trust must ensure that there are enough staff on every shift and that they receive supervision. Regulation 12 and Regulation 18(1)',
      },
      {
        type: 'SHOULD',
        coreService: null,
        keyQuestion: null,
        regulations: [],
        deadline: null,
        text: 'The trust should review its complaints process.',
      },
    ]);
  });

  it('"we told the provider that it must" and requirement notice wording', () => {
    const text = [
      'Northfield Mental Health NHS Trust',
      'Wards for older people with mental health problems',
      'We issued a requirement notice to the trust. This meant the trust had to send us a report',
      'saying what action it would take to meet these requirements.',
      'We told the provider that it must:',
      '• ensure that care plans are personalised. (Regulation 9)',
      '• ensure that staff receive mandatory training. (Regulation 18)',
    ].join('\n');
    expect(brief(text).map((f) => [f.type, f.coreService, f.regulations, f.text])).toEqual([
      [
        'MUST',
        'Wards for older people with mental health problems',
        ['2014:9'],
        'ensure that care plans are personalised. (Regulation 9)',
      ],
      [
        'MUST',
        'Wards for older people with mental health problems',
        ['2014:18'],
        'ensure that staff receive mandatory training. (Regulation 18)',
      ],
    ]);
  });

  it('a Section 29A warning notice in prose keeps each deadline', () => {
    const text = [
      'Following the inspection we served a Section 29A warning notice on the trust on 10 May 2022.',
      'The trust must make significant improvements in fire safety and ligature risks by 31 July',
      '2022, in staffing by 31 December 2022 and in governance by 31 March 2023.',
      'Our inspection team',
    ].join('\n');
    expect(brief(text).map((f) => [f.type, f.deadline, f.text])).toEqual([
      [
        'WARNING_NOTICE',
        '2022-07-31',
        'The trust must make significant improvements in fire safety and ligature risks by 31 July 2022',
      ],
      ['WARNING_NOTICE', '2022-12-31', 'in staffing by 31 December 2022'],
      ['WARNING_NOTICE', '2023-03-31', 'in governance by 31 March 2023.'],
    ]);
  });

  it('rating reasons belong to the core service named only in "During an inspection of"', () => {
    const text = [
      'During an inspection of Maternity services we found:',
      'Our rating of this service went down. We rated it as requires improvement because:',
      '• Not all staff had completed mandatory training in key skills.',
      '• The service did not always have enough midwives to keep women safe.',
      'However:',
      '• Staff treated women with compassion and kindness.',
    ].join('\n');
    expect(brief(text).map((f) => [f.type, f.coreService, f.text])).toEqual([
      ['RATING', 'Maternity', 'Not all staff had completed mandatory training in key skills.'],
      [
        'RATING',
        'Maternity',
        'The service did not always have enough midwives to keep women safe.',
      ],
    ]);
  });

  it('single assessment framework: statements scored 1 or 2 and key questions below good give RATING findings', () => {
    const text = [
      'Maternity',
      'Safe',
      'Requires improvement',
      'Safe: scored 50 (Requires improvement)',
      'Learning culture',
      'Score: 2',
      'Evidence shows some shortfalls',
      'Staff did not always report incidents, and learning was not shared.',
      'Safe systems, pathways and transitions',
      'Score: 3',
      'Evidence shows a good standard',
      'Staff worked well with other services.',
      'Safe and effective staffing',
      'Score: 1',
      'There were not enough midwives on most shifts.',
    ].join('\n');
    const findings = parseReport([text]).findings;
    expect(
      findings.map((f) => [
        f.type,
        f.coreService,
        f.keyQuestion,
        f.qualityStatement,
        f.score,
        f.text,
      ]),
    ).toEqual([
      ['RATING', 'Maternity', 'Safe', null, 50, 'Safe: scored 50 (Requires improvement)'],
      [
        'RATING',
        'Maternity',
        'Safe',
        'Learning culture',
        2,
        'Staff did not always report incidents, and learning was not shared.',
      ],
      [
        'RATING',
        'Maternity',
        'Safe',
        'Safe and effective staffing',
        1,
        'There were not enough midwives on most shifts.',
      ],
    ]);
  });

  it('the closing requirement notices table gives MUST findings; its preamble gives none', () => {
    const text = [
      'Requirement notices',
      'Action we have told the provider to take',
      'The table below shows the legal requirements that were not being met. The provider must send CQC a',
      'report that says what action they are going to take to meet these requirements.',
      'Regulated activity',
      'Regulation',
      'Treatment of disease, disorder or injury',
      'Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment',
      'How the regulation was not being met:',
      'The trust did not ensure that ligature risks were assessed on all wards.',
      'This was a breach of regulation 12(1)(2)(a)(b)',
      'Regulated activity',
      'Regulation',
      'Treatment of disease, disorder or injury',
      'Regulation 17 HSCA (RA) Regulations 2014 Good governance',
      'How the regulation was not being met:',
      'The trust did not have effective systems to monitor the quality of care.',
      'This was a breach of regulation 17(2)(a)',
    ].join('\n');
    expect(brief(text).map((f) => [f.type, f.regulations, f.text])).toEqual([
      [
        'MUST',
        ['2014:12(1)(2)(a)(b)'],
        'The trust did not ensure that ligature risks were assessed on all wards.',
      ],
      [
        'MUST',
        ['2014:17(2)(a)'],
        'The trust did not have effective systems to monitor the quality of care.',
      ],
    ]);
  });

  it('a report rated good gives no findings', () => {
    const text = [
      'Southgate NHS Trust',
      'Overall rating for this trust Good',
      'Are services safe? Good',
      'We rated it as good because:',
      '• Staff kept patients safe and the service had enough staff.',
      'Outstanding practice',
      '• The trust should be proud of its volunteer programme.',
    ].join('\n');
    expect(brief(text)).toEqual([]);
  });

  it('warns about an action it cannot place, with its page and line', () => {
    const report = parseReport(['Introduction\n', 'Some text.\n• Ensure that staff are trained.']);
    expect(report.findings).toEqual([]);
    expect(report.warnings).toEqual([
      expect.objectContaining({
        page: 2,
        line: 3,
        message: expect.stringContaining('Ensure that staff'),
      }),
    ]);
  });
});

describe('parseReport: wordings from the labelled corpus', () => {
  it('a reasons list without bullets or "However" keeps the shortfalls and leaves strengths out with a warning', () => {
    const report = parseReport([
      [
        'During an inspection looking at part of the service',
        'Our rating of this service went down. We rated it as requires improvement because:',
        'Managers had not ensured staff had received training necessary for their roles.',
        'Staff were respectful to patients and were caring in their approach.',
      ].join('\n'),
    ]);
    expect(report.findings.map((f) => [f.type, f.text])).toEqual([
      ['RATING', 'Managers had not ensured staff had received training necessary for their roles.'],
    ]);
    expect(report.warnings).toEqual([
      expect.objectContaining({
        line: 4,
        message: expect.stringContaining('Staff were respectful'),
      }),
    ]);
  });

  it('reads a reasons heading broken over lines, with its key question', () => {
    const findings = parseReport([
      [
        'We rated the practice as',
        'inadequate',
        'for providing safe services because:',
        '- The recruitment policy had not been fully implemented and not all the required checks had been undertaken.',
        'We rated the practice as requires improvement for providing caring services because:',
        '- Data showed low patient satisfaction with the service in some areas.',
      ].join('\n'),
    ]).findings;
    expect(findings.map((f) => [f.keyQuestion, f.text.slice(0, 30)])).toEqual([
      ['Safe', 'The recruitment policy had not'],
      ['Caring', 'Data showed low patient satisf'],
    ]);
  });

  it('skips the reasons of an earlier inspection', () => {
    const findings = parseReport([
      [
        'At the last inspection in June 2018, we rated the practice as requires improvement for providing safe services because:',
        '  • The infection prevention and control policy was brief and missing key information.',
        'At this inspection, we found that the provider had satisfactorily addressed these areas.',
      ].join('\n'),
    ]).findings;
    expect(findings).toEqual([]);
  });

  it('takes the core service a reasons heading names in its own words', () => {
    const findings = parseReport([
      [
        'We rated the forensic and secure wards as requires improvement because:',
        '- Staff had not minimised the use of restrictive practices.',
        'In both core services:',
        '- Not all staff files reviewed contained full employment history.',
      ].join('\n'),
    ]).findings;
    expect(findings.map((f) => f.coreService)).toEqual([
      'Forensic inpatient/secure wards',
      'Forensic inpatient/secure wards',
    ]);
  });

  it('dates a warning notice deadline given without a year from the document', () => {
    const findings = parseReport([
      [
        '01.02.17',
        'The S.29A notice, based on the CQC’s inspection of the trust in November and December last year, has given the trust a deadline of 10 March by which to make improvements or face further action.',
      ].join('\n'),
    ]).findings;
    expect(findings.map((f) => [f.type, f.deadline])).toEqual([['WARNING_NOTICE', '2017-03-10']]);
  });

  it('reads breaches named by regulation title and "Importantly, the provider must:"', () => {
    const findings = parseReport([
      [
        'Importantly, the provider must:',
        '- Ensure all staff have up to date training in child protection and safeguarding vulnerable adults.',
        'We rated the well-led key question as requires improvement. This was because we identified a breach of the legal regulations in relation to good governance.',
      ].join('\n'),
    ]).findings;
    expect(
      findings.map((f) => [f.type, f.keyQuestion, f.regulations.map((r) => r.number)]),
    ).toEqual([
      ['MUST', null, []],
      ['RATING', 'Well-led', ['17']],
    ]);
  });

  it('a SAF key question summary scored below good is one finding with its score', () => {
    const findings = parseReport([
      [
        'Safe',
        'At our last assessment, we rated this key question as ‘Good’. At this assessment, the rating was ‘requires improvement’.',
        'The service did not always assess or manage the risk of infection.',
        'This service scored 59 (out of 100) for this area.',
        'Learning culture',
        'We scored the service as 3. The evidence showed a good standard.',
      ].join('\n'),
    ]).findings;
    expect(findings.map((f) => [f.keyQuestion, f.score, f.qualityStatement, f.text])).toEqual([
      [
        'Safe',
        59,
        null,
        'At our last assessment, we rated this key question as ‘Good’. At this assessment, the rating was ‘requires improvement’. The service did not always assess or manage the risk of infection.',
      ],
    ]);
  });
});

describe('parseReport: core service sub-headings written as "In ...:"', () => {
  it('sets the service of the items under "In urgent and emergency care:"', () => {
    const findings = parseReport([
      [
        'Action the trust MUST take to improve',
        'We told the trust that it must take action to bring services into line with legal requirements.',
        'In urgent and emergency care:',
        '• The trust must ensure that patients are triaged within 15 minutes of arrival.',
        'In maternity services:',
        '• The trust must ensure that staff complete the fetal monitoring training.',
      ].join('\n'),
    ]).findings;
    expect(findings.map((f) => [f.type, f.coreService])).toEqual([
      ['MUST', 'Urgent and emergency services'],
      ['MUST', 'Maternity'],
    ]);
  });
});

describe('parseReport: a requirement notices table as pdf.js reads it', () => {
  it('reads rows with activities wrapped over lines, bulleted text, and no heading between rows', () => {
    const findings = parseReport([
      [
        'Requirement notices',
        'Action we have told the provider to take',
        'Regulated activity Regulation',
        'Assessment or medical treatment for persons detained under',
        'the Mental Health Act 1983',
        'Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment',
        'How the regulation was not being met:',
        '• The trust did not assess ligature risks on two wards.',
        '• Staff did not check emergency equipment.',
        'This was a breach of regulation 12(2)(b)',
        'Treatment of disease, disorder or injury Regulation 18 HSCA (RA) Regulations 2014 Staffing',
        'How the regulation was not being met: There were not enough nurses at night.',
        'Enforcement actions',
      ].join('\n'),
    ]).findings;
    expect(
      findings.map((f) => [
        f.type,
        f.regulations.map((r) => r.number + (r.paragraph ?? '')),
        f.text,
      ]),
    ).toEqual([
      [
        'MUST',
        ['12(2)(b)'],
        'The trust did not assess ligature risks on two wards. Staff did not check emergency equipment.',
      ],
      ['MUST', ['18'], 'There were not enough nurses at night.'],
    ]);
  });
});

describe('parseReport: a warning notice named after its section', () => {
  it('reads "a warning notice under Section 29A ... by <date>" in prose, one finding per deadline', () => {
    const findings = parseReport([
      'We issued a warning notice under Section 29A of the Health and Social Care Act 2008 requiring the trust to make significant improvements in staffing by 30 June 2019 and in governance by 30 September 2019.',
    ]).findings;
    expect(findings.map((f) => [f.type, f.deadline])).toEqual([
      ['WARNING_NOTICE', '2019-06-30'],
      ['WARNING_NOTICE', '2019-09-30'],
    ]);
  });

  it('reads a Section 29 warning notice (a provider outside the NHS) like a Section 29A one', () => {
    const text = [
      'Section 29 warning notice',
      'We served a Section 29 warning notice. The provider must make significant improvements:',
      '• Medicines management, by 31 August 2024.',
      '• Staff recruitment checks, by 30 September 2024.',
    ].join('\n');
    expect(brief(text).map((f) => [f.type, f.deadline, f.text])).toEqual([
      ['WARNING_NOTICE', '2024-08-31', 'Medicines management, by 31 August 2024.'],
      ['WARNING_NOTICE', '2024-09-30', 'Staff recruitment checks, by 30 September 2024.'],
    ]);
  });

  it('reads an item padded with a hostile run of 400,000 spaces as the words it holds', () => {
    // Such a run made several patterns quadratic (30 s for one paste); runs are cut first.
    const head =
      'Leicestershire Partnership NHS Trust\nAreas for improvement\n\nAction the trust MUST take to improve\n\n';
    for (const space of [' ', '\u00a0']) {
      const report = parseReport([`${head}- The trust must ensure${space.repeat(400_000)}x`]);
      expect(report.findings.map((f) => [f.type, f.text])).toEqual([
        ['MUST', 'The trust must ensure x'],
      ]);
    }
  });
});
