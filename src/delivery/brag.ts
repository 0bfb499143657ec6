import { DeliveryStatus } from './delivery-status';

/** Red first, blue (assured) last: the order pages and reports list them in. */
export const BRAG_COLOURS = ['RED', 'AMBER', 'GREEN', 'BLUE'] as const;
export type Brag = (typeof BRAG_COLOURS)[number];

/**
 * The default BRAG scheme: a colour mapping over delivery status, never stored. Cancelled
 * actions have no colour and are left out of counts.
 */
export function bragOf(status: DeliveryStatus): Brag | null {
  switch (status) {
    case 'ASSURED':
      return 'BLUE';
    case 'COMPLETED':
    case 'ON_TRACK':
      return 'GREEN';
    case 'AT_RISK':
      return 'AMBER';
    case 'OFF_TRACK':
      return 'RED';
    case 'CANCELLED':
      return null;
  }
}

/** The delivery statuses a colour stands for, so a BRAG filter becomes a status filter in SQL. */
export function deliveryStatusesOfBrag(brag: Brag): DeliveryStatus[] {
  const all: DeliveryStatus[] = ['ASSURED', 'COMPLETED', 'OFF_TRACK', 'AT_RISK', 'ON_TRACK'];
  return all.filter((status) => bragOf(status) === brag);
}
