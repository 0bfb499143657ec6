import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ActionsModule } from './actions/actions.module';
import { ActionCommentsModule } from './actions/action-comments.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CalendarModule } from './calendar/calendar.module';
import { createValidationPipe } from './common/validation';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { ConfigModule } from './config/config.module';
import { AppConfig } from './config/configuration';
import { CoreServicesModule } from './core-services/core-services.module';
import { CqcApiModule } from './cqc-api/cqc-api.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { FindingsModule } from './findings/findings.module';
import { HealthController } from './health/health.controller';
import { ImportsModule } from './imports/imports.module';
import { InspectionsModule } from './inspections/inspections.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { ReadinessModule } from './readiness/readiness.module';
import { ReferenceController } from './reference/reference.controller';
import { ReportsModule } from './reports/reports.module';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';
import { EtagInterceptor } from './common/etag.interceptor';

/**
 * The whole app. The pipe and filter are providers, not `app.use...` calls, so the tests,
 * which build this same module, get exactly the behaviour production has.
 */
@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        AuditModule,
        AuthModule,
        UsersModule,
        OrganisationsModule,
        CoreServicesModule,
        InspectionsModule,
        FindingsModule,
        ActionsModule,
        ActionCommentsModule,
        ImportsModule,
        ReadinessModule,
        ReportsModule,
        CalendarModule,
        CqcApiModule,
        DemoModule,
        WebModule,
      ],
      controllers: [HealthController, ReferenceController],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
      ],
    };
  }
}
