import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { IdParam } from '../common/request-params';
import {
  ReadinessDto,
  ReadinessQueryDto,
  ServiceReadinessDto,
  ServiceReadinessQueryDto,
} from './readiness.dto';
import { ReadinessService } from './readiness.service';

@ApiErrorResponses()
@ApiTags('readiness')
@Controller('api/v1/readiness')
export class ReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: ReadinessDto })
  forOrganisation(@Query() query: ReadinessQueryDto) {
    return this.readiness.forOrganisation(query.organisationId, query.asOf);
  }

  @Get('core-services/:id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: ServiceReadinessDto })
  forCoreService(@IdParam() id: number, @Query() query: ServiceReadinessQueryDto) {
    return this.readiness.forCoreService(id, query.asOf);
  }
}
