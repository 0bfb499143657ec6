import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorResponses } from '../common/error-body';
import { IdParam } from '../common/request-params';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { toUserDto, UserDto } from '../users/dto/user.dto';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { CreateTokenDto, SignedInDto, SignInDto } from './auth.dto';
import { AuthService } from './auth.service';
import { Allow, AuthenticatedRequest, CurrentUser, Public, READ_ROLES } from './roles';
import { checkSameOriginSignIn } from './same-origin';
import { SESSION_COOKIE, SessionsService } from './sessions.service';
import { deviceSecretOf, setSignInCookies } from './sign-in-cookies';
import { ApiTokenDto, CreatedApiTokenDto, TokensService } from './tokens.service';

@ApiErrorResponses()
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  /** Starts a session: an HttpOnly cookie, plus the CSRF token its writes must carry. */
  @Post('sign-in')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SignedInDto })
  async signIn(
    @Body() dto: SignInDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignedInDto> {
    checkSameOriginSignIn(request);
    const signedIn = await this.auth.signIn(
      dto.email,
      dto.password,
      request.ip ?? 'unknown',
      deviceSecretOf(request),
    );
    setSignInCookies(request, response, signedIn, this.sessions.maxAgeMs);
    return {
      user: toUserDto(signedIn.user),
      csrfToken: signedIn.csrfToken,
      expiresAt: new Date(Date.now() + this.sessions.maxAgeMs).toISOString(),
    };
  }

  /** Ends the session on the server, not just in this browser. */
  @Post('sign-out')
  @Allow(...READ_ROLES)
  @HttpCode(204)
  async signOut(
    @Req() request: AuthenticatedRequest,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (request.sessionId) await this.auth.signOut(user, request.sessionId);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: User) {
    return this.users.get(user.id);
  }
}

@ApiErrorResponses()
@ApiTags('auth')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: [ApiTokenDto] })
  list(@CurrentUser() user: User) {
    return this.tokens.list(user);
  }

  @Post()
  @Allow(...READ_ROLES)
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  create(@CurrentUser() user: User, @Body() dto: CreateTokenDto) {
    return this.tokens.create(user, dto);
  }

  @Post(':id/revoke')
  @Allow(...READ_ROLES)
  @HttpCode(200)
  @ApiOkResponse({ type: ApiTokenDto })
  revoke(@CurrentUser() user: User, @IdParam() id: number) {
    return this.tokens.revoke(user, id);
  }
}
