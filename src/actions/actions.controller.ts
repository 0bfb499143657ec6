import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentUser, READ_ROLES } from '../auth/roles';
import { ApiErrorResponses } from '../common/error-body';
import { PageOf } from '../common/pagination';
import { IdParam, IfMatchVersion } from '../common/request-params';
import { User } from '../users/user.entity';
import { ActionsService } from './actions.service';
import { DueDateRequestDto, DueDateRequestsService } from './due-date-requests.service';
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
  DecideDueDateRequestDto,
  PostProgressDto,
  RequestDueDateDto,
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

/**
 * Who may do what: quality leads run the plan; owners report on the actions they own;
 * executives move dates on, and assure, the actions they lead; everyone reads. The services
 * check ownership and independence.
 */
@ApiErrorResponses()
@ApiTags('actions')
@Controller('api/v1/actions')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly evidence: EvidenceService,
    private readonly dueDateRequests: DueDateRequestsService,
  ) {}

  @Get()
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: ActionPageDto })
  list(@Query() query: ListActionsQueryDto) {
    return this.actions.list(query);
  }

  @Get(':id')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: ActionDto })
  get(@IdParam() id: number, @Query() query: AsOfQueryDto) {
    return this.actions.get(id, query.asOf);
  }

  @Post()
  @Allow('quality_lead')
  @ApiCreatedResponse({ type: ActionDto })
  create(@Body() dto: CreateActionDto) {
    return this.actions.create(dto);
  }

  @Patch(':id')
  @Allow('quality_lead')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  update(@IdParam() id: number, @Body() dto: UpdateActionDto, @IfMatchVersion() ifMatch?: number) {
    return this.actions.update(id, dto, ifMatch);
  }

  @Post(':id/assign')
  @Allow('quality_lead')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  assign(@IdParam() id: number, @Body() dto: AssignActionDto, @IfMatchVersion() ifMatch?: number) {
    return this.actions.assign(id, dto, ifMatch);
  }

  @Get(':id/progress')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: [ProgressUpdateDto] })
  history(@IdParam() id: number) {
    return this.actions.history(id);
  }

  @Post(':id/progress')
  @Allow('quality_lead', 'owner')
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: ActionDto })
  postProgress(
    @IdParam() id: number,
    @Body() dto: PostProgressDto,
    @CurrentUser() user: User,
    @IfMatchVersion() ifMatch?: number,
  ) {
    return this.actions.postProgress(id, dto, user, ifMatch);
  }

  @Get(':id/due-date-changes')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: [DueDateChangeDto] })
  dueDateHistory(@IdParam() id: number) {
    return this.actions.dueDateHistory(id);
  }

  @Post(':id/due-date')
  @Allow('quality_lead', 'executive')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  changeDueDate(
    @IdParam() id: number,
    @Body() dto: ChangeDueDateDto,
    @CurrentUser() user: User,
    @IfMatchVersion() ifMatch?: number,
  ) {
    return this.actions.changeDueDate(id, dto, user, ifMatch);
  }

  @Get(':id/due-date-requests')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: [DueDateRequestDto] })
  listDueDateRequests(@IdParam() id: number) {
    return this.dueDateRequests.list(id);
  }

  @Post(':id/due-date-requests')
  @Allow('quality_lead', 'owner')
  @ApiCreatedResponse({ type: DueDateRequestDto })
  requestDueDate(@IdParam() id: number, @Body() dto: RequestDueDateDto, @CurrentUser() user: User) {
    return this.dueDateRequests.request(id, dto, user);
  }

  @Post(':id/due-date-requests/:requestId/decision')
  @Allow('quality_lead', 'executive')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionDto })
  decideDueDate(
    @IdParam() id: number,
    @IdParam('requestId') requestId: number,
    @Body() dto: DecideDueDateRequestDto,
    @CurrentUser() user: User,
  ) {
    return this.dueDateRequests.decide(id, requestId, dto, user);
  }

  @Post(':id/assure')
  @Allow('quality_lead', 'executive')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  assure(
    @IdParam() id: number,
    @Body() dto: AssureActionDto,
    @CurrentUser() user: User,
    @IfMatchVersion() ifMatch?: number,
  ) {
    return this.actions.assure(id, dto, user, ifMatch);
  }

  @Post(':id/cancel')
  @Allow('quality_lead')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ActionDto })
  cancel(
    @IdParam() id: number,
    @Body() dto: CancelActionDto,
    @CurrentUser() user: User,
    @IfMatchVersion() ifMatch?: number,
  ) {
    return this.actions.cancel(id, dto, user, ifMatch);
  }

  @Get(':id/evidence')
  @Allow(...READ_ROLES)
  @ApiOkResponse({ type: [EvidenceDto] })
  listEvidence(@IdParam() id: number) {
    return this.evidence.list(id);
  }

  @Post(':id/evidence')
  @Allow('quality_lead', 'owner')
  @ApiCreatedResponse({ type: EvidenceDto })
  addEvidence(@IdParam() id: number, @Body() dto: AddEvidenceDto, @CurrentUser() user: User) {
    return this.evidence.add(id, dto, user);
  }

  @Post(':id/evidence/:evidenceId/review')
  @Allow('quality_lead')
  @HttpCode(200)
  @ApiOkResponse({ type: EvidenceDto })
  reviewEvidence(
    @IdParam() id: number,
    @IdParam('evidenceId') evidenceId: number,
    @Body() dto: ReviewEvidenceDto,
    @CurrentUser() user: User,
  ) {
    return this.evidence.review(id, evidenceId, dto, user);
  }
}
