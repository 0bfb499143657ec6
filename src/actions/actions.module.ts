import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryModule } from '../delivery/delivery.module';
import { Action } from './action.entity';
import { ActionsController } from './actions.controller';
import { ActionWriter } from './action-writer';
import { ActionsService } from './actions.service';
import { DueDateChange } from './due-date-change.entity';
import { Evidence } from './evidence.entity';
import { DueDateRequestsService } from './due-date-requests.service';
import { EvidenceService } from './evidence.service';
import { ProgressUpdate } from './progress-update.entity';
import { ReassignController } from './reassign.controller';
import { ReassignService } from './reassign.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Action, ProgressUpdate, DueDateChange, Evidence]),
    DeliveryModule,
  ],
  controllers: [ActionsController, ReassignController],
  providers: [
    ActionWriter,
    ActionsService,
    EvidenceService,
    DueDateRequestsService,
    ReassignService,
  ],
  exports: [
    ActionWriter,
    ActionsService,
    DeliveryModule,
    EvidenceService,
    DueDateRequestsService,
    ReassignService,
  ],
})
export class ActionsModule {}
