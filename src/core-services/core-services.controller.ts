import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../common/pagination';
import { IdParam } from '../common/request-params';
import { CoreServicesService } from './core-services.service';
import {
  CoreServiceDto,
  CreateCoreServiceDto,
  ListCoreServicesQueryDto,
  UpdateCoreServiceDto,
} from './dto/core-service.dto';
import { AddRatingsDto } from './dto/rating.dto';

export class CoreServicePageDto extends PageOf(CoreServiceDto) {}

@ApiErrorResponses()
@ApiTags('core services')
@Controller('api/v1/core-services')
export class CoreServicesController {
  constructor(private readonly coreServices: CoreServicesService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: CoreServicePageDto })
  list(@Query() query: ListCoreServicesQueryDto) {
    return this.coreServices.list(query);
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: CoreServiceDto })
  get(@IdParam() id: number) {
    return this.coreServices.get(id);
  }

  @Post()
  @Allow('quality_lead')
  @ApiCreatedResponse({ type: CoreServiceDto })
  create(@Body() dto: CreateCoreServiceDto) {
    return this.coreServices.create(dto);
  }

  @Patch(':id')
  @Allow('quality_lead')
  @ApiOkResponse({ type: CoreServiceDto })
  update(@IdParam() id: number, @Body() dto: UpdateCoreServiceDto) {
    return this.coreServices.update(id, dto);
  }

  @Post(':id/ratings')
  @Allow('quality_lead')
  @ApiCreatedResponse({ type: CoreServiceDto })
  addRatings(@IdParam() id: number, @Body() dto: AddRatingsDto) {
    return this.coreServices.addRatings(id, dto.ratings);
  }
}
