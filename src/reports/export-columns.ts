import type { ActionStatus } from '../actions/action.entity';
import type { FindingDto } from '../findings/dto/finding.dto';
import type { Brag } from '../delivery/brag';
import type { DeliveryReason, DeliveryStatus } from '../delivery/delivery-status';
import type { RegulationCitation } from '../findings/finding.entity';
import { labelOf, ukDate } from '../common/words';

/**
 * One column of a flat export: its heading, width in characters, and how to read a row. Values
 * are words, not codes (labelOf), and dates are ISO calendar dates (YYYY-MM-DD), which CSV
 * writes as they are and XLSX as real date cells shown dd/mm/yyyy.
 */
export interface ExportColumn<T> {
  header: string;
  /**
   * The column's name in the reporting feed (/api/feed/*.csv): snake_case, listed in
   * docs/api.md, and never renamed once published, since BI reports are built on it.
   */
  key: string;
  width: number;
  value: (row: T) => string | number | null;
  /** A calendar date, written to XLSX as a real date. */
  date?: boolean;
  /** The BRAG colour the cell is filled with in XLSX. */
  brag?: (row: T) => Brag | null;
}

/** One action as the flat export prints it: as at the export's date, names already joined. */
export interface ActionExportRow {
  id: number;
  reference: string | null;
  title: string;
  coreServiceNames: string;
  /** The linked findings' references as the report gives them (MD1, SD2), not database ids. */
  findingReferences: string;
  regulations: string;
  keyQuestions: string;
  owner: string | null;
  executiveLead: string | null;
  startDate: string | null;
  dueDate: string;
  originalDueDate: string;
  progress: number;
  status: ActionStatus;
  deliveryStatus: DeliveryStatus;
  deliveryReason: DeliveryReason;
  brag: Brag | null;
  reinspectionDate: string | null;
  latestUpdate: string | null;
  latestUpdateDate: string | null;
  evidenceSubmitted: number;
  evidenceAccepted: number;
  evidenceReturned: number;
  successMeasure: string | null;
  cancellationReason: string | null;
  assuredBy: string | null;
}

/** "Regulation 12(1)(2)(d)", marked "(2010)" for the older regulations, as the reports cite. */
export function citationText(citation: RegulationCitation): string {
  return `Regulation ${citation.number}${citation.paragraph ?? ''}${citation.instrument === 2010 ? ' (2010)' : ''}`;
}

export const ACTION_COLUMNS: ExportColumn<ActionExportRow>[] = [
  { header: 'ID', key: 'id', width: 7, value: (a) => a.id },
  { header: 'Reference', key: 'reference', width: 10, value: (a) => a.reference },
  { header: 'Action', key: 'title', width: 40, value: (a) => a.title },
  { header: 'Core services', key: 'core_services', width: 28, value: (a) => a.coreServiceNames },
  { header: 'Findings', key: 'finding_references', width: 11, value: (a) => a.findingReferences },
  { header: 'Regulations', key: 'regulations', width: 22, value: (a) => a.regulations },
  { header: 'Key questions', key: 'key_questions', width: 11, value: (a) => a.keyQuestions },
  { header: 'Owner', key: 'owner', width: 16, value: (a) => a.owner },
  { header: 'Executive lead', key: 'executive_lead', width: 16, value: (a) => a.executiveLead },
  { header: 'Start date', key: 'start_date', width: 11, value: (a) => a.startDate, date: true },
  { header: 'Due date', key: 'due_date', width: 11, value: (a) => a.dueDate, date: true },
  {
    header: 'Original due date',
    key: 'original_due_date',
    width: 11,
    value: (a) => a.originalDueDate,
    date: true,
  },
  { header: 'Progress %', key: 'progress_percent', width: 9, value: (a) => a.progress },
  { header: 'Status', key: 'status', width: 12, value: (a) => labelOf(a.status) },
  {
    header: 'Delivery status',
    key: 'delivery_status',
    width: 11,
    value: (a) => labelOf(a.deliveryStatus),
  },
  { header: 'Why', key: 'delivery_reason', width: 18, value: (a) => labelOf(a.deliveryReason) },
  { header: 'BRAG', key: 'brag', width: 8, value: (a) => labelOf(a.brag), brag: (a) => a.brag },
  {
    header: 'Reinspection date',
    key: 'reinspection_date',
    width: 12,
    value: (a) => a.reinspectionDate,
    date: true,
  },
  { header: 'Latest update', key: 'latest_update', width: 36, value: (a) => a.latestUpdate },
  {
    header: 'Latest update date',
    key: 'latest_update_date',
    width: 11,
    value: (a) => a.latestUpdateDate,
    date: true,
  },
  {
    header: 'Evidence submitted',
    key: 'evidence_submitted',
    width: 9,
    value: (a) => a.evidenceSubmitted,
  },
  {
    header: 'Evidence accepted',
    key: 'evidence_accepted',
    width: 9,
    value: (a) => a.evidenceAccepted,
  },
  {
    header: 'Evidence returned',
    key: 'evidence_returned',
    width: 9,
    value: (a) => a.evidenceReturned,
  },
  { header: 'Success measure', key: 'success_measure', width: 30, value: (a) => a.successMeasure },
  {
    header: 'Cancellation reason',
    key: 'cancellation_reason',
    width: 20,
    value: (a) => a.cancellationReason,
  },
  { header: 'Assured by', key: 'assured_by', width: 16, value: (a) => a.assuredBy },
];

export const FINDING_COLUMNS: ExportColumn<FindingDto & { coreServiceName: string }>[] = [
  { header: 'Reference', key: 'reference', width: 10, value: (f) => f.reference },
  { header: 'Type', key: 'type', width: 14, value: (f) => labelOf(f.type) },
  { header: 'Core service', key: 'core_service', width: 30, value: (f) => f.coreServiceName },
  { header: 'Key question', key: 'key_question', width: 11, value: (f) => f.keyQuestion },
  {
    header: 'Quality statement',
    key: 'quality_statement',
    width: 24,
    value: (f) => f.qualityStatement,
  },
  {
    header: 'Regulations',
    key: 'regulations',
    width: 22,
    value: (f) => f.regulations.map(citationText).join('; '),
  },
  { header: 'Finding', key: 'finding_text', width: 60, value: (f) => f.text },
  { header: 'Deadline', key: 'deadline', width: 11, value: (f) => f.deadline, date: true },
  { header: 'Actions', key: 'action_count', width: 8, value: (f) => f.actionIds.length },
  { header: 'Source', key: 'source', width: 14, value: (f) => labelOf(f.source) },
  // A warning notice's failings, each with its own deadline; the Deadline column is the earliest.
  {
    header: 'Warning notice failings',
    key: 'warning_notice_failings',
    width: 50,
    value: (f) =>
      f.failings.map((failing) => `${ukDate(failing.deadline)}: ${failing.text}`).join('; '),
  },
  {
    header: 'Action plan due to CQC',
    key: 'action_plan_due_date',
    width: 11,
    value: (f) => f.actionPlanDueDate,
    date: true,
  },
];

/** NHS-style BRAG fills, with the colour's name always in the cell too (never colour alone). */
export const BRAG_FILLS: Record<Brag, string> = {
  BLUE: 'FF005EB8',
  GREEN: 'FF007F3B',
  AMBER: 'FFFFB81C',
  RED: 'FFD5281B',
};
