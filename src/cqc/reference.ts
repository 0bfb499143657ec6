import { CORE_SERVICES, SECTORS } from './core-services';
import { EVIDENCE_CATEGORIES } from './evidence-categories';
import { KEY_QUESTIONS } from './key-questions';
import { QUALITY_STATEMENTS } from './quality-statements';
import { RATINGS, SCORE_BANDS } from './ratings';
import { REGULATION_INSTRUMENTS, REGULATIONS } from './regulations';

/** Everything `GET /api/v1/reference` returns: the vocabulary input is validated against. */
export function cqcReference() {
  return {
    keyQuestions: KEY_QUESTIONS,
    ratings: RATINGS,
    scoreBands: SCORE_BANDS,
    regulationInstruments: REGULATION_INSTRUMENTS,
    regulations: REGULATIONS,
    sectors: SECTORS,
    coreServices: CORE_SERVICES,
    qualityStatements: QUALITY_STATEMENTS,
    evidenceCategories: EVIDENCE_CATEGORIES,
  };
}
