import { Injectable } from '@nestjs/common';
import { requireId } from '../common/id-field';
import { TrustAccess } from '../auth/trust-access';
import { DataSource } from 'typeorm';
import { ActionFactsRepository } from '../delivery/action-facts.repository';
import { ReadSnapshot } from '../database/read-snapshot';
import { AppError } from '../common/app-error';
import { daysBetween, todayDate } from '../common/dates';
import { CoreService } from '../core-services/core-service.entity';
import type { FindingType } from '../findings/finding.entity';
import { Organisation } from '../organisations/organisation.entity';
import { asOfParameters, derivedActionsFrom, statusAtColumn } from '../delivery/action-facts.sql';
import { DeliveryStatus } from '../delivery/delivery-status';
import type { TablesAsAt } from '../history/as-at-tables';
import { ReadinessDto, ServiceReadinessDto } from './readiness.dto';
import { mustAssuredPercent, projectedCompletion, readinessVerdict } from './readiness-rules';
import { readWarningNotices } from './warning-notices.reader';

type Counts<K extends string> = Record<K, number>;
const TYPES: FindingType[] = ['MUST', 'SHOULD', 'WARNING_NOTICE', 'RATING'];
const zeroTypes = (): Counts<FindingType> => ({ MUST: 0, SHOULD: 0, WARNING_NOTICE: 0, RATING: 0 });
const zeroStatuses = (): Counts<DeliveryStatus> => ({
  ASSURED: 0,
  COMPLETED: 0,
  OFF_TRACK: 0,
  AT_RISK: 0,
  ON_TRACK: 0,
  CANCELLED: 0,
});
const key = (id: unknown) => (id === null || id === undefined ? 'trust' : String(Number(id)));

