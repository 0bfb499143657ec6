/** CQC's six evidence categories, used to label an action's evidence. */
export const EVIDENCE_CATEGORIES = [
  "People's experience",
  'Feedback from staff and leaders',
  'Feedback from partners',
  'Observation',
  'Processes',
  'Outcomes',
] as const;
export type EvidenceCategory = (typeof EVIDENCE_CATEGORIES)[number];
