import type { KeyQuestion } from '../cqc/key-questions';

/**
 * What synthetic findings are about: the recurring themes of CQC inspection reports of NHS
 * trusts (from published reports and trust papers), each with the key question and the regulation a MUST finding
 * cites, and the kinds of action trusts plan for them.
 */
export interface Theme {
  keyQuestion: KeyQuestion;
  regulation: { number: string; paragraph: string };
  must: string;
  should: string;
  topic: string;
}

export const THEMES: readonly Theme[] = [
  {
    keyQuestion: 'Safe',
    regulation: { number: '18', paragraph: '(2)(a)' },
    must: 'ensure that staff complete mandatory training, including basic and immediate life support',
    should: 'consider how it monitors mandatory training compliance on each ward',
    topic: 'mandatory training',
  },
  {
    keyQuestion: 'Safe',
    regulation: { number: '12', paragraph: '(2)(g)' },
    must: 'ensure that medicines are stored securely and at the correct temperature',
    should: 'improve the recording of fridge temperatures in clinical areas',
    topic: 'medicines storage',
  },
  {
    keyQuestion: 'Safe',
    regulation: { number: '18', paragraph: '(1)' },
    must: 'ensure that there are enough suitably qualified, competent and experienced nursing staff on every shift',
    should: 'review the use of agency staff against its safe staffing plan',
    topic: 'safe staffing',
  },
  {
    keyQuestion: 'Safe',
    regulation: { number: '12', paragraph: '(2)(a)' },
    must: "ensure that patients' risk assessments are completed and reviewed in line with policy",
    should: 'audit the completion of falls and pressure ulcer risk assessments',
    topic: 'risk assessment',
  },
  {
    keyQuestion: 'Safe',
    regulation: { number: '15', paragraph: '(1)(e)' },
    must: 'ensure that resuscitation equipment is checked daily and ready for use',
    should: 'make sure equipment checklists are kept on every resuscitation trolley',
    topic: 'resuscitation equipment',
  },
  {
    keyQuestion: 'Safe',
    regulation: { number: '12', paragraph: '(2)(h)' },
    must: 'ensure that infection prevention and control procedures are followed by all staff',
    should: 'increase the frequency of hand hygiene audits',
    topic: 'infection prevention',
  },
  {
    keyQuestion: 'Safe',
    regulation: { number: '13', paragraph: '(2)' },
    must: 'ensure that safeguarding concerns are referred promptly and recorded',
    should: 'improve staff awareness of the safeguarding escalation route',
    topic: 'safeguarding',
  },
  {
    keyQuestion: 'Effective',
    regulation: { number: '11', paragraph: '(1)' },
    must: 'ensure that consent is obtained and recorded, and mental capacity assessed where needed',
    should: 'provide refresher training on the Mental Capacity Act',
    topic: 'consent and capacity',
  },
  {
    keyQuestion: 'Effective',
    regulation: { number: '18', paragraph: '(2)(a)' },
    must: 'ensure that all staff receive an annual appraisal and regular supervision',
    should: 'record clinical supervision consistently',
    topic: 'appraisal and supervision',
  },
  {
    keyQuestion: 'Caring',
    regulation: { number: '10', paragraph: '(1)' },
    must: "ensure that patients' privacy and dignity are maintained at all times",
    should: 'consider how it gathers feedback from patients and carers',
    topic: 'privacy and dignity',
  },
  {
    keyQuestion: 'Responsive',
    regulation: { number: '16', paragraph: '(2)' },
    must: 'ensure that complaints are investigated and answered within agreed timescales',
    should: 'share learning from complaints with staff',
    topic: 'complaints handling',
  },
  {
    keyQuestion: 'Responsive',
    regulation: { number: '9', paragraph: '(1)' },
    must: 'ensure that patients are seen and treated within national waiting time standards',
    should: 'improve the flow of patients from the emergency department to the wards',
    topic: 'waiting times',
  },
  {
    keyQuestion: 'Well-led',
    regulation: { number: '17', paragraph: '(2)(b)' },
    must: 'ensure that governance processes identify, assess and manage risks effectively',
    should: 'keep the service risk register up to date',
    topic: 'governance and risk',
  },
  {
    keyQuestion: 'Well-led',
    regulation: { number: '17', paragraph: '(2)(c)' },
    must: 'ensure that patient records are complete, accurate and stored securely',
    should: 'audit the quality of clinical record keeping each quarter',
    topic: 'record keeping',
  },
];

/** How trusts phrase the actions they plan; `{topic}` and `{service}` are filled in. */
export const ACTION_TITLES = [
  'Deliver a recovery plan for {topic} in {service}',
  'Weekly audit of {topic} in {service}, reported to the divisional board',
  'Revise the {topic} policy and brief all {service} staff',
  'Train ward leaders in {topic} ({service})',
  'Monthly assurance report on {topic} to the quality committee',
  'Introduce a {topic} checklist across {service}',
] as const;

export const PROGRESS_NOTES = [
  'Audit completed; results shared at the governance meeting.',
  'Training sessions running; compliance improving.',
  'Policy draft out for consultation.',
  'Staffing review under way with the divisional leads.',
  'Checklist piloted on two wards.',
  'Awaiting data from the business intelligence team.',
  'Discussed at the quality committee; next steps agreed.',
] as const;

export const FIRST_NAMES = [
  'Amira',
  'Ben',
  'Chloe',
  'Daniel',
  'Esther',
  'Farid',
  'Grace',
  'Hassan',
  'Isla',
  'James',
  'Kiran',
  'Laura',
  'Mohammed',
  'Nia',
  'Oliver',
  'Parveen',
] as const;

export const LAST_NAMES = [
  'Ahmed',
  'Baker',
  'Clarke',
  'Davies',
  'Evans',
  'Fraser',
  'Gill',
  'Hughes',
  'Iqbal',
  'Jones',
  'Khan',
  'Lewis',
  'Morris',
  'Patel',
  'Roberts',
  'Smith',
] as const;

export const PLACES = [
  'Northfield',
  'Eastbrook',
  'Westmoor',
  'Southgate',
  'Riverside',
  'Hillcrest',
  'Oakham',
  'Ashworth',
  'Kingsmead',
  'Fairview',
  'Millbrook',
  'Stonebridge',
] as const;
