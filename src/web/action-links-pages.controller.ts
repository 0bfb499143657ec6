import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ActionsService } from '../actions/actions.service';
import { ActionDto } from '../actions/dto/action-read.dto';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { FieldProblem } from '../common/app-error';
import { IdParam } from '../common/request-params';
import { CoreService } from '../core-services/core-service.entity';
import { Finding, FindingType } from '../findings/finding.entity';
import { attempt, integer, toFormErrors } from './forms';
import { PageRenderer } from './page-renderer';
import { requireFormRoleIn } from './trust-role';

/** The API's limit on an action's findings (UpdateActionDto.findingIds). */
const MOST_FINDINGS = 50;
const EXCERPT = 120;

const TYPE_WORDS: Record<FindingType, string> = {
  MUST: 'Must do',
  SHOULD: 'Should do',
  WARNING_NOTICE: 'Warning notice',
  RATING: 'Rating',
};

const LABELS: Record<string, string> = { findingIds: 'Findings' };

export interface FindingGroup {
  name: string;
  items: { id: number; text: string; hint: string; checked: boolean }[];
}

/**
 * `/actions/:id/findings`, "Link to findings": one action can address several findings. The
 * quality lead ticks the trust's findings, grouped by core service; saving replaces the links
 * through the API's own update (ActionsService.update), which checks the trust, records the
 * link history and audits the change.
 */
@ApiExcludeController()
@Controller('actions')
export class ActionLinksPagesController {
  constructor(
    private readonly actions: ActionsService,
    private readonly dataSource: DataSource,
    private readonly pages: PageRenderer,
  ) {}

  @Get(':id/findings')
  @Allow('quality_lead')
  async form(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
  ) {
    const action = await this.actions.get(id);
    requireFormRoleIn(action.organisationId);
    return this.show(request, response, action, action.findingIds, action.version);
  }

  @Post(':id/findings')
  @Allow('quality_lead')
  async save(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @IdParam() id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const action = await this.actions.get(id);
    const ticked = tickedIds(body.findingIds);
    const version = integer(body, 'version');
    const known = new Set((await this.findingsOf(action.organisationId)).map((f) => f.id));
    const problem = checkTicked(ticked, known);
    if (problem) {
      return this.show(request, response, action, numbersOf(ticked), version, [problem], 400);
    }
    const findingIds = numbersOf(ticked);
    const result = await attempt(() =>
      this.actions.update(id, {
        findingIds,
        version: typeof version === 'number' ? version : undefined,
      }),
    );
    if (!result.ok) {
      const stale = result.code === 'VERSION_CONFLICT';
      const fresh = stale ? await this.actions.get(id) : action;
      const shown = stale
        ? [STALE_VERSION]
        : result.problems.map((p) => (p.field === 'findingIds' ? NOT_IN_LIST : p));
      return this.show(request, response, fresh, findingIds, fresh.version, shown, result.status);
    }
    response.redirect(303, `/actions/${id}?done=linked`);
  }

  private async findingsOf(organisationId: number): Promise<Finding[]> {
    return this.dataSource.getRepository(Finding).find({
      where: { organisationId },
      select: { id: true, coreServiceId: true, type: true, reference: true, text: true },
      order: { reference: 'ASC', id: 'ASC' },
    });
  }

  /** The trust's findings by core service (trust-wide ones first), each ticked if linked. */
  private async groups(organisationId: number, linked: number[]): Promise<FindingGroup[]> {
    const [findings, services] = await Promise.all([
      this.findingsOf(organisationId),
      this.dataSource.getRepository(CoreService).find({
        where: { organisationId },
        select: { id: true, name: true },
        order: { name: 'ASC' },
      }),
    ]);
    const groups = [
      { id: null as number | null, name: 'Trust-wide' },
      ...services.map((s) => ({ id: s.id, name: s.name })),
    ].map((service) => ({
      name: service.name,
      items: findings
        .filter((f) => f.coreServiceId === service.id)
        .map((f) => ({
          id: f.id,
          text: `${f.reference ?? `Finding ${f.id}`}: ${TYPE_WORDS[f.type]}`,
          hint: excerpt(f.text),
          checked: linked.includes(f.id),
        })),
    }));
    return groups.filter((g) => g.items.length > 0);
  }

  private async show(
    request: AuthenticatedRequest,
    response: Response,
    action: ActionDto,
    linked: number[],
    version: number | string | undefined,
    problems: FieldProblem[] = [],
    status = 200,
  ): Promise<void> {
    const reference = action.reference ?? `Action ${action.id}`;
    this.pages.render(
      request,
      response,
      'action-links',
      {
        title: `Link ${reference} to findings`,
        action,
        groups: await this.groups(action.organisationId, linked),
        version: version ?? action.version,
        mostFindings: MOST_FINDINGS,
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/actions?organisationId=${action.organisationId}`, text: 'Actions' },
          { href: `/actions/${action.id}`, text: reference },
        ],
        ...toFormErrors(problems, LABELS),
      },
      status,
    );
  }
}

/** Checkboxes arrive as one value, several, or none. */
function tickedIds(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function numbersOf(values: string[]): number[] {
  return [...new Set(values.filter((v) => /^\d{1,9}$/.test(v)).map(Number))];
}

/** The form's own checks, in the words of the page: ids not on the page are refused before the API sees them. */
function checkTicked(ticked: string[], known: Set<number>): FieldProblem | undefined {
  if (ticked.length === 0) return SELECT_ONE;
  const ids = numbersOf(ticked);
  if (ids.length !== new Set(ticked).size || ids.some((id) => !known.has(id))) return NOT_IN_LIST;
  if (ids.length > MOST_FINDINGS) {
    return { field: 'findingIds', reason: `Select no more than ${MOST_FINDINGS} findings` };
  }
  return undefined;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT ? flat : `${flat.slice(0, EXCERPT - 1).trimEnd()}…`;
}

const SELECT_ONE: FieldProblem = { field: 'findingIds', reason: 'Select at least one finding' };
const NOT_IN_LIST: FieldProblem = {
  field: 'findingIds',
  reason: "Select findings from the list; only this trust's findings can be linked",
};
const STALE_VERSION: FieldProblem = {
  field: 'form',
  reason:
    'Someone else changed this action while you had it open. The page now shows the latest version; check it and save again.',
};
