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
