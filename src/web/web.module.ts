import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionsModule } from '../actions/actions.module';
import { ActionCommentsModule } from '../actions/action-comments.module';
import { CoreServicesModule } from '../core-services/core-services.module';
import { FindingsModule } from '../findings/findings.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { EvidenceFilesModule } from '../evidence-files/evidence-files.module';
import { ImportsModule } from '../imports/imports.module';
import { ReadinessModule } from '../readiness/readiness.module';
import { ReportsModule } from '../reports/reports.module';
import { CalendarModule } from '../calendar/calendar.module';
import { CqcApiModule } from '../cqc-api/cqc-api.module';
import { CqcInboxPagesController } from './cqc-inbox-pages.controller';
import { CoreServicePagesController } from './core-service-pages.controller';
import { TrustPagesController } from './trust-pages.controller';
import { BulkPlanningPagesController } from './bulk-planning-pages.controller';
import { UsersModule } from '../users/users.module';
import { ActionListController } from './action-list.controller';
import { ActionChangePagesController } from './action-change-pages.controller';
import { ActionPagesController } from './action-pages.controller';
import { ActionCommentsPagesController } from './action-comments-pages.controller';
import { ActionConversation } from './action-conversation';
import { ActionLinksPagesController } from './action-links-pages.controller';
import { Choices } from './choices';
import { FindingPagesController } from './finding-pages.controller';
import { AccountPagesController } from './account-pages.controller';
import { AdminPagesController } from './admin-pages.controller';
import { HomeController } from './home.controller';
import { ReportPagesController } from './report-pages.controller';
import { ImportPagesController } from './import-pages.controller';
import { StagedUpload } from './staged-upload.entity';
import { PageRenderer } from './page-renderer';
import { PeoplePagesController } from './people-pages.controller';
import { SignInController } from './sign-in.controller';
import { TrustScopes } from './trust-scope';
import { WorkQueues } from './work-queues';
import { TrustFooterInterceptor } from './trust-footer.interceptor';

/** The pages for people: server-rendered with the NHS.UK design system, working without JavaScript. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([StagedUpload]),
    ActionsModule,
    EvidenceFilesModule,
    ActionCommentsModule,
    CoreServicesModule,
    FindingsModule,
    OrganisationsModule,
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
    ActionCommentsPagesController,
    ActionLinksPagesController,
    ActionChangePagesController,
    FindingPagesController,
    ImportPagesController,
    ReportPagesController,
    AccountPagesController,
    AdminPagesController,
    CqcInboxPagesController,
    CoreServicePagesController,
    TrustPagesController,
    BulkPlanningPagesController,
    PeoplePagesController,
  ],
  providers: [
    PageRenderer,
    TrustScopes,
    Choices,
    WorkQueues,
    ActionConversation,
    { provide: APP_INTERCEPTOR, useClass: TrustFooterInterceptor },
  ],
  exports: [PageRenderer],
})
export class WebModule {}
