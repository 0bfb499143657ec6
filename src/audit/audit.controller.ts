import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { PageOf } from '../common/pagination';
import { AuditQueryService } from './audit-query.service';
import { AuditEventDto, ListAuditQueryDto } from './audit.dto';

class AuditEventPageDto extends PageOf(AuditEventDto) {}

/** Read only: there is no route that edits or deletes an audit event. */
@ApiErrorResponses()
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: ListAuditQueryDto) {
    return this.audit.list(query);
  }
}
