import { Module } from '@nestjs/common';
import { FindingsModule } from '../findings/findings.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { ParserPool } from './parser-pool';
import { PlanImportService } from './plan-import.service';

@Module({
  imports: [FindingsModule],
  controllers: [ImportsController],
  providers: [ImportsService, PlanImportService, ParserPool],
  exports: [ImportsService, PlanImportService],
})
export class ImportsModule {}
