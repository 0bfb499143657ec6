import {
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig, DEFAULT_CQC_API_URL } from '../config/configuration';
import { Transactions } from '../database/transactions';
import { ImportsModule } from '../imports/imports.module';
import { CqcApiClient } from './cqc-api.client';
import { CqcInboxItem } from './cqc-inbox-item.entity';
import { CqcInboxController } from './cqc-inbox.controller';
import { CQC_API_CLIENT, CqcClientFactory, CqcInboxService } from './cqc-inbox.service';
import { CqcWatcher } from './cqc-watcher';

export function cqcClientFactory(config: AppConfig): CqcClientFactory {
  return () =>
    new CqcApiClient({ baseUrl: config.cqcApiUrl ?? DEFAULT_CQC_API_URL, key: config.cqcApiKey });
}

/**
 * Polls CQC every CQC_WATCH_MINUTES while the app runs (off when unset). The timer is unref'd
 * so it never holds the process open, and the watcher skips a tick while a poll still runs.
 */
@Injectable()
export class CqcWatchSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CqcWatch');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly watcher: CqcWatcher,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.cqcWatchMinutes;
    if (!minutes) return;
    this.timer = setInterval(() => void this.tick(), minutes * 60_000);
    this.timer.unref();
    this.logger.log(
      `Watching CQC's changes feed every ${minutes} minute${minutes === 1 ? '' : 's'}`,
    );
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    try {
      const summary = await this.watcher.watchOnce();
      if (summary.ran && summary.created > 0) {
        this.logger.log(`CQC watch: ${summary.created} new inbox items`);
      }
    } catch (error) {
      this.logger.warn(`CQC watch failed: ${(error as Error).message}`);
    }
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([CqcInboxItem]), ImportsModule],
  controllers: [CqcInboxController],
  providers: [
    CqcInboxService,
    CqcWatchSchedule,
    {
      provide: CQC_API_CLIENT,
      inject: [APP_CONFIG],
      useFactory: cqcClientFactory,
    },
    {
      provide: CqcWatcher,
      inject: [DataSource, Transactions, AuditService, CQC_API_CLIENT],
      useFactory: (
        dataSource: DataSource,
        transactions: Transactions,
        audit: AuditService,
        newClient: CqcClientFactory,
      ) => new CqcWatcher(dataSource, transactions, audit, newClient),
    },
  ],
  exports: [CqcInboxService, CqcWatcher],
})
export class CqcApiModule {}
