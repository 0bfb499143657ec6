import { londonDateOf } from '../common/dates';
import { labelOf, ukDate } from '../common/words';
import type { BoardMovement, MovementActionRef } from './board-movement.service';

export const MOVEMENT_TITLE = 'Movement since the last issued board report';
export const NO_EARLIER_REPORT = 'No earlier board report has been issued.';

/** One table of the movement section, as plain text cells, for any of the three formats. */
export interface MovementTable {
  title: string;
  header: string[];
  rows: string[][];
  /** Shown as the only row when `rows` is empty. */
  empty: string;
}

export interface MovementSection {
  title: string;
  intro: string;
  tables: MovementTable[];
}

const change = (then: number, now: number) =>
  now === then ? '0' : now > then ? `+${now - then}` : String(now - then);

const name = (action: MovementActionRef) =>
  action.reference ? `${action.reference} ${action.title}` : action.title;

/**
 * The section's words and tables, decided once, so the HTML page, the PDF and the workbook
 * say the same thing.
 */
export function movementSection(movement: BoardMovement | undefined): MovementSection | null {
  if (!movement) return null;
  const since = movement.since;
  if (!since) {
    const same = movement.sameDateIssued;
    // A paper issued earlier the same day is no earlier report: there is no movement to show,
    // but saying none was issued would be untrue.
    const intro = same
      ? `The last board report issued, for ${same.meeting}, was as at this same date, so there is no earlier report to compare with. Choose an earlier date to compare with.`
      : NO_EARLIER_REPORT;
    return { title: MOVEMENT_TITLE, intro, tables: [] };
  }
  const intro = since.issuedReport
    ? `Compared with the board report as at ${ukDate(since.asOf)}, issued for ${since.issuedReport.meeting} on ${ukDate(londonDateOf(since.issuedReport.issuedAt))}.`
    : `No issued board report chosen: compared with the figures as at ${ukDate(since.asOf)}, the date asked for.`;
  return {
    title: MOVEMENT_TITLE,
    intro,
    tables: [
      {
        title: 'Actions by delivery status',
        header: ['Delivery status', `As at ${ukDate(since.asOf)}`, 'Now', 'Change'],
        rows: movement.byDeliveryStatus.map((r) => [
          labelOf(r.status),
          String(r.then),
          String(r.now),
          change(r.then, r.now),
        ]),
        empty: 'None',
      },
      {
        title: 'Actions by BRAG (cancelled left out)',
        header: ['BRAG', `As at ${ukDate(since.asOf)}`, 'Now', 'Change'],
        rows: movement.byBrag.map((r) => [
          labelOf(r.brag),
          String(r.then),
          String(r.now),
          change(r.then, r.now),
        ]),
        empty: 'None',
      },
      {
        title: 'Newly off track',
        header: ['Action'],
        rows: movement.newlyOffTrack.map((a) => [name(a)]),
        empty: 'None',
      },
      {
        title: 'Newly assured',
        header: ['Action'],
        rows: movement.newlyAssured.map((a) => [name(a)]),
        empty: 'None',
      },
      {
        title: 'Due dates moved',
        header: ['Action', 'From', 'To', 'Moved on', 'Why'],
        rows: movement.dueDatesMoved.map((m) => [
          name(m.action),
          ukDate(m.from),
          ukDate(m.to),
          ukDate(londonDateOf(m.movedAt)),
          m.reason,
        ]),
        empty: 'None',
      },
    ],
  };
}
