/**
 * Which columns of which tables are historised: every value a report, list or readiness figure
 * shows. Status, progress, the off-track flag and the due date have their own append-only
 * history already (progress_update, due_date_change); everything else shown lives here.
 * A column added to a live table that reports show must be added here and to its revision
 * entity (revision.entities.ts); test/schema.e2e-spec.ts checks the two agree.
 * `version` and `updated_at` are historised too, so that every write to an action, finding or
 * core service records a revision (the history check in scale/history-consistency.ts fails
 * otherwise) and a record as at a past day shows the version and time it had then.
 */
export const HISTORISED = {
  action: {
    revisionTable: 'action_revision',
    key: 'action_id',
    columns: [
      'reference',
      'title',
      'description',
      'success_measure',
      'interim_mitigation',
      'owner_id',
      'executive_lead_id',
      'start_date',
      'cancellation_reason',
      'assured_by_id',
      'version',
      'updated_at',
    ],
  },
  finding: {
    revisionTable: 'finding_revision',
    key: 'finding_id',
    columns: [
      'inspection_id',
      'core_service_id',
      'key_question',
      'quality_statement',
      'score',
      'type',
      'deadline',
      'regulations',
      'reference',
      'text',
      'version',
      'updated_at',
    ],
  },
  core_service: {
    revisionTable: 'core_service_revision',
    key: 'core_service_id',
    columns: [
      'name',
      'reinspection_date',
      'reinspection_window_end',
      'reinspection_confirmed',
      'updated_at',
    ],
  },
  organisation: {
    revisionTable: 'organisation_revision',
    key: 'organisation_id',
    columns: ['name'],
  },
  inspection: {
    revisionTable: 'inspection_revision',
    key: 'inspection_id',
    columns: ['kind', 'visit_start', 'visit_end', 'published_on', 'report_reference'],
  },
  app_user: {
    revisionTable: 'app_user_revision',
    key: 'app_user_id',
    columns: ['name'],
  },
} as const;

export type HistorisedTable = keyof typeof HISTORISED;
export const HISTORISED_TABLES = Object.keys(HISTORISED) as HistorisedTable[];
