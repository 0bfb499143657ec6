import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../common/pagination';
import { IdParam, IfMatchVersion } from '../common/request-params';
import {
  CreateFindingDto,
  FindingDto,
  ListFindingsQueryDto,
  UpdateFindingDto,
} from './dto/finding.dto';
import { FindingsService } from './findings.service';

class FindingPageDto extends PageOf(FindingDto) {}

@ApiErrorResponses()
@ApiTags('findings')
@Controller('api/v1/findings')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: FindingPageDto })
  list(@Query() query: ListFindingsQueryDto) {
    return this.findings.list(query);
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: FindingDto })
  get(@IdParam() id: number) {
    return this.findings.get(id);
  }

  @Post()
  @Allow('quality_lead')
  @ApiCreatedResponse({ type: FindingDto })
  create(@Body() dto: CreateFindingDto) {
    return this.findings.create(dto);
  }

  @Patch(':id')
  @Allow('quality_lead')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you read, e.g. "3"' })
  @ApiOkResponse({ type: FindingDto })
  update(@IdParam() id: number, @Body() dto: UpdateFindingDto, @IfMatchVersion() ifMatch?: number) {
    return this.findings.update(id, dto, ifMatch);
  }
}
