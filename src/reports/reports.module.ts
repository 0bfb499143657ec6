import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { FindingsModule } from '../findings/findings.module';
import { ReadinessModule } from '../readiness/readiness.module';
import { BoardReportService } from './board-report.service';
import { CqcReturnService } from './cqc-return.service';
import { EvidencePackService } from './evidence-pack.service';
import { FlatExportService } from './flat-export.service';
import { BoardMovementService } from './board-movement.service';
import { IssuedReportsController } from './issued-reports.controller';
import { IssuedReportsService } from './issued-reports.service';
import { FeedController } from './feed.controller';
import { ReportsController } from './reports.controller';

@Module({
  imports: [ActionsModule, FindingsModule, ReadinessModule],
  controllers: [ReportsController, IssuedReportsController, FeedController],
  providers: [
    FlatExportService,
    CqcReturnService,
    BoardReportService,
    BoardMovementService,
    EvidencePackService,
    IssuedReportsService,
  ],
  exports: [BoardReportService, BoardMovementService, IssuedReportsService],
})
export class ReportsModule {}
