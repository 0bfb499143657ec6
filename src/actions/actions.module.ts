import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionFactsRepository } from './action-facts.repository';
import { Action } from './action.entity';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';
import { DueDateChange } from './due-date-change.entity';
import { Evidence } from './evidence.entity';
import { DueDateRequestsService } from './due-date-requests.service';
import { EvidenceService } from './evidence.service';
import { ProgressUpdate } from './progress-update.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Action, ProgressUpdate, DueDateChange, Evidence])],
  controllers: [ActionsController],
  providers: [ActionsService, EvidenceService, DueDateRequestsService, ActionFactsRepository],
  exports: [ActionsService, ActionFactsRepository, EvidenceService, DueDateRequestsService],
})
export class ActionsModule {}
