import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadSnapshot } from '../database/read-snapshot';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { deliveryStatusesOfBrag } from '../readiness/brag';
import { ActionFactsRow, asOfParameters, derivedActionsFrom } from '../readiness/action-facts.sql';
import { ListActionsQueryDto } from './dto/action-read.dto';

const SORT_COLUMNS = {
  dueDate: 'd.due_at',
  updatedAt: 'd.updated_at',
  reference: 'd.reference',
} as const;

/**
 * Reads actions with their state derived as at a date, filtered, counted, sorted and paged in
 * SQL. The query is three layers: the action rows filtered on stored columns (`a`), the facts
 * derived from history (`s`), and the delivery status over those facts (`d`).
 */
@Injectable()
export class ActionFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPage(
    query: ListActionsQueryDto,
    asOf: string,
  ): Promise<{ rows: ActionFactsRow[]; total: number }> {
    const { inner, outer, params } = this.filters(query, asOf);
    const from = derivedActionsFrom(inner, outer);
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const sortColumn = SORT_COLUMNS[query.sort ?? 'dueDate'];
    // NULL references sort last either way, the same on both engines.
    const orderBy = `CASE WHEN ${sortColumn} IS NULL THEN 1 ELSE 0 END, ${sortColumn} ${direction}, d.id ${direction}`;
    const [rows, [{ total }]] = await Promise.all([
      this.run<ActionFactsRow>(
        `SELECT d.* ${from} ORDER BY ${orderBy} LIMIT :limit OFFSET :offset`,
        {
          ...params,
          limit: query.limit,
          offset: query.offset,
        },
      ),
      this.run<{ total: number | string }>(`SELECT COUNT(*) AS total ${from}`, params),
    ]);
    return { rows, total: Number(total) };
  }

  /**
   * The next batch of matching actions after `afterId`, in id order. Exports walk the whole
   * set this way: each batch derives facts only for the rows it returns, where an OFFSET page
   * would derive them for every row before it.
   */
  async findBatchAfter(
    query: ListActionsQueryDto,
    asOf: string,
    afterId: number,
    limit: number,
  ): Promise<ActionFactsRow[]> {
    const { inner, outer, params } = this.filters(query, asOf);
    const from = derivedActionsFrom([...inner, 'a.id > :afterId'], outer);
    return this.run<ActionFactsRow>(`SELECT d.* ${from} ORDER BY d.id LIMIT :limit`, {
      ...params,
      afterId,
      limit,
    });
  }

  /** One action's derived facts as at a date; undefined if it did not exist then. */
  async findOne(id: number, asOf: string): Promise<ActionFactsRow | undefined> {
    const from = derivedActionsFrom(['a.id = :id', 'a.created_at <= :asOfEnd'], []);
    const [row] = await this.run<ActionFactsRow>(`SELECT d.* ${from}`, {
      ...asOfParameters(asOf),
      id,
    });
    return row;
  }

  /** The WHERE clauses for a list query: on stored columns (`a`) and on derived ones (`d`). */
  private filters(
    query: ListActionsQueryDto,
    asOf: string,
  ): { inner: string[]; outer: string[]; params: Record<string, unknown> } {
    const params: Record<string, unknown> = { ...asOfParameters(asOf) };
    const inner: string[] = ['a.created_at <= :asOfEnd'];
    const outer: string[] = [];

    if (query.organisationId) {
      inner.push('a.organisation_id = :organisationId');
      params.organisationId = query.organisationId;
    }
    if (query.coreServiceId) {
      inner.push(
        'EXISTS (SELECT 1 FROM action_finding af JOIN finding f ON f.id = af.finding_id ' +
          'WHERE af.action_id = a.id AND f.core_service_id = :coreServiceId)',
      );
      params.coreServiceId = query.coreServiceId;
    }
    if (query.findingId) {
      inner.push(
        'EXISTS (SELECT 1 FROM action_finding af WHERE af.action_id = a.id AND af.finding_id = :findingId)',
      );
      params.findingId = query.findingId;
    }
    if (query.ownerId) {
      inner.push('a.owner_id = :ownerId');
      params.ownerId = query.ownerId;
    }
    if (query.executiveLeadId) {
      inner.push('a.executive_lead_id = :executiveLeadId');
      params.executiveLeadId = query.executiveLeadId;
    }
    if (query.q) {
      inner.push(
        `(LOWER(a.title) LIKE :q ${LIKE_ESCAPE} OR LOWER(a.reference) LIKE :q ${LIKE_ESCAPE} ` +
          `OR LOWER(a.description) LIKE :q ${LIKE_ESCAPE})`,
      );
      params.q = containsPattern(query.q);
    }
    if (query.status) {
      outer.push('d.status_at = :status');
      params.status = query.status;
    }
    if (query.deliveryStatus) {
      outer.push('d.delivery_status = :deliveryStatus');
      params.deliveryStatus = query.deliveryStatus;
    }
    if (query.brag) {
      outer.push('d.delivery_status IN (:...bragStatuses)');
      params.bragStatuses = deliveryStatusesOfBrag(query.brag);
    }
    if (query.dueBefore) {
      outer.push('d.due_at <= :dueBefore');
      params.dueBefore = query.dueBefore;
    }
    if (query.dueAfter) {
      outer.push('d.due_at >= :dueAfter');
      params.dueAfter = query.dueAfter;
    }
    if (query.overdue !== undefined) {
      const overdue = "(d.status_at IN ('NOT_STARTED', 'IN_PROGRESS') AND d.due_at < :asOf)";
      outer.push(query.overdue ? overdue : `NOT ${overdue}`);
    }

    return { inner, outer, params };
  }

  run<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params, {});
    return ReadSnapshot.manager(this.dataSource).query(query, values);
  }
}
