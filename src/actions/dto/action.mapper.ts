import { todayDate } from '../../common/dates';
import { bragOf } from '../../delivery/brag';
import { ActionFactsRow } from '../../delivery/action-facts.sql';
import {
  DeliveryFacts,
  deliveryReason,
  deliveryStatusOfReason,
} from '../../delivery/delivery-status';
import { toUserRef } from '../../users/dto/user.dto';
import { Action, ActionStatus } from '../action.entity';
import { DueDateChange } from '../due-date-change.entity';
import { Evidence } from '../evidence.entity';
import { evidenceExpired } from '../evidence-validity';
import { ProgressUpdate } from '../progress-update.entity';
import { ActionDto, DueDateChangeDto, EvidenceDto, ProgressUpdateDto } from './action-read.dto';

/** The facts as SQL derived them, in the types the pure rules take. */
export function toDeliveryFacts(row: ActionFactsRow): DeliveryFacts {
  return {
    status: row.status_at as ActionStatus,
    progress: Number(row.progress_at),
    dueDate: row.due_at,
    flaggedOffTrack: row.off_track_at === true || Number(row.off_track_at) === 1,
    lastActivityAt: row.last_activity_at,
    reinspectionDate: row.reinspection_at,
  };
}

/** An action with its state as at `asOf`: stored fields, plus status derived by the pure rules. */
export function toActionDto(action: Action, row: ActionFactsRow, asOf: string): ActionDto {
  const facts = toDeliveryFacts(row);
  const reason = deliveryReason(facts, asOf);
  const deliveryStatus = deliveryStatusOfReason(reason);
  const findings = action.findings ?? [];
  return {
    id: action.id,
    organisationId: action.organisationId,
    reference: action.reference,
    title: action.title,
    description: action.description,
    successMeasure: action.successMeasure,
    interimMitigation: action.interimMitigation,
    owner: toUserRef(action.owner),
    executiveLead: toUserRef(action.executiveLead),
    findingIds: findings.map((f) => f.id).sort((a, b) => a - b),
    coreServiceIds: [
      ...new Set(findings.flatMap((f) => (f.coreServiceId ? [f.coreServiceId] : []))),
    ].sort((a, b) => a - b),
    startDate: action.startDate,
    dueDate: facts.dueDate,
    originalDueDate: action.originalDueDate,
    progress: facts.progress,
    status: facts.status,
    cancellationReason: facts.status === 'CANCELLED' ? action.cancellationReason : null,
    assuredBy: facts.status === 'ASSURED' ? toUserRef(action.assuredBy) : null,
    asOf,
    deliveryStatus,
    deliveryReason: reason,
    brag: bragOf(deliveryStatus),
    reinspectionDate: facts.reinspectionDate,
    version: action.version,
    createdAt: action.createdAt,
    updatedAt: action.updatedAt,
  };
}

export function toProgressUpdateDto(update: ProgressUpdate): ProgressUpdateDto {
  return {
    id: update.id,
    actionId: update.actionId,
    author: toUserRef(update.author),
    createdAt: update.createdAt,
    note: update.note,
    progress: update.progress,
    statusFrom: update.statusFrom,
    statusTo: update.statusTo,
    offTrack: update.offTrack,
  };
}

export function toEvidenceDto(evidence: Evidence): EvidenceDto {
  return {
    id: evidence.id,
    actionId: evidence.actionId,
    kind: evidence.kind,
    title: evidence.title,
    url: evidence.url,
    note: evidence.note,
    fileName: evidence.fileName,
    fileSha256: evidence.fileSha256,
    fileSize: evidence.fileSize,
    fileMediaType: evidence.fileMediaType,
    fileUrl: evidence.fileMediaType ? `/api/v1/evidence/${evidence.id}/file` : null,
    category: evidence.category,
    effectiveDate: evidence.effectiveDate,
    expiryDate: evidence.expiryDate,
    expired: evidenceExpired(evidence, todayDate()),
    submittedBy: toUserRef(evidence.submittedBy),
    submittedAt: evidence.submittedAt,
    reviewState: evidence.reviewState,
    reviewedBy: toUserRef(evidence.reviewedBy),
    reviewedAt: evidence.reviewedAt,
    reviewNote: evidence.reviewNote,
  };
}

export function toDueDateChangeDto(change: DueDateChange): DueDateChangeDto {
  return {
    id: change.id,
    actionId: change.actionId,
    previousDueDate: change.previousDueDate,
    newDueDate: change.newDueDate,
    reason: change.reason,
    changedBy: toUserRef(change.changedBy),
    createdAt: change.createdAt,
  };
}
