import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ActionDto, ListActionsQueryDto } from '../actions/dto/action-read.dto';
import { ActionsService } from '../actions/actions.service';
import { AppError } from '../common/app-error';
import { todayDate } from '../common/dates';
import { requireId } from '../common/id-field';
import { ukDate } from '../common/words';
import { TrustAccess } from '../auth/trust-access';
import { APP_CONFIG, AppConfig } from '../config/configuration';
import { ReadSnapshot } from '../database/read-snapshot';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { DEFAULT_ACTION_PLAN_DAYS } from '../findings/finding-dates';
import { coreServiceNamesAsAt, findingsAsAt, organisationNameAsAt } from '../history/records-as-at';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import {
  CqcReturn,
  followUps,
  noticeSections,
  regulationSections,
  returnActionOf,
  ReturnAction,
} from './cqc-return.model';
import { writeCqcReturnPdf } from './cqc-return.pdf';
import { writeCqcReturnXlsx } from './cqc-return.xlsx';
import { checkReportFilters } from './report-filters';
import { readUrgentSection } from './warning-notices-section';

export interface CqcReturnOptions {
  organisationId: number;
  asOf?: string;
  coreServiceId?: number;
  executiveLeadId?: number;
  /** The sign-off block; each left as a blank line to sign when not given. */
  signOffName?: string;
  signOffRole?: string;
  /** YYYY-MM-DD, printed "1 December 2026". */
  signOffDate?: string;
}

/**
 * The CQC action-plan return, as the CQC's action plan asks: warning notices with their
 * deadlines; then, for the requirement notices, a section per regulation (2014 and 2010 apart,
 * by regulation number), each breach (MUST finding) once with its actions under it: what will
 * be done, who is responsible, by when, how it will be monitored, how the trust will know it
 * is sustained, the interim mitigation and the status; then a sign-off block. As at a date.
 */
@Injectable()
export class CqcReturnService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: ActionsService,
    @Optional()
    @Inject(APP_CONFIG)
    private readonly config: Pick<AppConfig, 'cqcActionPlanDays'> = {
      cqcActionPlanDays: DEFAULT_ACTION_PLAN_DAYS,
    },
  ) {}

  async xlsxTo(out: Writable, options: CqcReturnOptions): Promise<number> {
    const report = await this.build(options);
    await writeCqcReturnXlsx(report, out);
    return report.rowCount;
  }

  async pdfTo(out: Writable, options: CqcReturnOptions): Promise<number> {
    const report = await this.build(options);
    await writeCqcReturnPdf(report, out);
    return report.rowCount;
  }

  /** The return in words, for every format; 404 for an unknown (or another) trust. */
  async build(options: CqcReturnOptions): Promise<CqcReturn> {
    const asOf = options.asOf ?? todayDate();
    const manager = ReadSnapshot.manager(this.dataSource);
    const organisation = await manager
      .getRepository(Organisation)
      .findOneBy({ id: requireId(options.organisationId, 'organisationId') });
    // Another trust reads as no organisation at all.
    if (!organisation || !TrustAccess.canRead(organisation.id))
      throw new AppError('ORGANISATION_NOT_FOUND', `No organisation ${options.organisationId}`);
    await checkReportFilters(manager, organisation.id, options);

    // Findings and service names as they were at the end of the as-at day (history/).
    const findings = await findingsAsAt(this.dataSource, organisation.id, asOf, {
      types: ['MUST'],
      coreServiceId: options.coreServiceId,
    });
    const services = await coreServiceNamesAsAt(this.dataSource, organisation.id, asOf);
    const actions = await this.actionsOf(options, asOf);
    const follow = await followUps(
      this.dataSource,
      actions.map((a) => a.id),
      asOf,
    );
    const byFinding = new Map<number, ReturnAction[]>();
    for (const action of actions) {
      if (action.status === 'CANCELLED') continue;
      for (const findingId of action.findingIds)
        byFinding.set(findingId, [
          ...(byFinding.get(findingId) ?? []),
          returnActionOf(action, follow.get(action.id)),
        ]);
    }
    // Filtered by executive lead, a finding with none of that lead's actions is left out.
    const actionsOf = (findingId: number) =>
      options.executiveLeadId && !byFinding.has(findingId)
        ? null
        : (byFinding.get(findingId) ?? []);

    const { warningNotices } = await readUrgentSection(
      new ActionFactsRepository(this.dataSource),
      organisation.id,
      asOf,
      this.config.cqcActionPlanDays,
      options.coreServiceId,
    );
    const notices = noticeSections(warningNotices, actionsOf);
    const sections = regulationSections(findings, services, actionsOf);
    const rowCount = sections.reduce(
      (sum, s) => sum + s.breaches.reduce((n, b) => n + Math.max(1, b.actions.length), 0),
      0,
    );
    return {
      // The trust's name as it was on the day (history/): a renamed trust's past returns keep theirs.
      organisation: await organisationNameAsAt(this.dataSource, organisation, asOf),
      asOf,
      asOfText: ukDate(asOf),
      filters: await this.filtersInWords(options, services, actions),
      notices,
      sections,
      signOff: {
        name: options.signOffName?.trim() || null,
        role: options.signOffRole?.trim() || null,
        date: options.signOffDate ? ukDate(options.signOffDate) : null,
      },
      rowCount,
    };
  }

  /** Every action of the trust (of one executive lead when filtered), as at the date. */
  private async actionsOf(options: CqcReturnOptions, asOf: string): Promise<ActionDto[]> {
    const actions: ActionDto[] = [];
    const query = {
      organisationId: options.organisationId,
      executiveLeadId: options.executiveLeadId,
      asOf,
    } as ListActionsQueryDto;
    for (let afterId = 0; ;) {
      const batch = await this.actions.batchAfter(query, asOf, afterId, 500);
      actions.push(...batch);
      if (batch.length < 500) break;
      afterId = batch[batch.length - 1].id;
    }
    return actions;
  }

  /** The filters by name, never by id: "Core service: Urgent care". */
  private async filtersInWords(
    options: CqcReturnOptions,
    services: Map<number, string>,
    actions: ActionDto[],
  ): Promise<string[]> {
    const filters: string[] = [];
    if (options.coreServiceId)
      filters.push(`Core service: ${services.get(options.coreServiceId) ?? ''}`);
    if (options.executiveLeadId) {
      const lead =
        actions.find((a) => a.executiveLead?.id === options.executiveLeadId)?.executiveLead?.name ??
        (
          await ReadSnapshot.manager(this.dataSource)
            .getRepository(User)
            .findOne({ where: { id: options.executiveLeadId }, select: { id: true, name: true } })
        )?.name ??
        '';
      filters.push(`Executive lead: ${lead}`);
    }
    return filters;
  }
}
