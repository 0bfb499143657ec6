import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { AccountsAndAudit1763900000000 } from './1763900000000-accounts-and-audit';
import { ImportRecords1764000000000 } from './1764000000000-import-records';
import { CalendarFeeds1764100000000 } from './1764100000000-calendar-feeds';
import { StagedUploads1764200000000 } from './1764200000000-staged-uploads';
import { SignInSafety1764300000000 } from './1764300000000-sign-in-safety';
import { OrganisationMemberships1764400000000 } from './1764400000000-organisation-memberships';
import { FindingScore1764500000000 } from './1764500000000-finding-score';
import { CqcInbox1764600000000 } from './1764600000000-cqc-inbox';
import { History1764700000000 } from './1764700000000-history';
import { IssuedReports1764800000000 } from './1764800000000-issued-reports';
import { FindingFailings1764900000000 } from './1764900000000-finding-failings';
import { ActionComments1765000000000 } from './1765000000000-action-comments';
import { SessionTrust1765200000000 } from './1765200000000-session-trust';
import { InterimMitigation1765300000000 } from './1765300000000-interim-mitigation';
import { CurrentFacts1765400000000 } from './1765400000000-current-facts';
import { SingleSignOn1765500000000 } from './1765500000000-single-sign-on';
import { ApiTokenScope1765600000000 } from './1765600000000-api-token-scope';

/** Every migration, in order. Listed explicitly so the app, CLI and tests load the same set. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  AccountsAndAudit1763900000000,
  ImportRecords1764000000000,
  CalendarFeeds1764100000000,
  StagedUploads1764200000000,
  SignInSafety1764300000000,
  OrganisationMemberships1764400000000,
  FindingScore1764500000000,
  CqcInbox1764600000000,
  History1764700000000,
  IssuedReports1764800000000,
  FindingFailings1764900000000,
  ActionComments1765000000000,
  SessionTrust1765200000000,
  InterimMitigation1765300000000,
  CurrentFacts1765400000000,
  SingleSignOn1765500000000,
  ApiTokenScope1765600000000,
];
