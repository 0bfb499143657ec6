/**
 * The catalogue of NHS trusts' core services, with the paraphrases trusts and reports use.
 * Labels that could not be verified against a CQC source are kept here as data so they are
 * easy to correct (docs/domain.md).
 */
export const SECTORS = ['community', 'mental_health', 'acute', 'ambulance'] as const;
export type Sector = (typeof SECTORS)[number];

export interface CoreServiceDefinition {
  name: string;
  sector: Sector;
  aliases: readonly string[];
}

export const CORE_SERVICES: readonly CoreServiceDefinition[] = [
  // Community health
  {
    name: 'Community health services for adults',
    sector: 'community',
    aliases: [
      'Community services for adults',
      'Adult community services',
      'Community adult services',
    ],
  },
  {
    name: 'Community health services for children, young people and families',
    sector: 'community',
    aliases: [
      'Community health services for children and young people',
      'Community services for children, young people and families',
      "Children and young people's community services",
      'Community children and young people services',
    ],
  },
  {
    name: 'Community health inpatient services',
    sector: 'community',
    aliases: [
      'Community inpatient services',
      'Community health inpatients service',
      'Community hospitals',
    ],
  },
  {
    name: 'Community end of life care',
    sector: 'community',
    aliases: ['End of life care (community)', 'Community end-of-life care'],
  },
  {
    name: 'Community dental services',
    sector: 'community',
    aliases: ['Community dentistry', 'Dental services'],
  },
  {
    name: 'Urgent care',
    sector: 'community',
    aliases: [
      'Community urgent care',
      'Community urgent care service',
      'Urgent care services',
      'Minor injury units',
    ],
  },
  {
    name: 'Sexual health services',
    sector: 'community',
    aliases: ['Community sexual health services', 'Sexual health'],
  },
  // Mental health
  {
    name: 'Acute wards for adults of working age and psychiatric intensive care units',
    sector: 'mental_health',
    aliases: [
      'Acute wards and PICU',
      'Acute wards for adults of working age and PICU',
      'Acute wards for adults of working age',
    ],
  },
  {
    name: 'Long stay/rehabilitation mental health wards for working age adults',
    sector: 'mental_health',
    aliases: [
      'Long stay rehabilitation mental health wards for working age adults',
      'Rehabilitation wards',
    ],
  },
  {
    name: 'Forensic inpatient/secure wards',
    sector: 'mental_health',
    aliases: ['Forensic inpatient secure wards', 'Secure wards', 'Forensic wards'],
  },
  {
    name: 'Child and adolescent mental health wards',
    sector: 'mental_health',
    aliases: [
      'CAMHS wards',
      'CAMHS inpatient wards',
      'Child and adolescent mental health inpatient wards',
    ],
  },
  {
    name: 'Wards for older people with mental health problems',
    sector: 'mental_health',
    aliases: ['Older people mental health wards', "Older people's mental health wards"],
  },
  {
    name: 'Wards for people with a learning disability or autism',
    sector: 'mental_health',
    aliases: ['Learning disability wards', 'Wards for people with learning disabilities or autism'],
  },
  {
    name: 'Community-based mental health services for adults of working age',
    sector: 'mental_health',
    aliases: [
      'Community mental health services for adults of working age',
      'Adult community mental health services',
    ],
  },
  {
    name: 'Mental health crisis services and health-based places of safety',
    sector: 'mental_health',
    aliases: [
      'Crisis services and health-based places of safety',
      'Mental health crisis services',
      'Health-based places of safety',
    ],
  },
  {
    name: 'Specialist community mental health services for children and young people',
    sector: 'mental_health',
    aliases: [
      'Community CAMHS',
      'Specialist community CAMHS',
      'Community mental health services for children and young people',
    ],
  },
  {
    name: 'Community-based mental health services for older people',
    sector: 'mental_health',
    aliases: [
      'Community mental health services for older people',
      "Older people's community mental health services",
    ],
  },
  {
    name: 'Community mental health services for people with a learning disability or autism',
    sector: 'mental_health',
    aliases: [
      'Community learning disability services',
      'Community services for people with a learning disability or autism',
    ],
  },
  {
    name: 'Substance misuse services',
    sector: 'mental_health',
    aliases: ['Substance misuse', 'Drug and alcohol services'],
  },
  // Acute
  {
    name: 'Urgent and emergency services',
    sector: 'acute',
    aliases: ['Urgent and emergency care', 'Emergency department', 'A&E'],
  },
  {
    name: "Medical care (including older people's care)",
    sector: 'acute',
    aliases: ['Medical care', 'Medicine', "Medical care including older people's care"],
  },
  { name: 'Surgery', sector: 'acute', aliases: ['Surgical services'] },
  { name: 'Critical care', sector: 'acute', aliases: ['Intensive care'] },
  {
    name: 'Maternity',
    sector: 'acute',
    aliases: ['Maternity services', 'Maternity and gynaecology'],
  },
  {
    name: 'Services for children and young people',
    sector: 'acute',
    aliases: ["Children and young people's services", 'Paediatrics'],
  },
  { name: 'End of life care', sector: 'acute', aliases: ['End-of-life care'] },
  {
    name: 'Outpatients',
    sector: 'acute',
    aliases: ['Outpatient services', 'Outpatients and diagnostic imaging'],
  },
  {
    name: 'Diagnostic imaging',
    sector: 'acute',
    aliases: ['Radiology', 'Diagnostic imaging services'],
  },
  // Ambulance
  {
    name: 'Emergency and urgent care',
    sector: 'ambulance',
    aliases: ['Emergency and urgent care services', 'Ambulance emergency and urgent care'],
  },
  {
    name: 'Emergency operations centre',
    sector: 'ambulance',
    aliases: ['Emergency operations centres', 'EOC'],
  },
  {
    name: 'Patient transport services',
    sector: 'ambulance',
    aliases: ['Patient transport service', 'Non-emergency patient transport'],
  },
];

function comparable(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^a-z0-9&']+/g, ' ')
    .trim();
}

const BY_COMPARABLE_NAME = new Map<string, CoreServiceDefinition>();
for (const service of CORE_SERVICES) {
  for (const name of [service.name, ...service.aliases]) {
    BY_COMPARABLE_NAME.set(comparable(name), service);
  }
}

/** Finds the catalogue entry for a canonical name or an alias, ignoring case and punctuation. */
export function findCoreService(name: string): CoreServiceDefinition | undefined {
  return BY_COMPARABLE_NAME.get(comparable(name));
}

/** The canonical name for a catalogue name or alias; a custom name comes back trimmed. */
export function canonicalCoreServiceName(name: string): { name: string; custom: boolean } {
  const found = findCoreService(name);
  return found ? { name: found.name, custom: false } : { name: name.trim(), custom: true };
}
