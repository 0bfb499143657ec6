import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../common/pagination';
import { IdParam } from '../common/request-params';
import {
  CreateInspectionDto,
  InspectionDto,
  ListInspectionsQueryDto,
  UpdateInspectionDto,
} from './dto/inspection.dto';
import { InspectionsService } from './inspections.service';

export class InspectionPageDto extends PageOf(InspectionDto) {}

@ApiErrorResponses()
@ApiTags('inspections')
@Controller('api/v1/inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: InspectionPageDto })
  list(@Query() query: ListInspectionsQueryDto) {
    return this.inspections.list(query);
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: InspectionDto })
  get(@IdParam() id: number) {
    return this.inspections.get(id);
  }

  @Post()
  @Allow('quality_lead')
  @ApiCreatedResponse({ type: InspectionDto })
  create(@Body() dto: CreateInspectionDto) {
    return this.inspections.create(dto);
  }

  @Patch(':id')
  @Allow('quality_lead')
  @ApiOkResponse({ type: InspectionDto })
  update(@IdParam() id: number, @Body() dto: UpdateInspectionDto) {
    return this.inspections.update(id, dto);
  }
}
