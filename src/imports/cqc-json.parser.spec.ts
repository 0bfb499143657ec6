import fs from 'node:fs';
import path from 'node:path';
import { NotACqcRecordError, parseCqcRecord } from './cqc-json.parser';

const record = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../test/fixtures/cqc-provider.json'), 'utf8'),
) as unknown;

describe('parseCqcRecord', () => {
  const parsed = parseCqcRecord(record);

  it('reads the provider', () => {
    expect(parsed.organisation).toEqual({
      name: 'Leicestershire Partnership NHS Trust',
      odsCode: 'RT5',
      cqcProviderId: 'RT5',
      kind: 'combined',
    });
    expect(parsed.coreServices).toEqual([
      'Community health services for adults',
      'Acute wards for adults of working age and psychiatric intensive care units',
      'Wards for older people with mental health problems',
    ]);
  });

  it('matches key questions by name, whatever their order, and keeps historic ratings with their dates', () => {
    const row = (coreService: string | null, scope: string, ratedOn: string) =>
      parsed.ratings.find(
        (r) => r.coreService === coreService && r.scope === scope && r.ratedOn === ratedOn,
      )?.rating;
    expect(row(null, 'Well-led', '2018-02-01')).toBe('Requires improvement');
    expect(row(null, 'Caring', '2018-02-01')).toBe('Good');
    expect(
      row(
        'Acute wards for adults of working age and psychiatric intensive care units',
        'Safe',
        '2018-02-01',
      ),
    ).toBe('Inadequate');
    expect(row('Wards for older people with mental health problems', 'Overall', '2018-02-01')).toBe(
      'Not rated',
    );
    expect(row(null, 'Safe', '2017-03-01')).toBe('Inadequate');
    expect(row('Community health services for adults', 'Overall', '2017-03-01')).toBe(
      'Requires improvement',
    );
    // 6 trust, 3 + 3 + 1 service, and 3 historic.
    expect(parsed.ratings).toHaveLength(16);
  });

  it('turns each current rating that needs improvement into a RATING finding', () => {
    expect(parsed.findings.map((f) => [f.reference, f.coreService, f.keyQuestion])).toEqual([
      ['RI1', null, null],
      ['RI2', null, 'Well-led'],
      ['RI3', null, 'Safe'],
      ['RI4', null, 'Effective'],
      ['RI5', null, 'Responsive'],
      ['RI6', 'Acute wards for adults of working age and psychiatric intensive care units', null],
      ['RI7', 'Acute wards for adults of working age and psychiatric intensive care units', 'Safe'],
    ]);
    expect(parsed.findings[6].text).toBe(
      'Acute wards for adults of working age and psychiatric intensive care units was rated inadequate for safe (report of 2018-02-01).',
    );
  });

  it('warns about a rating it does not know instead of failing', () => {
    expect(parsed.warnings).toEqual([
      {
        message:
          'Acute wards for adults of working age and psychiatric intensive care units Caring: rating "Excellent" is not one CQC uses; left out',
      },
    ]);
  });

  it('accepts a bare record with missing parts', () => {
    expect(parseCqcRecord({ providerId: 'X1', name: 'Tiny NHS Trust' })).toMatchObject({
      ratings: [],
      findings: [],
      coreServices: [],
    });
  });

  it.each([[null], [[]], [{ name: 'No id' }], [{ providerId: 'X' }], ['text']])(
    'refuses %p as not a CQC record',
    (input) => {
      expect(() => parseCqcRecord(input)).toThrow(NotACqcRecordError);
    },
  );
});
