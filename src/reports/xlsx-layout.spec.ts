import { looksLikeFormula, printPageSetup, wrappedLines } from './xlsx-layout';

describe('xlsx-layout', () => {
  it('counts the lines text wraps to, a little pessimistically, never fewer than it needs', () => {
    expect(wrappedLines('Tom Evans', 16)).toBe(1);
    expect(wrappedLines('', 16)).toBe(1);
    // 14 characters a line at width 15: "The trust must" / "ensure that" / "every ward"...
    expect(wrappedLines('The trust must ensure that every ward has a ligature audit', 15)).toBe(5);
    expect(wrappedLines('one\ntwo\nthree', 40)).toBe(3);
    // A word longer than the line breaks over as many lines as it needs.
    expect(wrappedLines('x'.repeat(30), 10)).toBe(4);
    expect(wrappedLines('word '.repeat(1000), 10)).toBe(27);
  });

  it('fits to one page wide only with fitToPage, and repeats the header row', () => {
    expect(printPageSetup(5)).toMatchObject({
      orientation: 'landscape',
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '5:5',
    });
  });

  it('knows text a spreadsheet would run as a formula', () => {
    for (const text of ['=SUM(A1)', '+1', '-2', '@x', '\tx', '\rx'])
      expect(looksLikeFormula(text)).toBe(true);
    for (const value of ['SUM', "'=x", 5, null]) expect(looksLikeFormula(value)).toBe(false);
  });
});
