import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { IdParam } from '../common/request-params';
import { ReassignActionsDto, ReassignResultDto, ReassignService } from './reassign.service';

/** Leavers: a quality lead hands every action one person owns in a trust to someone else. */
@ApiErrorResponses()
@ApiTags('actions')
@Controller('api/v1/organisations')
export class ReassignController {
  constructor(private readonly reassigning: ReassignService) {}

  @Post(':id/reassign')
  @HttpCode(200)
  @Allow('quality_lead')
  @ApiOkResponse({ type: ReassignResultDto })
  reassign(@IdParam() id: number, @Body() dto: ReassignActionsDto) {
    return this.reassigning.reassign(id, dto);
  }
}
