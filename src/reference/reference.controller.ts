import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles';
import { cqcReference } from '../cqc/reference';

@ApiTags('reference')
@Controller('api/v1/reference')
export class ReferenceController {
  @Get()
  @Public()
  @ApiOkResponse({
    description:
      'The CQC vocabulary input is checked against: key questions, ratings, regulations (2014 and 2010), the core-service catalogue with aliases, quality statements and evidence categories',
  })
  get() {
    return cqcReference();
  }
}
