/**
 * Regulations a finding can cite: the Health and Social Care Act 2008 (Regulated
 * Activities) Regulations 2014, and the 2010 regulations that reports before April 2015 cite.
 * Titles of the 2010 set are unverified, so they live here as data, not in logic.
 */
export const REGULATION_INSTRUMENTS = [2014, 2010] as const;
export type RegulationInstrument = (typeof REGULATION_INSTRUMENTS)[number];

export interface RegulationDefinition {
  instrument: RegulationInstrument;
  number: string;
  title: string;
  fundamentalStandard: boolean;
}

const REGULATIONS_2014: [string, string][] = [
  ['4', 'Requirements where the service provider is an individual or partnership'],
  ['5', 'Fit and proper persons: directors'],
  ['6', 'Requirement where the service provider is a body other than a partnership'],
  ['7', 'Requirements relating to registered managers'],
  ['8', 'General'],
  ['9', 'Person-centred care'],
  ['9A', 'Visiting and accompanying in care homes, hospitals and hospices'],
  ['10', 'Dignity and respect'],
  ['11', 'Need for consent'],
  ['12', 'Safe care and treatment'],
  ['13', 'Safeguarding service users from abuse and improper treatment'],
  ['14', 'Meeting nutritional and hydration needs'],
  ['15', 'Premises and equipment'],
  ['16', 'Receiving and acting on complaints'],
  ['17', 'Good governance'],
  ['18', 'Staffing'],
  ['19', 'Fit and proper persons employed'],
  ['20', 'Duty of candour'],
  ['20A', 'Requirement as to display of performance assessments'],
];

const REGULATIONS_2010: [string, string][] = [
  ['9', 'Care and welfare of service users'],
  ['10', 'Assessing and monitoring the quality of service provision'],
  ['11', 'Safeguarding'],
  ['12', 'Cleanliness and infection control'],
  ['13', 'Management of medicines'],
  ['14', 'Meeting nutritional needs'],
  ['15', 'Safety and suitability of premises'],
  ['16', 'Safety, availability and suitability of equipment'],
  ['17', 'Respecting and involving service users'],
  ['18', 'Consent to care and treatment'],
  ['19', 'Complaints'],
  ['20', 'Records'],
  ['21', 'Requirements relating to workers'],
  ['22', 'Staffing'],
  ['23', 'Supporting workers'],
  ['24', 'Cooperating with other providers'],
];

const FUNDAMENTAL_STANDARDS_2014 = new Set([
  '8',
  '9',
  '9A',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '20A',
]);

export const REGULATIONS: readonly RegulationDefinition[] = [
  ...REGULATIONS_2014.map(([number, title]) => ({
    instrument: 2014 as const,
    number,
    title,
    fundamentalStandard: FUNDAMENTAL_STANDARDS_2014.has(number),
  })),
  ...REGULATIONS_2010.map(([number, title]) => ({
    instrument: 2010 as const,
    number,
    title,
    fundamentalStandard: false,
  })),
];

export function findRegulation(
  instrument: number,
  number: string,
): RegulationDefinition | undefined {
  const wanted = number.trim().toUpperCase();
  return REGULATIONS.find((reg) => reg.instrument === instrument && reg.number === wanted);
}

/** A paragraph reference as reports write it: `(1)`, `(1)(2)(a)`, `(3)(b)`. */
export const REGULATION_PARAGRAPH_PATTERN = /^(\([0-9a-z]{1,4}\))+$/;
