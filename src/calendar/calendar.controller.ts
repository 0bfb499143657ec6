import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentUser, Public, READ_ROLES } from '../auth/roles';
import { AppError } from '../common/app-error';
import { ApiErrorResponses } from '../common/error-body';
import { User } from '../users/user.entity';
import { CalendarFeedDto, CalendarService, CreatedCalendarFeedDto } from './calendar.service';

@ApiErrorResponses()
@ApiTags('calendar')
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('feed')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: CalendarFeedDto })
  status(@CurrentUser() user: User) {
    return this.calendar.status(user);
  }

  @Post('feed')
  @Allow(...READ_ROLES)
  @ApiCreatedResponse({ type: CreatedCalendarFeedDto })
  create(@CurrentUser() user: User) {
    return this.calendar.create(user);
  }

  @Post('feed/revoke')
  @Allow(...READ_ROLES)
  @HttpCode(200)
  @ApiOkResponse({ type: CalendarFeedDto })
  revoke(@CurrentUser() user: User) {
    return this.calendar.revoke(user);
  }

  /** For calendar apps, which cannot sign in: the secret in the address is the key. */
  @Get('feeds/:file')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  // The address is a secret and the feed names people and dates: no cache may keep a copy.
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'iCalendar: due dates of your actions, and reinspection dates' })
  feed(@Param('file') file: string) {
    const match = /^(cqcc_[\w-]{20,80})\.ics$/.exec(file);
    if (!match) throw new AppError('ROUTE_NOT_FOUND', 'No such calendar feed');
    return this.calendar.feed(match[1]);
  }
}
