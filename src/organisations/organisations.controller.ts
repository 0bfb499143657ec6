import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf, PageQueryDto } from '../common/pagination';
import { IdParam } from '../common/request-params';
import { CoreServicePageDto } from '../core-services/core-services.controller';
import { CoreServicesService } from '../core-services/core-services.service';
import { AddRatingsDto } from '../core-services/dto/rating.dto';
import { InspectionPageDto } from '../inspections/inspections.controller';
import { InspectionsService } from '../inspections/inspections.service';
import {
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  OrganisationDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';

class OrganisationPageDto extends PageOf(OrganisationDto) {}

@ApiErrorResponses()
@ApiTags('organisations')
@Controller('api/v1/organisations')
export class OrganisationsController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly coreServices: CoreServicesService,
    private readonly inspections: InspectionsService,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: OrganisationPageDto })
  list(@Query() query: ListOrganisationsQueryDto) {
    return this.organisations.list(query);
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: OrganisationDto })
  get(@IdParam() id: number) {
    return this.organisations.get(id);
  }

  /** Admin only: a new trust starts with no members, so nobody else could see it anyway. */
  @Post()
  @ApiCreatedResponse({ type: OrganisationDto })
  create(@Body() dto: CreateOrganisationDto) {
    return this.organisations.create(dto);
  }

  @Patch(':id')
  @Allow('quality_lead')
  @ApiOkResponse({ type: OrganisationDto })
  update(@IdParam() id: number, @Body() dto: UpdateOrganisationDto) {
    return this.organisations.update(id, dto);
  }

  @Post(':id/ratings')
  @Allow('quality_lead')
  @ApiCreatedResponse({ type: OrganisationDto, description: 'Trust-level ratings' })
  addRatings(@IdParam() id: number, @Body() dto: AddRatingsDto) {
    return this.organisations.addRatings(id, dto.ratings);
  }

  @Get(':id/core-services')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: CoreServicePageDto })
  async coreServicesOf(@IdParam() id: number, @Query() page: PageQueryDto) {
    await this.organisations.get(id);
    return this.coreServices.list({ ...page, organisationId: id });
  }

  @Get(':id/inspections')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: InspectionPageDto })
  async inspectionsOf(@IdParam() id: number, @Query() page: PageQueryDto) {
    await this.organisations.get(id);
    return this.inspections.list({ ...page, organisationId: id });
  }
}
