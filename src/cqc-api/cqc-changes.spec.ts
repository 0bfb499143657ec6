import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectChanges } from './cqc-changes';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(path.join(__dirname, '../../test/fixtures/cqc-api', name), 'utf8'),
  ) as Record<string, unknown>;

describe('detectChanges', () => {
  it('finds a report published since the watermark, with the rating before and after', () => {
    const changes = detectChanges(fixture('location-1-9000000001.json'), 'location', '2026-11-25');
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'REPORT_PUBLISHED',
        dedupeKey: 'location:1-9000000001:report:7f8e9d0c-1b2a-4394-8576-a1b2c3d4e5f6',
        subjectName: 'Northfield Community Hospital',
        reportDate: '2026-11-28',
        inspectionDate: '2026-09-17',
        oldRating: 'Good',
        newRating: 'Inadequate',
        summary:
          'Northfield Community Hospital: new report published 2026-11-28; overall rating changed from Good to Inadequate.',
      }),
    ]);
  });

  it('finds nothing in a record whose reports are all older than the watermark', () => {
    expect(detectChanges(fixture('provider-RZZ.json'), 'provider', '2026-11-29')).toEqual([]);
  });

  it('shows an inspection visited after the last published report as "report expected"', () => {
    const changes = detectChanges(fixture('location-1-9000000002.json'), 'location', '2026-11-25');
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'REPORT_EXPECTED',
        dedupeKey: 'location:1-9000000002:expected:2026-11-19',
        inspectionDate: '2026-11-19',
        summary:
          'Northfield Trust Headquarters: inspected on 2026-11-19; report expected (not yet published).',
      }),
    ]);
  });

  it('finds a rating change with no report in the list', () => {
    const record = {
      locationId: '1-1',
      name: 'Ward block',
      reports: [],
      currentRatings: { overall: { rating: 'Good', reportDate: '2026-11-30', reportLinkId: 'x' } },
      historicRatings: [{ reportDate: '2024-01-02', overall: { rating: 'Inadequate' } }],
    };
    expect(detectChanges(record, 'location', '2026-11-25')).toEqual([
      expect.objectContaining({
        kind: 'RATING_CHANGED',
        oldRating: 'Inadequate',
        newRating: 'Good',
        dedupeKey: 'location:1-1:rating:x:Good',
      }),
    ]);
  });

  it('ignores a record with no id and unreadable parts', () => {
    expect(detectChanges({ name: 'x' }, 'location', '2026-01-01')).toEqual([]);
    expect(
      detectChanges(
        { providerId: 'P', reports: 'nope', currentRatings: 3, lastInspection: {} },
        'provider',
        '2026-01-01',
      ),
    ).toEqual([]);
  });
});
