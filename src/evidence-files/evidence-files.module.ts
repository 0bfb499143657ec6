import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActionsModule } from '../actions/actions.module';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { EvidenceFile } from './evidence-file.entity';
import { EvidenceFilesController } from './evidence-files.controller';
import { EvidenceFilesService } from './evidence-files.service';
import { EVIDENCE_STORE, EvidenceStore, evidenceStoreFor } from './evidence-store';
import { EvidenceUpload } from './evidence-upload';

/** Evidence documents: upload, keep (EVIDENCE_STORAGE), download (issue 20). */
@Module({
  imports: [TypeOrmModule.forFeature([EvidenceFile]), ActionsModule],
  controllers: [EvidenceFilesController],
  providers: [
    EvidenceFilesService,
    EvidenceUpload,
    {
      provide: EVIDENCE_STORE,
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource): EvidenceStore =>
        evidenceStoreFor(config, dataSource),
    },
  ],
  exports: [EvidenceFilesService, EvidenceUpload, EVIDENCE_STORE],
})
export class EvidenceFilesModule {}
