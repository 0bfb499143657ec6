import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { IdParam } from '../common/request-params';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../common/pagination';
import {
  CreateUserDto,
  ListUsersQueryDto,
  MembershipInputDto,
  UpdateUserDto,
  UserDto,
} from './dto/user.dto';
import { UsersService } from './users.service';

class UserPageDto extends PageOf(UserDto) {}

@ApiErrorResponses()
@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto) {
    return this.users.list(query);
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: UserDto })
  get(@IdParam() id: number) {
    return this.users.get(id);
  }

  @Post()
  @ApiOkResponse({ type: UserDto })
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserDto })
  update(@IdParam() id: number, @Body() dto: UpdateUserDto) {
    return this.users.update(id, dto);
  }

  /** Adds the user to a trust, or changes their role there. Admin only. */
  @Post(':id/memberships')
  @ApiOkResponse({ type: UserDto })
  addMembership(@IdParam() id: number, @Body() dto: MembershipInputDto) {
    return this.users.addMembership(id, dto);
  }

  /** Takes a trust away from the user. Admin only. */
  @Delete(':id/memberships/:organisationId')
  @ApiOkResponse({ type: UserDto })
  removeMembership(@IdParam() id: number, @IdParam('organisationId') organisationId: number) {
    return this.users.removeMembership(id, organisationId);
  }
}
