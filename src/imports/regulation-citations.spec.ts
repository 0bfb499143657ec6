import { scanCitations } from './regulation-citations';

describe('scanCitations', () => {
  it.each([
    [
      'ensure staff are trained. (Regulation 18)',
      [{ instrument: 2014, number: '18', paragraph: null }],
    ],
    ['Regulation 12(1)(2)(a)', [{ instrument: 2014, number: '12', paragraph: '(1)(2)(a)' }]],
    ['Regulation 12 (1) (2)', [{ instrument: 2014, number: '12', paragraph: '(1)(2)' }]],
    [
      'Regulation 17 (Good governance) and Regulation 18 (Staffing)',
      [
        { instrument: 2014, number: '17', paragraph: null },
        { instrument: 2014, number: '18', paragraph: null },
      ],
    ],
    [
      'Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment',
      [{ instrument: 2014, number: '12', paragraph: null }],
    ],
    [
      'a breach of regulation 12(1) of the Health and Social Care Act 2008 (Regulated Activities) Regulations 2014',
      [{ instrument: 2014, number: '12', paragraph: '(1)' }],
    ],
    [
      'Regulations 12, 17 and 18',
      [
        { instrument: 2014, number: '12', paragraph: null },
        { instrument: 2014, number: '17', paragraph: null },
        { instrument: 2014, number: '18', paragraph: null },
      ],
    ],
    ['Regulation 9A visiting', [{ instrument: 2014, number: '9A', paragraph: null }]],
    [
      'Regulation 22 HSCA 2008 (Regulated Activities) Regulations 2010 Staffing',
      [{ instrument: 2010, number: '22', paragraph: null }],
    ],
  ])('reads %p', (text, expected) => {
    expect(scanCitations(text).citations).toEqual(expected);
  });

  it('uses the instrument in force when the text names none', () => {
    expect(scanCitations('(Regulation 13)', 2010).citations).toEqual([
      { instrument: 2010, number: '13', paragraph: null },
    ]);
  });

  it('reports numbers that are not regulations, and ignores years', () => {
    expect(scanCitations('Regulation 31 of the Regulations 2014')).toEqual({
      citations: [],
      unknown: ['31'],
    });
    expect(scanCitations('The Regulations 2014 apply').citations).toEqual([]);
  });
});
