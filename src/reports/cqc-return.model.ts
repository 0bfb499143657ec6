import { DataSource } from 'typeorm';
import { ActionDto } from '../actions/dto/action-read.dto';
import { endOfDay, londonDateOf } from '../common/dates';
import { labelOf, ukDate } from '../common/words';
import { ReadSnapshot } from '../database/read-snapshot';
import { daysLeftText } from '../findings/finding-dates';
import type { FindingAsAt } from '../history/records-as-at';
import type { WarningNoticeView } from '../readiness/warning-notices.reader';
import {
  compareSections,
  INSTRUMENT_HEADINGS,
  RegulationSectionKey,
  sectionsOfFinding,
} from './cqc-return.regulations';

/*
 * The CQC return as every format prints it, in words and UK dates (common/words.ts): built
 * once here, so the PDF and the workbook cannot drift apart.
 */

/** One action as the CQC's action plan asks for it; every field already in words. */
export interface ReturnAction {
  reference: string;
  /** What will be done. */
  title: string;
  owner: string;
  executiveLead: string;
  /** By when: "1 December 2026". */
  dueDate: string;
  dueDateIso: string;
  /** How it will be monitored: progress reports and evidence as at the date. */
  monitoring: string;
  /** How the trust will know it is sustained: the success measure. */
  sustained: string;
  /** What keeps people using the service safe until it is done. */
  interimMitigation: string;
  /** "Off track", "Assured"... */
  status: string;
  completedOn: string;
  completedOnIso: string | null;
}

/** One breach (a MUST finding) once, with its actions under it. */
export interface Breach {
  reference: string;
  coreService: string;
  text: string;
  /** The paragraphs of this section's regulation it cites: "12(1)(2)(a), 12(2)(d)". */
  paragraphs: string;
  /** The other sections it is also filed under, by heading. */
  alsoUnder: string[];
  actions: ReturnAction[];
}

/** A finding whose words and actions are set out under another regulation. */
export interface CrossReference {
  reference: string;
  coreService: string;
  paragraphs: string;
  /** The heading of the section its breach is printed under. */
  setOutUnder: string;
}

export interface RegulationSection extends RegulationSectionKey {
  /** The part it belongs to: the 2014 regulations, the 2010 ones, or none. */
  part: string;
  breaches: Breach[];
  crossReferences: CrossReference[];
}

export interface NoticeSection {
  reference: string;
  coreService: string;
  text: string;
  failings: { text: string; deadline: string; deadlineIso: string; daysLeft: string }[];
  actions: ReturnAction[];
}

export interface SignOff {
  name: string | null;
  role: string | null;
  /** "1 December 2026", or null for a blank line. */
  date: string | null;
}

export interface CqcReturn {
  organisation: string;
  asOf: string;
  /** "1 December 2026". */
  asOfText: string;
  filters: string[];
  notices: NoticeSection[];
  sections: RegulationSection[];
  signOff: SignOff;
  /** Rows of the return (actions, or a breach with none), for the CLI's count. */
  rowCount: number;
}

export const NO_ACTION = 'No action yet';

/** What the return reads about each action's follow-up, as at the date. */
export interface FollowUp {
  completedOn: string | null;
  updates: number;
  lastUpdate: string | null;
  evidence: number;
}

export function returnActionOf(action: ActionDto, follow: FollowUp | undefined): ReturnAction {
  // A completion date only for an action that is done as at the date (not one reopened since).
  const completedOn =
    action.status === 'COMPLETED' || action.status === 'ASSURED'
      ? (follow?.completedOn ?? null)
      : null;
  const monitoring = [
    follow?.updates
      ? `${follow.updates} progress ${follow.updates === 1 ? 'report' : 'reports'}; latest:\n${ukDate(follow.lastUpdate)}`
      : 'No progress report yet',
    follow?.evidence
      ? `${follow.evidence} evidence ${follow.evidence === 1 ? 'item' : 'items'}`
      : 'No evidence yet',
    action.assuredBy ? `Assured by ${action.assuredBy.name}` : null,
  ].filter((line): line is string => !!line);
  return {
    reference: action.reference ?? '',
    title: action.title,
    owner: action.owner?.name ?? 'Not assigned',
    executiveLead: action.executiveLead?.name ?? 'Not assigned',
    dueDate: ukDate(action.dueDate),
    dueDateIso: action.dueDate,
    monitoring: monitoring.join('\n'),
    sustained: action.successMeasure ?? 'Not given',
    interimMitigation: action.interimMitigation ?? 'Not given',
    status: labelOf(action.deliveryStatus),
    completedOn: ukDate(completedOn),
    completedOnIso: completedOn,
  };
}

