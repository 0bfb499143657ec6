import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ActionsService } from '../actions/actions.service';
import { CreateActionDto } from '../actions/dto/action-write.dto';
import { Allow, AuthenticatedRequest } from '../auth/roles';
import { AppError, FieldProblem } from '../common/app-error';
import { FindingDto } from '../findings/dto/finding.dto';
import { FindingsService } from '../findings/findings.service';
import { Choices, choicesOf } from './choices';
import { attempt, dateParts, integer, text, toFormErrors, validateForm } from './forms';
import { dateAnswer } from './record-dates';
import { PageRenderer } from './page-renderer';
import { requireFormRoleIn } from './trust-role';

type Mode = 'one' | 'each';

/** One action addresses at most 50 findings (the API's limit); a plan of each is kept the same size. */
const MOST_FINDINGS = 50;
const TITLE_MAX = 300;

const LABELS: Record<string, string> = {
  ownerId: 'Owner',
  executiveLeadId: 'Executive lead',
  dueDate: 'Due date',
  title: 'What will be done',
  reference: 'Reference',
};

/**
 * After an import: the quality lead ticks several findings on the findings list and plans
 * either one action for all of them or one action each, with a common owner, executive lead
 * and due date. Every action goes through ActionsService.createMany, in one transaction.
 */
@ApiExcludeController()
@Controller('findings/plan')
export class BulkPlanningPagesController {
  constructor(
    private readonly actions: ActionsService,
    private readonly findings: FindingsService,
    private readonly choices: Choices,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  @Allow('quality_lead')
  async planForm(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const ids = idsOf(query.findingIds);
    const mode = modeOf(query.mode);
    // Another trust's finding is "not found" (404), as in the API.
    const findings = await Promise.all(ids.map((id) => this.findings.get(id)));
    for (const trust of new Set(findings.map((f) => f.organisationId))) requireFormRoleIn(trust);
    const problems = choiceProblems(findings);
    const values: Record<string, unknown> =
      mode === 'one'
        ? { title: oneTitle(findings) }
        : Object.fromEntries(findings.map((f) => [`title_${f.id}`, titleFrom(f.text)]));
    await this.show(
      request,
      response,
      mode,
      findings,
      values,
      problems,
      problems.length ? 400 : 200,
    );
  }

  @Post()
  @Allow('quality_lead')
  async plan(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: Record<string, unknown>,
  ) {
    const ids = idsOf(body.findingIds);
    const mode = modeOf(body.mode);
    const readable = await this.readable(ids);
    const nameOf = (id: number, i: number) =>
      readable.find((f) => f.id === id)?.reference ?? `finding ${i + 1} of ${ids.length}`;
    const due = dateAnswer(body, 'dueDate', LABELS.dueDate, true);
    const common = {
      ownerId: integer(body, 'ownerId'),
      executiveLeadId: integer(body, 'executiveLeadId'),
      dueDate: due.value,
    };
    const rows =
      mode === 'one'
        ? [
            {
              findingIds: ids,
              name: '',
              field: '',
              title: text(body, 'title'),
              reference: text(body, 'reference'),
            },
          ]
        : ids.map((id, i) => ({
            name: ` for ${nameOf(id, i)}`,
            findingIds: [id],
            field: `_${id}`,
            title: text(body, `title_${id}`),
            reference: text(body, `reference_${id}`),
          }));
    const problems: FieldProblem[] = [];
    if (!ids.length) problems.push(NO_FINDINGS);
    const dtos: CreateActionDto[] = [];
    for (const row of rows) {
      const { value, problems: invalid } = await validateForm(CreateActionDto, {
        ...common,
        findingIds: row.findingIds,
        title: row.title,
        reference: row.reference,
      });
      dtos.push(value);
      if (!row.title) {
        problems.push({ field: `title${row.field}`, reason: `Enter what will be done${row.name}` });
      }
      for (const p of invalid) {
        if (p.field === 'title' && row.title) {
          problems.push({
            field: `title${row.field}`,
            reason: `Enter what will be done${row.name} in ${TITLE_MAX} characters or fewer`,
          });
        } else if (p.field === 'reference') {
          problems.push({
            field: `reference${row.field}`,
            reason: `Enter a reference${row.name} of 30 characters or fewer`,
          });
        } else if (p.field === 'ownerId' || p.field === 'executiveLeadId') {
          problems.push({
            field: p.field,
            reason: `Select the ${LABELS[p.field].toLowerCase()} from the list`,
          });
        }
      }
    }
    if (due.problem) problems.unshift(due.problem);
    if (!problems.length)
      problems.push(...choiceProblems(readable).filter((p) => p !== NO_FINDINGS));
    if (problems.length) return this.show(request, response, mode, readable, body, problems, 400);
    const result = await attempt(() => this.actions.createMany(dtos));
    if (!result.ok) {
      const shown = result.problems.map(inWords);
      return this.show(request, response, mode, readable, body, shown, result.status);
    }
    const organisationId = result.value[0].organisationId;
    response.redirect(303, `/findings?organisationId=${organisationId}&done=planned`);
  }

  /** The chosen findings still there and readable, to show the form again after a refusal. */
  private async readable(ids: number[]): Promise<FindingDto[]> {
    const found = await Promise.all(
      ids.map((id) =>
        this.findings.get(id).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'FINDING_NOT_FOUND') return null;
          throw error;
        }),
      ),
    );
    return found.filter((f): f is FindingDto => f !== null);
  }

  private async show(
    request: AuthenticatedRequest,
    response: Response,
    mode: Mode,
    findings: FindingDto[],
    values: Record<string, unknown>,
    problems: FieldProblem[],
    status: number,
  ): Promise<void> {
    const organisationId = findings[0]?.organisationId;
    // Only the people who can hold each part in the findings' trust (the API refuses others).
    const [owners, leads] =
      organisationId === undefined
        ? [[], []]
        : await Promise.all([
            this.choices.people(organisationId, 'owner'),
            this.choices.people(organisationId, 'executiveLead'),
          ]);
    const count = findings.length;
    this.pages.render(
      request,
      response,
      'findings-plan',
      {
        title:
          mode === 'one'
            ? `Plan one action for ${count} finding${count === 1 ? '' : 's'}`
            : `Plan one action each for ${count} finding${count === 1 ? '' : 's'}`,
        mode,
        findings,
        organisationId,
        values,
        owners: choicesOf(owners, text(values, 'ownerId'), 'Nobody yet'),
        leads: choicesOf(leads, text(values, 'executiveLeadId'), 'Nobody yet'),
        dueDate: dateParts(values, 'dueDate'),
        breadcrumbs: [
          { href: '/', text: 'Home' },
          { href: `/findings?organisationId=${organisationId ?? ''}`, text: 'Findings' },
        ],
        ...toFormErrors(problems, LABELS),
      },
      status,
    );
  }
}

