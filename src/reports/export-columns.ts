import type { ActionStatus } from '../actions/action.entity';
import type { FindingDto } from '../findings/dto/finding.dto';
import type { Brag } from '../delivery/brag';
import type { DeliveryReason, DeliveryStatus } from '../delivery/delivery-status';

/** One column of a flat export: its heading, width in characters, and how to read a row. */
export interface ExportColumn<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | null;
  /** A calendar date, written to XLSX as a real date. */
  date?: boolean;
  /** The BRAG colour, coloured in XLSX. */
  brag?: boolean;
}

/** One action as the flat export prints it: as at the export's date, names already joined. */
export interface ActionExportRow {
  id: number;
  reference: string | null;
  title: string;
  coreServiceNames: string;
  findingIds: string;
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
  successMeasure: string | null;
  cancellationReason: string | null;
  assuredBy: string | null;
}

export const ACTION_COLUMNS: ExportColumn<ActionExportRow>[] = [
  { header: 'ID', width: 8, value: (a) => a.id },
  { header: 'Reference', width: 12, value: (a) => a.reference },
  { header: 'Action', width: 50, value: (a) => a.title },
  { header: 'Core services', width: 40, value: (a) => a.coreServiceNames },
  { header: 'Finding IDs', width: 14, value: (a) => a.findingIds },
  { header: 'Owner', width: 22, value: (a) => a.owner },
  { header: 'Executive lead', width: 22, value: (a) => a.executiveLead },
  { header: 'Start date', width: 12, value: (a) => a.startDate, date: true },
  { header: 'Due date', width: 12, value: (a) => a.dueDate, date: true },
  { header: 'Original due date', width: 12, value: (a) => a.originalDueDate, date: true },
  { header: 'Progress %', width: 10, value: (a) => a.progress },
  { header: 'Status', width: 14, value: (a) => a.status },
  { header: 'Delivery status', width: 14, value: (a) => a.deliveryStatus },
  { header: 'Why', width: 26, value: (a) => a.deliveryReason },
  { header: 'BRAG', width: 8, value: (a) => a.brag, brag: true },
  { header: 'Reinspection date', width: 12, value: (a) => a.reinspectionDate, date: true },
  { header: 'Success measure', width: 40, value: (a) => a.successMeasure },
  { header: 'Cancellation reason', width: 30, value: (a) => a.cancellationReason },
  { header: 'Assured by', width: 22, value: (a) => a.assuredBy },
];

export const FINDING_COLUMNS: ExportColumn<FindingDto & { coreServiceName: string }>[] = [
  { header: 'ID', width: 8, value: (f) => f.id },
  { header: 'Reference', width: 12, value: (f) => f.reference },
  { header: 'Type', width: 16, value: (f) => f.type },
  { header: 'Core service', width: 40, value: (f) => f.coreServiceName },
  { header: 'Key question', width: 12, value: (f) => f.keyQuestion },
  { header: 'Quality statement', width: 30, value: (f) => f.qualityStatement },
  {
    header: 'Regulations',
    width: 20,
    value: (f) =>
      f.regulations.map((r) => `${r.instrument} reg ${r.number}${r.paragraph ?? ''}`).join('; '),
  },
  { header: 'Finding', width: 70, value: (f) => f.text },
  { header: 'Deadline', width: 12, value: (f) => f.deadline, date: true },
  { header: 'Action IDs', width: 14, value: (f) => f.actionIds.join(', ') },
  { header: 'Source', width: 18, value: (f) => f.source },
  // A warning notice's failings, each with its own deadline; the Deadline column is the earliest.
  {
    header: 'Warning notice failings',
    width: 60,
    value: (f) => f.failings.map((failing) => `${failing.deadline}: ${failing.text}`).join('; '),
  },
  {
    header: 'Action plan due to CQC',
    width: 12,
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
