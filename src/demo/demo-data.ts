import type { EvidenceKind } from '../actions/evidence.entity';
import type { InspectionKind } from '../inspections/inspection.entity';
import type { FindingType, RegulationCitation } from '../findings/finding.entity';
import type { OrganisationKind } from '../organisations/organisation.entity';
import type { UserRole } from '../users/user.entity';
import type { ActionStatus } from '../actions/action.entity';
import type { EvidenceCategory } from '../cqc/evidence-categories';
import type { KeyQuestion } from '../cqc/key-questions';

/** The shape of database/demo/demo.json. People and records refer to each other by `key`. */
export interface DemoData {
  /** `trusts`: the ODS codes of the trusts a person belongs to, with their role (not for admins). */
  users: { key: string; name: string; email: string; role: UserRole; trusts?: string[] }[];
  organisations: DemoOrganisation[];
}

/** `{ ratedOn, Safe: 'Good', ... }`: the ratings given on one date. */
export type DemoRatings = { ratedOn: string } & Record<string, string>;

export interface DemoOrganisation {
  name: string;
  odsCode: string;
  cqcProviderId: string;
  kind: OrganisationKind;
  ratings?: DemoRatings;
  coreServices: {
    key: string;
    name: string;
    reinspectionInDays?: number;
    reinspectionConfirmed?: boolean;
    ratings?: DemoRatings;
  }[];
  inspections: {
    key: string;
    kind: InspectionKind;
    visitStart: string;
    visitEnd?: string;
    publishedOn?: string;
    coreServices: string[];
  }[];
  findings: {
    key: string;
    inspection?: string;
    coreService?: string;
    type: FindingType;
    keyQuestion?: KeyQuestion;
    qualityStatement?: string;
    reference?: string;
    regulations: (Omit<RegulationCitation, 'paragraph'> & { paragraph?: string })[];
    text: string;
  }[];
  actions: DemoAction[];
}

export interface DemoAction {
  findings: string[];
  reference: string;
  title: string;
  description?: string;
  successMeasure?: string;
  owner: string;
  lead: string;
  createdDaysAgo: number;
  startInDays?: number;
  dueInDays: number;
  history: {
    daysAgo: number;
    by: string;
    progress?: number;
    status?: ActionStatus;
    offTrack?: boolean;
    note: string;
  }[];
  dueDateChanges?: { daysAgo: number; toInDays: number; by: string; reason: string }[];
  evidence?: {
    daysAgo: number;
    by: string;
    kind: EvidenceKind;
    title: string;
    url?: string;
    note?: string;
    category?: EvidenceCategory;
    review?: { daysAgo: number; by: string; decision: 'ACCEPTED' | 'REJECTED'; note: string };
  }[];
  assure?: { daysAgo: number; by: string; note: string };
  cancel?: { daysAgo: number; by: string; reason: string };
}
