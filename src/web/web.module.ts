import { Global, Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { FindingsModule } from '../findings/findings.module';
import { ReportsModule } from '../reports/reports.module';
import { ActionListController } from './action-list.controller';
import { ActionPagesController } from './action-pages.controller';
import { Choices } from './choices';
import { HomeController } from './home.controller';
import { PageRenderer } from './page-renderer';
import { SignInController } from './sign-in.controller';
import { TrustScopes } from './trust-scope';

/** The pages for people: server-rendered with the NHS.UK design system, working without JavaScript. */
@Global()
@Module({
  imports: [ActionsModule, FindingsModule, ReportsModule],
  controllers: [SignInController, HomeController, ActionListController, ActionPagesController],
  providers: [PageRenderer, TrustScopes, Choices],
  exports: [PageRenderer],
})
export class WebModule {}