const NO_FINDINGS: FieldProblem = {
  field: 'form',
  reason: 'Select at least one finding on the findings list to plan',
};

function idsOf(value: unknown): number[] {
  const list = ([] as unknown[]).concat(value ?? []);
  const ids = list
    .filter((v): v is string => typeof v === 'string' && /^\d{1,9}$/.test(v))
    .map(Number)
    .filter((n) => n > 0);
  return [...new Set(ids)];
}

function modeOf(value: unknown): Mode {
  return value === 'one' ? 'one' : 'each';
}

/** What is wrong with the choice of findings itself. */
function choiceProblems(findings: FindingDto[]): FieldProblem[] {
  if (!findings.length) return [NO_FINDINGS];
  if (findings.length > MOST_FINDINGS) {
    return [{ field: 'form', reason: `Select ${MOST_FINDINGS} findings or fewer` }];
  }
  if (new Set(findings.map((f) => f.organisationId)).size > 1) {
    return [{ field: 'form', reason: 'Select findings of one trust at a time' }];
  }
  return [];
}

/** A finding's words as a starting title: its first sentence, within the title's limit. */
export function titleFrom(findingText: string): string {
  const words = findingText.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(words)?.[1] ?? words;
  if ([...sentence].length <= TITLE_MAX) return sentence;
  const cut = [...sentence].slice(0, TITLE_MAX - 1).join('');
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), TITLE_MAX / 2))}…`;
}

/** One action for several findings: named by their references, or the first one's words. */
function oneTitle(findings: FindingDto[]): string {
  const references = findings.map((f) => f.reference).filter((r): r is string => !!r);
  if (findings.length > 1 && references.length === findings.length) {
    return titleFrom(`Act on ${references.join(', ')}`);
  }
  return findings.length ? titleFrom(findings[0].text) : '';
}

/** The service's refusals in people's words; nothing was stored. */
function inWords(p: FieldProblem): FieldProblem {
  if (p.field.endsWith('ownerId'))
    return { field: 'ownerId', reason: 'Select an owner who is an active member of this trust' };
  if (p.field.endsWith('executiveLeadId'))
    return {
      field: 'executiveLeadId',
      reason: 'Select an executive lead who is an active member of this trust',
    };
  if (p.field.endsWith('findingIds'))
    return {
      field: 'form',
      reason:
        "One of the findings is not in this trust's record. Nothing was stored: go back to the findings and choose again",
    };
  return {
    field: 'form',
    reason: 'The actions could not be created. Nothing was stored: check the answers and try again',
  };
}
