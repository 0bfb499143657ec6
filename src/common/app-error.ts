/**
 * Every error a feature raises on purpose has a code. `errorStatus` maps each code to its
 * HTTP status in one exhaustive switch, so adding a code without deciding its status fails
 * the type check.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'AUTHENTICATION_REQUIRED'
  | 'SIGN_IN_FAILED'
  | 'SSO_NOT_CONFIGURED'
  | 'SSO_STATE_INVALID'
  | 'SSO_TOKEN_REFUSED'
  | 'SSO_ACCOUNT_REFUSED'
  | 'SSO_PROVIDER_UNAVAILABLE'
  | 'ROLE_NOT_ALLOWED'
  | 'NOT_ACTION_OWNER'
  | 'NOT_ACTION_LEAD'
  | 'CSRF_TOKEN_INVALID'
  | 'TOKEN_NOT_FOUND'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'TOKEN_SCOPE_INSUFFICIENT'
  | 'DUE_DATE_REQUEST_NOT_FOUND'
  | 'DUE_DATE_REQUEST_DECIDED'
  | 'DUE_DATE_REQUEST_PENDING'
  | 'INVALID_REFERENCE'
  | 'ORGANISATION_REQUIRED'
  | 'ROUTE_NOT_FOUND'
  | 'ORGANISATION_NOT_FOUND'
  | 'CORE_SERVICE_NOT_FOUND'
  | 'INSPECTION_NOT_FOUND'
  | 'FINDING_NOT_FOUND'
  | 'ACTION_NOT_FOUND'
  | 'EVIDENCE_NOT_FOUND'
  | 'IMPORT_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'VERSION_CONFLICT'
  | 'INVALID_STATUS_TRANSITION'
  | 'ACTION_CLOSED'
  | 'COMPLETION_NEEDS_FULL_PROGRESS'
  | 'ASSURANCE_NEEDS_ACCEPTED_EVIDENCE'
  | 'ASSURER_IS_OWNER'
  | 'REVIEWER_IS_AUTHOR'
  | 'EVIDENCE_ALREADY_REVIEWED'
  | 'DUE_DATE_UNCHANGED'
  | 'FINDINGS_FROM_DIFFERENT_ORGANISATIONS'
  | 'USER_INACTIVE'
  | 'IMPORT_HAS_PROBLEMS'
  | 'PAYLOAD_TOO_LARGE'
  | 'IMPORT_LIMIT_EXCEEDED'
  | 'IMPORTS_BUSY'
  | 'MALFORMED_BODY'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL_ERROR'
  // Sign-in and account safety (issue 14 items 6, 7, 8, 11).
  | 'SIGN_IN_BUSY'
  | 'CROSS_SITE_SIGN_IN'
  | 'ASSURER_NOT_INDEPENDENT'
  | 'LAST_ADMIN'
  | 'TOO_MANY_TOKENS'
  // CQC's own data, watched (issue 15).
  | 'CQC_INBOX_ITEM_NOT_FOUND'
  | 'CQC_INBOX_ITEM_DECIDED'
  | 'CQC_API_NOT_CONFIGURED'
  | 'CQC_API_FAILED'
  // Issued reports (issue 16).
  | 'ISSUED_REPORT_NOT_FOUND';

export interface FieldProblem {
  field: string;
  reason: string;
  /**
   * Which rule failed (class-validator's constraint name, or a service's own such as
   * `isUnchanged`), so a page can word it for people. Internal: the API answers with field and
   * reason only.
   */
  constraint?: string;
  /** The field was left empty (pages say "Enter ..." rather than why the value is wrong). */
  missing?: boolean;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
  }
}

export function errorStatus(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_BODY':
    case 'SSO_STATE_INVALID':
      return 400;
    case 'AUTHENTICATION_REQUIRED':
    case 'SIGN_IN_FAILED':
    case 'SSO_TOKEN_REFUSED':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_REVOKED':
      return 401;
    case 'SSO_ACCOUNT_REFUSED':
    case 'TOKEN_SCOPE_INSUFFICIENT':
      return 403;
    case 'SSO_NOT_CONFIGURED':
      return 404;
    case 'ROLE_NOT_ALLOWED':
    case 'NOT_ACTION_OWNER':
    case 'NOT_ACTION_LEAD':
    case 'CSRF_TOKEN_INVALID':
    case 'ASSURER_IS_OWNER':
    case 'REVIEWER_IS_AUTHOR':
      return 403;
    case 'ROUTE_NOT_FOUND':
    case 'TOKEN_NOT_FOUND':
    case 'DUE_DATE_REQUEST_NOT_FOUND':
    case 'ORGANISATION_NOT_FOUND':
    case 'CORE_SERVICE_NOT_FOUND':
    case 'INSPECTION_NOT_FOUND':
    case 'FINDING_NOT_FOUND':
    case 'ACTION_NOT_FOUND':
    case 'EVIDENCE_NOT_FOUND':
    case 'IMPORT_NOT_FOUND':
    case 'USER_NOT_FOUND':
      return 404;
    case 'ALREADY_EXISTS':
    case 'VERSION_CONFLICT':
    case 'INVALID_STATUS_TRANSITION':
    case 'ACTION_CLOSED':
    case 'EVIDENCE_ALREADY_REVIEWED':
    case 'DUE_DATE_REQUEST_DECIDED':
    case 'DUE_DATE_REQUEST_PENDING':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
    case 'IMPORT_LIMIT_EXCEEDED':
      return 413;
    case 'INVALID_REFERENCE':
    case 'ORGANISATION_REQUIRED':
    case 'COMPLETION_NEEDS_FULL_PROGRESS':
    case 'ASSURANCE_NEEDS_ACCEPTED_EVIDENCE':
    case 'DUE_DATE_UNCHANGED':
    case 'FINDINGS_FROM_DIFFERENT_ORGANISATIONS':
    case 'USER_INACTIVE':
    case 'IMPORT_HAS_PROBLEMS':
      return 422;
    case 'DATABASE_UNAVAILABLE':
    case 'SIGN_IN_BUSY':
    case 'SSO_PROVIDER_UNAVAILABLE':
    case 'IMPORTS_BUSY':
      return 503;
    case 'CROSS_SITE_SIGN_IN':
    case 'ASSURER_NOT_INDEPENDENT':
      return 403;
    case 'LAST_ADMIN':
    case 'TOO_MANY_TOKENS':
      return 409;
    case 'CQC_INBOX_ITEM_NOT_FOUND':
    case 'ISSUED_REPORT_NOT_FOUND':
      return 404;
    case 'CQC_INBOX_ITEM_DECIDED':
      return 409;
    case 'CQC_API_FAILED':
      return 502;
    case 'CQC_API_NOT_CONFIGURED':
      return 503;
    case 'INTERNAL_ERROR':
      return 500;
  }
}

/** A body field names something that does not exist (an unknown owner, finding, ...). */
export function invalidReference(field: string, reason: string, constraint?: string): AppError {
  return new AppError('INVALID_REFERENCE', `${field}: ${reason}`, [
    { field, reason, ...(constraint ? { constraint } : {}) },
  ]);
}

export function validationFailed(field: string, reason: string, constraint?: string): AppError {
  return new AppError('VALIDATION_FAILED', 'The request is not valid', [
    { field, reason, ...(constraint ? { constraint } : {}) },
  ]);
}
