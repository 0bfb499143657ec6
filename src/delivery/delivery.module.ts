import { Module } from '@nestjs/common';
import { ActionFactsRepository } from './action-facts.repository';

/**
 * Delivery status and BRAG: the pure rules (`delivery-status.ts`, `brag.ts`), their SQL twin
 * (`action-facts.sql.ts`) and the repository that reads actions' facts as at a date. Actions
 * and readiness both depend on this module and on nothing of each other's.
 */
@Module({
  providers: [ActionFactsRepository],
  exports: [ActionFactsRepository],
})
export class DeliveryModule {}
