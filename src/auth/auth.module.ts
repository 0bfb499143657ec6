import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiToken } from './api-token.entity';
import { AuthController, TokensController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { KnownDevice } from './known-device.entity';
import { KnownDevicesService } from './known-devices.service';
import { Session } from './session.entity';
import { SessionsService } from './sessions.service';
import { SignInThrottle } from './sign-in-throttle.entity';
import { SignInThrottleService } from './sign-in-throttle.service';
import { TokensService } from './tokens.service';
import { SsoService } from './sso.service';
import { SsoSignIn } from './sso-sign-in.entity';
import { UsersModule } from '../users/users.module';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Session, ApiToken, SignInThrottle, KnownDevice, SsoSignIn]),
    UsersModule,
  ],
  controllers: [AuthController, TokensController],
  providers: [
    AuthService,
    SessionsService,
    TokensService,
    SignInThrottleService,
    KnownDevicesService,
    SsoService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokensService, SessionsService, AuthService, SsoService],
})
export class AuthModule {}
