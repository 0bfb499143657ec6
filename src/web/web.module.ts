import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionsModule } from '../actions/actions.module';
import { CoreServicesModule } from '../core-services/core-services.module';
import { FindingsModule } from '../findings/findings.module';
import { ImportsModule } from '../imports/imports.module';
import { ReadinessModule } from '../readiness/readiness.module';
import { ReportsModule } from '../reports/reports.module';
import { CalendarModule } from '../calendar/calendar.module';
import { CqcApiModule } from '../cqc-api/cqc-api.module';
import { CqcInboxPagesController } from './cqc-inbox-pages.controller';
import { UsersModule } from '../users/users.module';
import { ActionListController } from './action-list.controller';
import { ActionChangePagesController } from './action-change-pages.controller';
import { ActionPagesController } from './action-pages.controller';
import { Choices } from './choices';
import { FindingPagesController } from './finding-pages.controller';
import { AccountPagesController } from './account-pages.controller';
import { AdminPagesController } from './admin-pages.controller';
import { HomeController } from './home.controller';
import { ReportPagesController } from './report-pages.controller';
import { ImportPagesController } from './import-pages.controller';
import { StagedUpload } from './staged-upload.entity';
import { PageRenderer } from './page-renderer';
import { SignInController } from './sign-in.controller';
import { TrustScopes } from './trust-scope';

/** The pages for people: server-rendered with the NHS.UK design system, working without JavaScript. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([StagedUpload]),
    ActionsModule,
    CoreServicesModule,
    FindingsModule,
    ImportsModule,
    ReadinessModule,
    ReportsModule,
    CalendarModule,
    UsersModule,
    CqcApiModule,
  ],
  controllers: [
    SignInController,
    HomeController,
    ActionListController,
    ActionPagesController,
    ActionChangePagesController,
    FindingPagesController,
    ImportPagesController,
    ReportPagesController,
    AccountPagesController,
    AdminPagesController,
    CqcInboxPagesController,
  ],
  providers: [PageRenderer, TrustScopes, Choices],
  exports: [PageRenderer],
})
export class WebModule {}