/**
 * Readiness of every core service for reinspection, as at a date: counted with SQL
 * aggregates over the findings and the actions' state derived from history, then judged by
 * the pure rules in readiness-rules.ts.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly facts: ActionFactsRepository,
  ) {}

  /**
   * `executiveLeadId` counts only the actions that person leads (the board report's filter);
   * findings and "uncovered" (no action by anyone) stay the trust's, a gap nobody owns.
   */
  async forOrganisation(
    organisationId: number,
    asOf = todayDate(),
    filters: { executiveLeadId?: number } = {},
  ): Promise<ReadinessDto> {
    TrustAccess.requireReadable(
      organisationId,
      () => new AppError('ORGANISATION_NOT_FOUND', `No organisation ${organisationId}`),
    );
    const organisation = await ReadSnapshot.manager(this.dataSource)
      .getRepository(Organisation)
      .findOneBy({ id: requireId(organisationId, 'organisationId') });
    if (!organisation)
      throw new AppError('ORGANISATION_NOT_FOUND', `No organisation ${organisationId}`);
    const params = {
      ...asOfParameters(asOf),
      organisationId,
      ...(filters.executiveLeadId ? { executiveLeadId: filters.executiveLeadId } : {}),
    };
    // Every table as it stood at the end of the as-at day (history/as-at-tables.ts).
    const t = this.facts.tables(asOf);
    const actionsOfOrganisation = derivedActionsFrom(t, [
      'a.organisation_id = :organisationId',
      'a.created_at <= :asOfEnd',
      ...(filters.executiveLeadId ? ['a.executive_lead_id = :executiveLeadId'] : []),
    ]);
    const statusAt = statusAtColumn(t);

    const [services, findingRows, serviceActionRows, mustActionRows, totalRows, openRows, notices] =
      await ReadSnapshot.all([
        () =>
          this.facts.run<{
            id: number;
            name: string;
            reinspection_date: string | null;
            reinspection_confirmed: boolean | number;
          }>(
            `SELECT cs.id, cs.name, cs.reinspection_date, cs.reinspection_confirmed
             FROM ${t.core_service} cs WHERE cs.organisation_id = :organisationId
             ORDER BY cs.name, cs.id`,
            params,
          ),
        () =>
          this.facts.run<{
            core_service_id: number | null;
            type: FindingType;
            n: number;
            uncovered: number;
          }>(
            `SELECT f.core_service_id AS core_service_id, f.type AS type, COUNT(*) AS n,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM ${t.action_finding} af JOIN action a ON a.id = af.action_id
             WHERE af.finding_id = f.id AND a.created_at <= :asOfEnd AND ${statusAt} <> 'CANCELLED') THEN 0 ELSE 1 END) AS uncovered
         FROM ${t.finding} f WHERE f.organisation_id = :organisationId AND f.created_at <= :asOfEnd
         GROUP BY f.core_service_id, f.type`,
            params,
          ),
        () => this.actionCounts(t, actionsOfOrganisation, params, false),
        () => this.actionCounts(t, actionsOfOrganisation, params, true),
        () =>
          this.facts.run<{ delivery_status: DeliveryStatus; n: number }>(
            `SELECT d.delivery_status AS delivery_status, COUNT(*) AS n ${actionsOfOrganisation} GROUP BY d.delivery_status`,
            params,
          ),
        () =>
          this.facts.run<{
            id: number;
            core_service_id: number | null;
            title: string;
            reference: string | null;
            progress_at: number;
            last_activity_at: string;
            created_at: string;
            due_at: string;
          }>(
            `SELECT DISTINCT d.id AS id, f.core_service_id AS core_service_id, a2.title AS title, a2.reference AS reference,
           d.progress_at AS progress_at, d.last_activity_at AS last_activity_at, d.created_at AS created_at, d.due_at AS due_at
         ${actionsOfOrganisation}
         JOIN ${t.action} a2 ON a2.id = d.id
         JOIN ${t.action_finding} af ON af.action_id = d.id JOIN ${t.finding} f ON f.id = af.finding_id
         WHERE d.status_at IN ('NOT_STARTED', 'IN_PROGRESS')
         ORDER BY d.due_at, d.id`,
            params,
          ),
        () => readWarningNotices(this.facts, organisationId, asOf),
      ]);

    const buckets = [
      ...services.map((s) => ({
        key: key(s.id),
        coreServiceId: Number(s.id),
        name: s.name,
        reinspectionDate: s.reinspection_date,
        confirmed: s.reinspection_confirmed === true || Number(s.reinspection_confirmed) === 1,
      })),
      {
        key: 'trust',
        coreServiceId: null,
        name: 'Trust-wide',
        reinspectionDate: null,
        confirmed: false,
      },
    ];
    const coreServices: ServiceReadinessDto[] = buckets
      .map((bucket) => {
        const findingsByType = zeroTypes();
        const uncovered = zeroTypes();
        for (const row of findingRows.filter((r) => key(r.core_service_id) === bucket.key)) {
          findingsByType[row.type] = Number(row.n);
          uncovered[row.type] = Number(row.uncovered);
        }
        const actions = zeroStatuses();
        let dueAfter = 0;
        for (const row of serviceActionRows.filter((r) => key(r.core_service_id) === bucket.key)) {
          actions[row.delivery_status] = Number(row.n);
          dueAfter += Number(row.due_after);
        }
        const must = zeroStatuses();
        let mustDueAfter = 0;
        for (const row of mustActionRows.filter((r) => key(r.core_service_id) === bucket.key)) {
          must[row.delivery_status] = Number(row.n);
          mustDueAfter += Number(row.due_after);
        }
        const { CANCELLED: _c1, ...liveActions } = actions;
        const { CANCELLED: _c2, ...liveMust } = must;
        const { verdict, reasons } = readinessVerdict({
          findingsByType,
          uncoveredByType: uncovered,
          actions: liveActions,
          mustActions: liveMust,
          dueAfterReinspection: dueAfter,
          mustDueAfterReinspection: mustDueAfter,
          warningNotices: {
            asOf,
            notices: notices.filter((n) => key(n.coreServiceId) === bucket.key),
          },
        });
        const forecast = openRows
          .filter((r) => key(r.core_service_id) === bucket.key)
          .map((r) => {
            const projected = projectedCompletion({
              createdAt: r.created_at,
              lastActivityAt: r.last_activity_at,
              progress: Number(r.progress_at),
              dueDate: r.due_at,
            });
            return {
              id: Number(r.id),
              reference: r.reference,
              title: r.title,
              progress: Number(r.progress_at),
              dueDate: r.due_at,
              projectedCompletion: projected,
              projectedAfterReinspection:
                !!bucket.reinspectionDate &&
                (projected === null || projected > bucket.reinspectionDate),
            };
          });
        return {
          coreServiceId: bucket.coreServiceId,
          name: bucket.name,
          reinspectionDate: bucket.reinspectionDate,
          reinspectionConfirmed: bucket.confirmed,
          daysToReinspection: bucket.reinspectionDate
            ? daysBetween(asOf, bucket.reinspectionDate)
            : null,
          findingsByType,
          uncoveredFindingsByType: uncovered,
          uncoveredFindings: TYPES.reduce((sum, type) => sum + uncovered[type], 0),
          actionsByDeliveryStatus: actions,
          mustActionsByDeliveryStatus: must,
          mustActionsAssuredPercent: mustAssuredPercent(liveMust),
          actionsDueAfterReinspection: dueAfter,
          verdict,
          reasons,
          forecast,
          projectedAfterReinspection: forecast.filter((f) => f.projectedAfterReinspection).length,
        };
      })
      // A trust-wide bucket with nothing in it says nothing.
      .filter(
        (service) =>
          service.coreServiceId !== null || TYPES.some((type) => service.findingsByType[type] > 0),
      );

    const actionsByDeliveryStatus = zeroStatuses();
    for (const row of totalRows) actionsByDeliveryStatus[row.delivery_status] = Number(row.n);
    const findingsByType = zeroTypes();
    for (const row of findingRows) findingsByType[row.type] += Number(row.n);
    const verdicts = { READY: 0, AT_RISK: 0, NOT_READY: 0 };
    for (const service of coreServices) verdicts[service.verdict]++;
    return {
      organisationId,
      asOf,
      actionsByDeliveryStatus,
      findingsByType,
      verdicts,
      coreServices,
    };
  }

  /**
   * Actions per core service and delivery status (each action once per service), with how many
   * open ones are due after the service's reinspection date; only those addressing MUST
   * findings when `mustOnly`.
   */
  private actionCounts(
    t: TablesAsAt,
    actionsOfOrganisation: string,
    params: Record<string, unknown>,
    mustOnly: boolean,
  ) {
    return this.facts.run<{
      core_service_id: number | null;
      delivery_status: DeliveryStatus;
      n: number;
      due_after: number;
    }>(
      `SELECT f.core_service_id AS core_service_id, d.delivery_status AS delivery_status, COUNT(DISTINCT d.id) AS n,
         COUNT(DISTINCT CASE WHEN d.delivery_status IN ('OFF_TRACK', 'AT_RISK', 'ON_TRACK') AND cs.reinspection_date IS NOT NULL
           AND d.due_at > cs.reinspection_date THEN d.id END) AS due_after
       ${actionsOfOrganisation}
       JOIN ${t.action_finding} af ON af.action_id = d.id
       JOIN ${t.finding} f ON f.id = af.finding_id${mustOnly ? " AND f.type = 'MUST'" : ''}
       LEFT JOIN ${t.core_service} cs ON cs.id = f.core_service_id
       GROUP BY f.core_service_id, d.delivery_status`,
      params,
    );
  }

  async forCoreService(coreServiceId: number, asOf = todayDate()): Promise<ServiceReadinessDto> {
    const service = await ReadSnapshot.manager(this.dataSource)
      .getRepository(CoreService)
      .findOneBy({ id: requireId(coreServiceId, 'coreServiceId') });
    const notFound = () =>
      new AppError('CORE_SERVICE_NOT_FOUND', `No core service ${coreServiceId}`);
    if (!service) throw notFound();
    TrustAccess.requireReadable(service.organisationId, notFound);
    const readiness = await this.forOrganisation(service.organisationId, asOf);
    const then = readiness.coreServices.find((s) => s.coreServiceId === coreServiceId);
    if (!then)
      throw new AppError(
        'CORE_SERVICE_NOT_FOUND',
        `Core service ${coreServiceId} did not exist on ${asOf}`,
      );
    return then;
  }
}
