import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { IdParam } from '../common/request-params';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../common/pagination';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/user.dto';
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
}
