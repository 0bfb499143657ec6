import { Action } from '../actions/action.entity';
import { ActionComment } from '../actions/action-comment.entity';
import { DueDateRequest } from '../actions/due-date-request.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { ApiToken } from '../auth/api-token.entity';
import { CalendarFeed } from '../calendar/calendar-feed.entity';
import { KnownDevice } from '../auth/known-device.entity';
import { SsoSignIn } from '../auth/sso-sign-in.entity';
import { Session } from '../auth/session.entity';
import { SignInThrottle } from '../auth/sign-in-throttle.entity';
import { DueDateChange } from '../actions/due-date-change.entity';
import { Evidence } from '../actions/evidence.entity';
import { ProgressUpdate } from '../actions/progress-update.entity';
import { CqcInboxItem, CqcWatchState } from '../cqc-api/cqc-inbox-item.entity';
import { CoreService } from '../core-services/core-service.entity';
import { Rating } from '../core-services/rating.entity';
import { Finding } from '../findings/finding.entity';
import { FindingFailing } from '../findings/finding-failing.entity';
import { IssuedReport } from '../reports/issued-report.entity';
import { ImportRecord } from '../imports/import-record.entity';
import { Inspection } from '../inspections/inspection.entity';
import { Organisation } from '../organisations/organisation.entity';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { User } from '../users/user.entity';
import { REVISION_ENTITIES } from '../history/revision.entities';
import { StagedUpload } from '../web/staged-upload.entity';

export const ENTITIES = [
  User,
  Organisation,
  CoreService,
  Rating,
  Inspection,
  Finding,
  FindingFailing,
  Action,
  ProgressUpdate,
  DueDateChange,
  Evidence,
  DueDateRequest,
  Session,
  ApiToken,
  SignInThrottle,
  AuditEvent,
  ImportRecord,
  CalendarFeed,
  StagedUpload,
  OrganisationMembership,
  KnownDevice,
  SsoSignIn,
  CqcInboxItem,
  CqcWatchState,
  ...REVISION_ENTITIES,
  IssuedReport,
  ActionComment,
];
