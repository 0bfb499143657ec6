import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
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
  @ApiOkResponse({ type: FindingPageDto })
  list(@Query() query: ListFindingsQueryDto) {
    return this.findings.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: FindingDto })
  get(@IdParam() id: number) {
    return this.findings.get(id);
  }

  @Post()
  @ApiCreatedResponse({ type: FindingDto })
  create(@Body() dto: CreateFindingDto) {
    return this.findings.create(dto);
  }

  @Patch(':id')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you read, e.g. "3"' })
  @ApiOkResponse({ type: FindingDto })
  update(@IdParam() id: number, @Body() dto: UpdateFindingDto, @IfMatchVersion() ifMatch?: number) {
    return this.findings.update(id, dto, ifMatch);
  }
}
