import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentUser } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { PageOf } from '../common/pagination';
import { IdParam } from '../common/request-params';
import type { User } from '../users/user.entity';
import { CqcInboxService } from './cqc-inbox.service';
import {
  CqcInboxImportQueryDto,
  CqcInboxItemDto,
  DismissCqcInboxItemDto,
  ListCqcInboxQueryDto,
} from './dto/cqc-inbox.dto';

class CqcInboxPageDto extends PageOf(CqcInboxItemDto) {}

/** What CQC published for your trusts, found by the watcher (docs/cqc-api.md). */
@ApiErrorResponses()
@ApiTags('cqc-inbox')
@Controller('api/v1/cqc-inbox')
export class CqcInboxController {
  constructor(private readonly inbox: CqcInboxService) {}

  @Get()
  @Allow('quality_lead')
  @ApiOkResponse({ type: CqcInboxPageDto })
  list(@Query() query: ListCqcInboxQueryDto) {
    return this.inbox.list(query);
  }

  @Get(':id')
  @Allow('quality_lead')
  @ApiOkResponse({ type: CqcInboxItemDto })
  get(@IdParam() id: number) {
    return this.inbox.get(id);
  }

  @Post(':id/dismiss')
  @Allow('quality_lead')
  @HttpCode(200)
  @ApiOkResponse({ type: CqcInboxItemDto })
  dismiss(@IdParam() id: number, @Body() dto: DismissCqcInboxItemDto, @CurrentUser() user: User) {
    return this.inbox.dismiss(id, dto, user);
  }

  /** Preview (the default) or, with dryRun=false, confirm the import of the trust's CQC record. */
  @Post(':id/import')
  @Allow('quality_lead')
  @HttpCode(200)
  import(@IdParam() id: number, @Query() query: CqcInboxImportQueryDto, @CurrentUser() user: User) {
    return this.inbox.import(id, query, user);
  }
}
