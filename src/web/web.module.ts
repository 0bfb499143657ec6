import { Global, Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { ReportsModule } from '../reports/reports.module';
import { HomeController } from './home.controller';
import { PageRenderer } from './page-renderer';
import { SignInController } from './sign-in.controller';
import { TrustScopes } from './trust-scope';

/** The pages for people: server-rendered with the NHS.UK design system, working without JavaScript. */
@Global()
@Module({
  imports: [ActionsModule, ReportsModule],
  controllers: [SignInController, HomeController],
  providers: [PageRenderer, TrustScopes],
  exports: [PageRenderer],
})
export class WebModule {}
