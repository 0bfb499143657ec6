import { classifyHeading } from './plan-sheet.parser';

/** The plan import reads an action's interim mitigation from the headings trusts give it. */
describe('the interim mitigation column of a plan', () => {
  it.each([
    'Interim mitigation',
    'Interim Mitigations',
    'Mitigation',
    'Mitigation in place',
    'Interim measures',
    'Interim mitigation (until complete)',
    'Mitigating actions in the interim',
  ])('reads %p as the interim mitigation', (heading) => {
    expect(classifyHeading(heading)).toBe('interimMitigation');
  });

  it.each([
    ['Action', 'action'],
    ['Measure of success', 'successMeasure'],
    ['RAG status', 'status'],
  ])('still reads %p as %p', (heading, column) => {
    expect(classifyHeading(heading)).toBe(column);
  });
});
