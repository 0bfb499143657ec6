import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiErrorResponses } from '../common/error-body';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../common/pagination';
import { IdParam, IfMatchVersion } from '../common/request-params';
import { ActionsService } from './actions.service';
import {
  ActionDto,
  AsOfQueryDto,
  DueDateChangeDto,
  EvidenceDto,
  ListActionsQueryDto,
  ProgressUpdateDto,
} from './dto/action-read.dto';
import {
  AddEvidenceDto,
  AssignActionDto,
  AssureActionDto,
  CancelActionDto,
  ChangeDueDateDto,
  CreateActionDto,
  PostProgressDto,
  ReviewEvidenceDto,
  UpdateActionDto,
} from './dto/action-write.dto';
import { EvidenceService } from './evidence.service';

class ActionPageDto extends PageOf(ActionDto) {}

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The version you read, e.g. "3"',
};

@ApiErrorResponses()
@ApiTags('actions')
@Controller('api/v1/actions')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly evidence: EvidenceService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ActionPageDto })
  list(@Query() query: ListActionsQueryDto) {
    return this.actions.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ActionDto })
  get(@IdParam() id: number, @Query() query: AsOfQueryDto) {
    return this.actions.get(id, query.asOf);
  }

  @Post()
  @ApiCreatedResponse({ type: ActionDto })
  create(@Body() dto: CreateActionDto) {
    return this.actions.create(dto);
  }

  @Patch(':id')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  update(@IdParam() id: number, @Body() dto: UpdateActionDto, @IfMatchVersion() ifMatch?: number) {
    return this.actions.update(id, dto, ifMatch);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  assign(@IdParam() id: number, @Body() dto: AssignActionDto, @IfMatchVersion() ifMatch?: number) {
    return this.actions.assign(id, dto, ifMatch);
  }

  @Get(':id/progress')
  @ApiOkResponse({ type: [ProgressUpdateDto] })
  history(@IdParam() id: number) {
    return this.actions.history(id);
  }

  @Post(':id/progress')
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: ActionDto })
  postProgress(
    @IdParam() id: number,
    @Body() dto: PostProgressDto,
    @IfMatchVersion() ifMatch?: number,
  ) {
    return this.actions.postProgress(id, dto, ifMatch);
  }

  @Get(':id/due-date-changes')
  @ApiOkResponse({ type: [DueDateChangeDto] })
  dueDateHistory(@IdParam() id: number) {
    return this.actions.dueDateHistory(id);
  }

  @Post(':id/due-date')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  changeDueDate(
    @IdParam() id: number,
    @Body() dto: ChangeDueDateDto,
    @IfMatchVersion() ifMatch?: number,
  ) {
    return this.actions.changeDueDate(id, dto, ifMatch);
  }

  @Post(':id/assure')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  assure(@IdParam() id: number, @Body() dto: AssureActionDto, @IfMatchVersion() ifMatch?: number) {
    return this.actions.assure(id, dto, ifMatch);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  cancel(@IdParam() id: number, @Body() dto: CancelActionDto, @IfMatchVersion() ifMatch?: number) {
    return this.actions.cancel(id, dto, ifMatch);
  }

  @Get(':id/evidence')
  @ApiOkResponse({ type: [EvidenceDto] })
  listEvidence(@IdParam() id: number) {
    return this.evidence.list(id);
  }

  @Post(':id/evidence')
  @ApiCreatedResponse({ type: EvidenceDto })
  addEvidence(@IdParam() id: number, @Body() dto: AddEvidenceDto) {
    return this.evidence.add(id, dto);
  }

  @Post(':id/evidence/:evidenceId/review')
  @HttpCode(200)
  @ApiOkResponse({ type: EvidenceDto })
  reviewEvidence(
    @IdParam() id: number,
    @IdParam('evidenceId') evidenceId: number,
    @Body() dto: ReviewEvidenceDto,
  ) {
    return this.evidence.review(id, evidenceId, dto);
  }
}
