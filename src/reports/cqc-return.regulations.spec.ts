import { readCitation, sectionsOfFinding } from './cqc-return.regulations';

describe('readCitation', () => {
  it.each([
    ['Regulation 12 (1)(2)(a)', { instrument: 2014, number: '12', paragraph: '(1)(2)(a)' }],
    ['Reg 17(2)(b)', { instrument: 2014, number: '17', paragraph: '(2)(b)' }],
    ['Regulation 9 HSCA (RA) Regulations 2014', { instrument: 2014, number: '9', paragraph: null }],
    ['Regulation 10 of the 2010 regulations', { instrument: 2010, number: '10', paragraph: null }],
    ['regulation 9a', { instrument: 2014, number: '9A', paragraph: null }],
    ['12(2)(a)', { instrument: 2014, number: '12', paragraph: '(2)(a)' }],
    ['18', { instrument: 2014, number: '18', paragraph: null }],
    ['Regulation 22 ... 2010 Staffing', { instrument: 2010, number: '22', paragraph: null }],
    [
      'a breach of regulation 12(1) of the Health and Social Care Act 2008 (Regulated Activities) Regulations 2014',
      { instrument: 2014, number: '12', paragraph: '(1)' },
    ],
    // Stored citations, as the API writes them and as older data may hold them.
    [
      { instrument: 2014, number: '12', paragraph: '(1)(2)(a)' },
      { instrument: 2014, number: '12', paragraph: '(1)(2)(a)' },
    ],
    [
      { instrument: 2010, number: '22', paragraph: null },
      { instrument: 2010, number: '22', paragraph: null },
    ],
    [
      { instrument: '2010', number: ' 13 ' },
      { instrument: 2010, number: '13', paragraph: null },
    ],
    [
      { instrument: 2014, number: '12(1)', paragraph: null },
      { instrument: 2014, number: '12', paragraph: '(1)' },
    ],
    [
      { instrument: 2014, number: 'Reg 17', paragraph: '(2) (b)' },
      { instrument: 2014, number: '17', paragraph: '(2)(b)' },
    ],
  ])('reads %p', (value, expected) => {
    expect(readCitation(value)).toEqual(expected);
  });

  it.each([null, undefined, '', 'none', 'Not applicable', { instrument: 2014, number: '' }])(
    'reads no regulation in %p',
    (value) => {
      expect(readCitation(value)).toBeNull();
    },
  );
});

describe('sectionsOfFinding', () => {
  it('groups paragraphs of one regulation into one section, 2014 before 2010', () => {
    expect(
      sectionsOfFinding([
        { instrument: 2010, number: '22', paragraph: null },
        { instrument: 2014, number: '12', paragraph: '(2)(a)' },
        { instrument: 2014, number: '12', paragraph: '(1)' },
        { instrument: 2014, number: '9', paragraph: null },
      ]),
    ).toEqual([
      {
        section: {
          key: '2014:9',
          instrument: 2014,
          number: '9',
          heading: 'Regulation 9: Person-centred care',
        },
        paragraphs: [],
      },
      {
        section: {
          key: '2014:12',
          instrument: 2014,
          number: '12',
          heading: 'Regulation 12: Safe care and treatment',
        },
        paragraphs: ['12(2)(a)', '12(1)'],
      },
      {
        section: {
          key: '2010:22',
          instrument: 2010,
          number: '22',
          heading: 'Regulation 22 of the 2010 regulations: Staffing',
        },
        paragraphs: [],
      },
    ]);
  });

  it('files a finding citing nothing under "Not tied to a regulation"', () => {
    for (const none of [[], null, undefined, [{ instrument: 2014, number: '' }]])
      expect(sectionsOfFinding(none).map((s) => s.section.heading)).toEqual([
        'Not tied to a regulation',
      ]);
  });

  it('orders 9A after 9 and before 10', () => {
    expect(
      sectionsOfFinding([
        { instrument: 2014, number: '10', paragraph: null },
        { instrument: 2014, number: '9A', paragraph: null },
        { instrument: 2014, number: '9', paragraph: null },
      ]).map((s) => s.section.number),
    ).toEqual(['9', '9A', '10']);
  });
});
