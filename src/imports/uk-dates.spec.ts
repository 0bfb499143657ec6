import { datesIn, parseUkDate } from './uk-dates';

describe('parseUkDate', () => {
  it.each([
    ['31/03/2024', '2024-03-31'],
    ['1/4/24', '2024-04-01'],
    ['31 Mar 2024', '2024-03-31'],
    ['31st March 2024', '2024-03-31'],
    ['2024-03-31', '2024-03-31'],
    [45382, '2024-03-31'],
    ['45382', '2024-03-31'],
  ])('reads %p', (input, expected) => {
    expect(parseUkDate(input)).toBe(expected);
  });

  it.each(['31/02/2024', '03/31/2024', 'soon', '', 'Smarch 3 2020'])('refuses %p', (input) => {
    expect(parseUkDate(input)).toBeNull();
  });

  it('finds dates written in words in a sentence', () => {
    expect(datesIn('fire safety by 31 July 2022; staffing by 31 December 2022')).toEqual([
      '2022-07-31',
      '2022-12-31',
    ]);
  });
});
