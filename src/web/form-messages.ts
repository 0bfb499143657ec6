/**
 * What each form says when a field is wrong, in the NHS.UK style ("Enter what will be done",
 * "Select what kind of evidence it is"). The API keeps its own developer-facing reasons; a page
 * shows these instead for every field it knows, so a person never reads "must be a string".
 *
 * A new form adds one entry to FORM_MESSAGES, its fields in the order the form shows them (the
 * error summary lists problems in that order), and passes its key to toFormErrors.
 */

import { COMMENT_MAX } from '../actions/action-comment.entity';

/** How the field is filled in: decides the default wording and where the summary links to. */
export type FieldKind = 'text' | 'choice' | 'date' | 'number' | 'file';

export interface FieldMessages {
  /** The field's name as a sentence starts it: "Due date", "Title". */
  label: string;
  kind?: FieldKind;
  /** Left empty: "Enter a title". */
  missing?: string;
  /** Given but not acceptable, when no more particular message applies. */
  invalid?: string;
  /** Longer than allowed: "Title must be 300 characters or fewer". */
  tooLong?: string;
  /** By class-validator constraint name (or a service's own, e.g. `isUnchanged`). */
  rules?: Record<string, string>;
  /** The id the summary links to, when it is not the field's name (or `name-day` for a date). */
  id?: string;
}

export type FormMessages = Record<string, FieldMessages>;

