import { canonicalCoreServiceName, CORE_SERVICES, findCoreService } from './core-services';
import {
  ALL_QUALITY_STATEMENTS,
  keyQuestionOfStatement,
  QUALITY_STATEMENTS,
} from './quality-statements';
import { normaliseRating, ratingForScorePercent } from './ratings';
import { findRegulation, REGULATIONS } from './regulations';
import { EVIDENCE_CATEGORIES } from './evidence-categories';

describe('the CQC vocabulary', () => {
  it('has the 34 quality statements, 8/6/5/7/8 by key question', () => {
    expect(ALL_QUALITY_STATEMENTS).toHaveLength(34);
    expect(Object.values(QUALITY_STATEMENTS).map((list) => list.length)).toEqual([8, 6, 5, 7, 8]);
    expect(keyQuestionOfStatement('Freedom to speak up')).toBe('Well-led');
  });

  it('has six evidence categories', () => {
    expect(EVIDENCE_CATEGORIES).toHaveLength(6);
  });

  it('knows the 2014 fundamental standards and the 2010 regulations apart', () => {
    expect(findRegulation(2014, '12')?.title).toBe('Safe care and treatment');
    expect(findRegulation(2014, '9a')?.title).toMatch(/Visiting/);
    expect(findRegulation(2010, '22')?.title).toBe('Staffing');
    expect(findRegulation(2010, '9A')).toBeUndefined();
    expect(findRegulation(2014, '21')).toBeUndefined();
    expect(REGULATIONS.filter((r) => r.instrument === 2014 && r.fundamentalStandard)).toHaveLength(
      15,
    );
  });

  it('finds core services by canonical name or alias, ignoring case and punctuation', () => {
    expect(findCoreService('community health inpatients service')?.name).toBe(
      'Community health inpatient services',
    );
    expect(findCoreService('ACUTE WARDS AND PICU')?.name).toBe(
      'Acute wards for adults of working age and psychiatric intensive care units',
    );
    expect(canonicalCoreServiceName('  Podiatry  ')).toEqual({ name: 'Podiatry', custom: true });
    const names = CORE_SERVICES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads ratings as data sources spell them', () => {
    expect(normaliseRating('requires improvement')).toBe('Requires improvement');
    expect(normaliseRating('No published rating')).toBe('Not rated');
    expect(normaliseRating('Excellent')).toBeUndefined();
  });

  it('maps assessment scores to ratings at the published bands', () => {
    expect(ratingForScorePercent(88)).toBe('Outstanding');
    expect(ratingForScorePercent(87)).toBe('Good');
    expect(ratingForScorePercent(62)).toBe('Requires improvement');
    expect(ratingForScorePercent(38)).toBe('Inadequate');
    expect(ratingForScorePercent(24)).toBeUndefined();
  });
});