/**
 * Files each MUST finding under every regulation it cites: in full (its words once, with its
 * actions) under the first in the return's order, and as a cross-reference under the others,
 * so a reader of any regulation sees it and no breach is printed twice.
 */
export function regulationSections(
  findings: FindingAsAt[],
  services: Map<number, string>,
  actionsOf: (findingId: number) => ReturnAction[] | null,
): RegulationSection[] {
  const sections = new Map<string, RegulationSection>();
  const sorted = [...findings].sort(
    (a, b) =>
      (a.reference ?? '').localeCompare(b.reference ?? '', 'en', { numeric: true }) || a.id - b.id,
  );
  for (const finding of sorted) {
    const actions = actionsOf(finding.id);
    if (!actions) continue;
    const filed = sectionsOfFinding(finding.regulations);
    const coreService = finding.coreServiceId
      ? (services.get(finding.coreServiceId) ?? '')
      : 'Trust-wide';
    const paragraphsOf = (paragraphs: string[]) =>
      paragraphs.length ? paragraphs.map((p) => `Regulation ${p}`).join(', ') : '';
    filed.forEach(({ section: key, paragraphs }, index) => {
      const section = sections.get(key.key) ?? {
        ...key,
        part: key.instrument ? INSTRUMENT_HEADINGS[key.instrument] : 'Other findings',
        breaches: [],
        crossReferences: [],
      };
      sections.set(key.key, section);
      if (index === 0)
        section.breaches.push({
          reference: finding.reference ?? '',
          coreService,
          text: finding.text,
          paragraphs: paragraphsOf(paragraphs),
          alsoUnder: filed.slice(1).map((f) => f.section.heading),
          actions,
        });
      else
        section.crossReferences.push({
          reference: finding.reference ?? '',
          coreService,
          paragraphs: paragraphsOf(paragraphs),
          setOutUnder: filed[0].section.heading,
        });
    });
  }
  return [...sections.values()].sort(compareSections);
}

export function noticeSections(
  notices: WarningNoticeView[],
  actionsOf: (findingId: number) => ReturnAction[] | null,
): NoticeSection[] {
  return notices.flatMap((notice) => {
    const actions = actionsOf(notice.findingId);
    if (!actions) return [];
    return [
      {
        reference: notice.reference ?? '',
        coreService: notice.coreServiceName ?? 'Trust-wide',
        text: notice.text,
        failings: notice.failings.map((failing) => ({
          text: failing.text,
          deadline: ukDate(failing.deadline),
          deadlineIso: failing.deadline,
          daysLeft: daysLeftText(failing.daysLeft),
        })),
        actions,
      },
    ];
  });
}

/**
 * Completion date, progress reports (count and latest) and evidence submitted for each action,
 * from their history as at the end of the date, so a past return reads as it did then.
 */
export async function followUps(
  dataSource: DataSource,
  actionIds: number[],
  asOf: string,
): Promise<Map<number, FollowUp>> {
  const result = new Map<number, FollowUp>();
  const of = (id: number) => {
    const entry = result.get(id) ?? {
      completedOn: null,
      updates: 0,
      lastUpdate: null,
      evidence: 0,
    };
    result.set(id, entry);
    return entry;
  };
  const manager = ReadSnapshot.manager(dataSource);
  const end = endOfDay(asOf);
  // One after another: inside a read snapshot the queries share one connection.
  for (let i = 0; i < actionIds.length; i += 500) {
    const ids = actionIds.slice(i, i + 500);
    const updates: {
      action_id: number;
      n: number;
      latest: string;
      completed_at: string | null;
    }[] = await manager
      .createQueryBuilder()
      .select([
        'pu.action_id AS action_id',
        'COUNT(*) AS n',
        'MAX(pu.created_at) AS latest',
        "MAX(CASE WHEN pu.status_to = 'COMPLETED' THEN pu.created_at END) AS completed_at",
      ])
      .from('progress_update', 'pu')
      .where('pu.action_id IN (:...ids)', { ids })
      .andWhere('pu.created_at <= :end', { end })
      .groupBy('pu.action_id')
      .getRawMany();
    for (const row of updates) {
      const entry = of(Number(row.action_id));
      entry.updates = Number(row.n);
      entry.lastUpdate = londonDateOf(String(row.latest));
      entry.completedOn = row.completed_at ? londonDateOf(String(row.completed_at)) : null;
    }
    const evidence: { action_id: number; n: number }[] = await manager
      .createQueryBuilder()
      .select(['e.action_id AS action_id', 'COUNT(*) AS n'])
      .from('evidence', 'e')
      .where('e.action_id IN (:...ids)', { ids })
      .andWhere('e.submitted_at <= :end', { end })
      .groupBy('e.action_id')
      .getRawMany();
    for (const row of evidence) of(Number(row.action_id)).evidence = Number(row.n);
  }
  return result;
}