/** Every form of the pages, by key; fields in the order of the form's inputs. */
export const FORM_MESSAGES: Record<string, FormMessages> = {
  'action.new': {
    title: { label: 'Title', missing: 'Enter what will be done' },
    reference: { label: 'Reference', invalid: 'Enter a reference of up to 30 characters' },
    description: { label: 'Description', invalid: 'Enter a description in words' },
    successMeasure: {
      label: 'Success measure',
      invalid: 'Enter how you will know it worked, in words',
    },
    interimMitigation: {
      label: 'Interim mitigation',
      invalid: 'Enter what keeps people safe until it is done, in words',
    },
    ownerId: { label: 'Owner', kind: 'choice', missing: 'Select an owner' },
    executiveLeadId: {
      label: 'Executive lead',
      kind: 'choice',
      missing: 'Select an executive lead',
    },
    startDate: {
      label: 'Start date',
      kind: 'date',
      missing: 'Enter a start date',
      rules: { isNotAfter: 'Enter a start date that is before the due date' },
    },
    dueDate: {
      label: 'Due date',
      kind: 'date',
      missing: 'Enter a due date',
      rules: { isNotBefore: 'Enter a due date that is after the start date' },
    },
    findingIds: {
      label: 'Finding',
      kind: 'choice',
      id: 'title',
      missing: 'Plan an action from a finding on the findings page',
      invalid: 'Plan an action from a finding on the findings page',
    },
  },
  'action.progress': {
    note: { label: 'Update', missing: 'Enter what has happened since the last update' },
    progress: {
      label: 'Progress',
      kind: 'number',
      invalid: 'Progress must be a whole number from 0 to 100',
    },
    offTrack: { label: 'Off track', kind: 'choice', invalid: 'Select yes if it is off track' },
  },
  'action.complete': {
    note: { label: 'What was done', missing: 'Enter what was done' },
  },
  'action.evidence': {
    title: { label: 'Title', missing: 'Enter a title for the evidence' },
    kind: {
      label: 'Kind of evidence',
      kind: 'choice',
      missing: 'Select what kind of evidence it is',
    },
    url: {
      label: 'Web address',
      missing: 'Enter the web address of the document',
      invalid: 'Enter a web address starting with http:// or https://',
    },
    evidenceNote: { label: 'Note', missing: 'Enter the note' },
    category: { label: 'Category', kind: 'choice', invalid: 'Select a CQC evidence category' },
  },
  'action.review': {
    decision: {
      label: 'Decision',
      kind: 'choice',
      missing: 'Select whether the evidence shows the action has worked',
    },
    reviewNote: { label: 'Reason', missing: 'Enter why' },
  },
  'action.assure': {
    note: { label: 'Where it was assured' },
  },
  'action.due-date': {
    dueDate: {
      label: 'New due date',
      kind: 'date',
      missing: 'Enter the new due date',
      rules: {
        isUnchanged: 'Enter a due date that is different from the current one',
        isNotBefore: 'Enter a due date that is after the start date',
      },
    },
    reason: { label: 'Reason', missing: 'Enter why it needs to move' },
  },
  'action.request-due-date': {
    dueDate: {
      label: 'New due date',
      kind: 'date',
      missing: 'Enter the new due date you are asking for',
      rules: {
        isInPast: 'Enter a date in the future',
        isUnchanged: 'Enter a due date that is different from the current one',
        isNotBefore: 'Enter a due date that is after the start date',
      },
    },
    reason: { label: 'Reason', missing: 'Enter why it needs to move' },
  },
  'action.assign': {
    ownerId: { label: 'Owner', kind: 'choice', invalid: 'Select an owner from the list' },
    executiveLeadId: {
      label: 'Executive lead',
      kind: 'choice',
      invalid: 'Select an executive lead from the list',
    },
  },
  'action.comment': {
    // The form calls the DTO's `body` "comment".
    comment: {
      label: 'Comment',
      missing: 'Enter your comment',
      invalid: 'Enter your comment as text',
      tooLong: `Comment must be ${COMMENT_MAX.toLocaleString('en-GB')} characters or fewer`,
    },
  },
  'account.token': {
    name: { label: 'Token name', missing: 'Enter a name for the token' },
  },
  user: {
    name: { label: 'Name', missing: 'Enter their full name' },
    email: {
      label: 'Email address',
      missing: 'Enter their email address',
      invalid: 'Enter an email address in the correct format, like name@nhs.net',
      rules: { isTaken: 'Enter an email address that is not already in use' },
    },
    role: {
      label: 'Role',
      kind: 'choice',
      missing: 'Select a role',
      rules: { isLastAdmin: 'Keep at least one active admin: make someone else an admin first' },
    },
    password: {
      label: 'Password',
      missing: 'Enter a password',
      invalid: 'Enter a password of at least 12 characters',
    },
    memberships: { label: 'Trusts', kind: 'choice', invalid: 'Select the trusts they work for' },
  },
  import: {
    kind: {
      label: 'What you are importing',
      kind: 'choice',
      missing: 'Select what you are importing',
    },
    file: {
      label: 'The file',
      kind: 'file',
      missing: 'Select a file to upload',
    },
    organisationId: { label: 'Trust', kind: 'choice', missing: 'Select the trust' },
    sheet: { label: 'Sheet', kind: 'choice', invalid: 'Select a sheet of the workbook' },
  },
  'reports.download': {
    report: { label: 'Report', kind: 'choice', missing: 'Select a report' },
    format: { label: 'Format', kind: 'choice', invalid: 'Select a format this report comes in' },
    asOf: { label: 'As at date', kind: 'date' },
    coreServiceId: {
      label: 'Core service',
      kind: 'choice',
      invalid: 'Select a core service of this trust',
    },
    executiveLeadId: {
      label: 'Executive lead',
      kind: 'choice',
      invalid: 'Select an executive lead of this trust',
    },
  },
  'reports.issue': {
    kind: { label: 'Report', kind: 'choice', missing: 'Select which report to issue' },
    issueFormat: {
      label: 'Format',
      kind: 'choice',
      invalid: 'Select a format this report can be issued in',
    },
    meeting: { label: 'Meeting', missing: 'Enter the meeting the report is issued to' },
    issueAsOf: { label: 'As at date', kind: 'date' },
    organisationId: { label: 'Trust', kind: 'choice', missing: 'Select the trust', id: 'kind' },
    issueCoreServiceId: {
      label: 'Core service',
      kind: 'choice',
      invalid: 'Select a core service of this trust',
    },
  },
  'cqc-inbox.dismiss': {
    note: { label: 'Note', missing: 'Enter why it is dismissed' },
  },
  'sign-in': {
    email: { label: 'Email address', missing: 'Enter your email address' },
    password: { label: 'Password', missing: 'Enter your password' },
  },
};

/**
 * Someone or something of the wrong trust (or who cannot hold the part) chosen in a picker,
 * by field and failed check, whatever the form: the services word these for the API
 * ("no user 6 in this trust"), which would show an id and a fragment on a page.
 */
export const PICKER_MESSAGES: Record<string, Record<string, string>> = {
  ownerId: {
    isNotInTrust: 'Select someone who can own actions in this trust',
    cannotHold: 'Select someone who can own actions in this trust',
  },
  toUserId: {
    isNotInTrust: 'Select someone who can own actions in this trust',
    cannotHold: 'Select someone who can own actions in this trust',
  },
  executiveLeadId: {
    isNotInTrust: 'Select an executive of this trust',
    cannotHold: 'Select an executive of this trust',
  },
  coreServiceId: { isNotInTrust: 'Select a core service of this trust' },
};
