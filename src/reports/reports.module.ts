import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { FindingsModule } from '../findings/findings.module';
import { CqcReturnService } from './cqc-return.service';
import { FlatExportService } from './flat-export.service';
import { ReportsController } from './reports.controller';

@Module({
  imports: [ActionsModule, FindingsModule],
  controllers: [ReportsController],
  providers: [FlatExportService, CqcReturnService],
})
export class ReportsModule {}
