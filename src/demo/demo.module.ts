import { Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { Transactions } from '../database/transactions';
import { isDatabaseEmpty, loadDemoData } from './demo-loader';

/** With DEMO_DATA on (the default), an empty database gets the demo set at start. */
@Injectable()
export class DemoDataOnStart implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData || !(await isDatabaseEmpty(this.dataSource))) return;
    const summary = await this.transactions.run((manager) => loadDemoData(manager));
    new Logger('Demo').log(
      `Loaded the demo data: ${summary.organisations} trusts, ${summary.findings} findings, ${summary.actions} actions, ${summary.users} users`,
    );
  }
}

@Module({ providers: [DemoDataOnStart] })
export class DemoModule {}
