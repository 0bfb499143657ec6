import { FieldProblem } from '../common/app-error';
import { REGULATIONS } from '../cqc/regulations';
import type { FindingDto } from '../findings/dto/finding.dto';
import type { RegulationCitation } from '../findings/finding.entity';
import { integer, text } from './forms';
import { dateAnswer } from './record-dates';

/** The finding types in words, as the form offers them. */
export const FINDING_TYPE_CHOICES = [
  { value: 'MUST', text: 'Must do', hint: 'A breach of regulation: a requirement notice' },
  { value: 'SHOULD', text: 'Should do', hint: 'An improvement CQC recommends' },
  {
    value: 'WARNING_NOTICE',
    text: 'Warning notice',
    hint: 'CQC set a deadline to put it right',
  },
  { value: 'RATING', text: 'Rating to improve', hint: 'A key question rated below good' },
];

/** The words people see for each field, for error messages. */
export const FINDING_LABELS: Record<string, string> = {
  type: 'Type',
  coreServiceId: 'Core service',
  keyQuestion: 'Key question',
  regulations: 'Regulations',
  reference: 'Reference',
  text: 'What CQC found',
  deadline: 'Deadline',
  version: 'This finding',
};

export const REGULATIONS_2014 = REGULATIONS.filter((r) => r.instrument === 2014);

/**
 * The finding form as the API's body: type, core service (blank is trust-wide), key
 * question, the 2014 regulations ticked (keeping a paragraph, and any 2010 citation, the
 * finding already had), reference, text and, for a warning notice only, its deadline.
 * Required answers are checked here, so their messages say what to do.
 */
export function findingFromForm(
  body: Record<string, unknown>,
  existing?: FindingDto,
): { plain: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const type = text(body, 'type');
  if (!type) problems.push({ field: 'type', reason: 'Select the type of finding' });
  const findingText = text(body, 'text');
  if (!findingText) problems.push({ field: 'text', reason: 'Enter what CQC found' });
  const isNotice = type === 'WARNING_NOTICE';
  const deadline = isNotice
    ? dateAnswer(body, 'deadline', 'deadline of the warning notice', true)
    : {};
  if (deadline.problem) problems.push(deadline.problem);
  const keyQuestion = text(body, 'keyQuestion');
  const ticked = ([] as unknown[])
    .concat(body.regulations ?? [])
    .filter((n): n is string => typeof n === 'string');
  const kept = existing?.regulations ?? [];
  const regulations: RegulationCitation[] = [
    ...REGULATIONS_2014.filter((r) => ticked.includes(r.number)).map(
      (r) =>
        kept.find((c) => c.instrument === 2014 && c.number === r.number) ?? {
          instrument: 2014 as const,
          number: r.number,
          paragraph: null,
        },
    ),
    ...kept.filter((c) => c.instrument !== 2014),
  ];
  const coreServiceId = integer(body, 'coreServiceId') ?? null;
  const plain: Record<string, unknown> = {
    type,
    coreServiceId,
    keyQuestion: keyQuestion ?? (existing ? null : undefined),
    regulations,
    reference: text(body, 'reference') ?? (existing ? null : undefined),
    text: findingText,
  };
  if (!existing) {
    if (isNotice) plain.deadline = deadline.value;
  } else if (!isNotice) {
    plain.deadline = null;
  } else if (deadline.value !== existing.deadline) {
    // Only a changed date is sent: a notice's several failings stay as they are otherwise.
    plain.deadline = deadline.value;
  }
  if (existing) plain.version = integer(body, 'version');
  return { plain, problems };
}

/** The form's values for a finding being corrected. */
export function formValuesOf(finding: FindingDto): Record<string, unknown> {
  return {
    type: finding.type,
    coreServiceId: finding.coreServiceId ?? '',
    keyQuestion: finding.keyQuestion ?? '',
    regulations: finding.regulations.filter((c) => c.instrument === 2014).map((c) => c.number),
    reference: finding.reference ?? '',
    text: finding.text,
    version: finding.version,
  };
}
