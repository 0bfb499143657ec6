import { KeyQuestion } from './key-questions';

/** The 34 quality statements of CQC's single assessment framework, by key question. */
export const QUALITY_STATEMENTS: Readonly<Record<KeyQuestion, readonly string[]>> = {
  Safe: [
    'Learning culture',
    'Safe systems, pathways and transitions',
    'Safeguarding',
    'Involving people to manage risks',
    'Safe environments',
    'Safe and effective staffing',
    'Infection prevention and control',
    'Medicines optimisation',
  ],
  Effective: [
    'Assessing needs',
    'Delivering evidence-based care and treatment',
    'How staff, teams and services work together',
    'Supporting people to live healthier lives',
    'Monitoring and improving outcomes',
    'Consent to care and treatment',
  ],
  Caring: [
    'Kindness, compassion and dignity',
    'Treating people as individuals',
    'Independence, choice and control',
    "Responding to people's immediate needs",
    'Workforce wellbeing and enablement',
  ],
  Responsive: [
    'Person-centred care',
    'Care provision, integration and continuity',
    'Providing information',
    'Listening to and involving people',
    'Equity in access',
    'Equity in experiences and outcomes',
    'Planning for the future',
  ],
  'Well-led': [
    'Shared direction and culture',
    'Capable, compassionate and inclusive leaders',
    'Freedom to speak up',
    'Workforce equality, diversity and inclusion',
    'Governance, management and sustainability',
    'Partnerships and communities',
    'Learning, improvement and innovation',
    'Environmental sustainability - sustainable development',
  ],
};

export const ALL_QUALITY_STATEMENTS: readonly string[] = Object.values(QUALITY_STATEMENTS).flat();

export function keyQuestionOfStatement(statement: string): KeyQuestion | undefined {
  return (Object.keys(QUALITY_STATEMENTS) as KeyQuestion[]).find((kq) =>
    QUALITY_STATEMENTS[kq].includes(statement),
  );
}

/** The single assessment framework scores each quality statement from 1 to 4. */
export const QUALITY_STATEMENT_SCORES = {
  1: 'Significant shortfalls',
  2: 'Some shortfalls',
  3: 'Good standard',
  4: 'Exceptional standard',
} as const;
