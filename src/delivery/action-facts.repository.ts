import { Injectable } from '@nestjs/common';
import { evidenceInForceSql } from '../actions/evidence-validity';
import { TrustAccess } from '../auth/trust-access';
import { DataSource } from 'typeorm';
import { ReadSnapshot } from '../database/read-snapshot';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { deliveryStatusesOfBrag } from './brag';
import { ActionFactsRow, asOfParameters, derivedActionsFrom } from './action-facts.sql';
import { tablesAsAt, TablesAsAt } from '../history/as-at-tables';
import { Finding } from '../findings/finding.entity';
import { User } from '../users/user.entity';
import { Action, ActionStatus } from '../actions/action.entity';
import { ListActionsQueryDto } from '../actions/dto/action-read.dto';

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
    const { inner, outer, params, tables } = this.filters(query, asOf);
    const from = derivedActionsFrom(tables, inner, outer);
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const sortColumn = SORT_COLUMNS[query.sort ?? 'dueDate'];
    // NULL references sort last either way, the same on both engines.
    const orderBy = `CASE WHEN ${sortColumn} IS NULL THEN 1 ELSE 0 END, ${sortColumn} ${direction}, d.id ${direction}`;
    // One statement: the page and, beside each row, how many rows match in all. Deriving the
    // facts is the expensive part, and a separate COUNT would derive them all again.
    const rows = await this.run<ActionFactsRow & { total_count: number | string }>(
      `SELECT d.*, COUNT(*) OVER () AS total_count ${from} ORDER BY ${orderBy} LIMIT :limit OFFSET :offset`,
      { ...params, limit: query.limit, offset: query.offset },
    );
    if (rows.length > 0) return { rows, total: Number(rows[0].total_count) };
    // A page past the end has no row to carry the total.
    const [{ total }] = query.offset
      ? await this.run<{ total: number | string }>(`SELECT COUNT(*) AS total ${from}`, params)
      : [{ total: 0 }];
    return { rows, total: Number(total) };
  }

  /** How many matching actions were open (not started or in progress) at the end of `asOf`. */
  async countOpen(query: ListActionsQueryDto, asOf: string): Promise<number> {
    const { inner, outer, params, tables } = this.filters(query, asOf);
    const from = derivedActionsFrom(tables, inner, [
      ...outer,
      "d.status_at IN ('NOT_STARTED', 'IN_PROGRESS')",
    ]);
    const [{ total }] = await this.run<{ total: number | string }>(
      `SELECT COUNT(*) AS total ${from}`,
      params,
    );
    return Number(total);
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
    const { inner, outer, params, tables } = this.filters(query, asOf);
    const from = derivedActionsFrom(tables, [...inner, 'a.id > :afterId'], outer);
    return this.run<ActionFactsRow>(`SELECT d.* ${from} ORDER BY d.id LIMIT :limit`, {
      ...params,
      afterId,
      limit,
    });
  }

  /**
   * Like `findBatchAfter`, but each row also carries what a flat export prints: the action's
   * own fields, its people's names, and its finding ids and core service names joined into
   * text, all in one statement, so an export builds no entities at all.
   */
  async findExportBatchAfter(
    query: ListActionsQueryDto,
    asOf: string,
    afterId: number,
    limit: number,
  ): Promise<ActionExportFactsRow[]> {
    const { inner, outer, params, tables: t } = this.filters(query, asOf);
    const from = derivedActionsFrom(t, [...inner, 'a.id > :afterId'], outer);
    const postgres = this.dataSource.options.type === 'postgres';
    const findingIds = postgres
      ? `(SELECT string_agg(af.finding_id::text, ', ' ORDER BY af.finding_id) FROM ${t.action_finding} af WHERE af.action_id = a.id)`
      : `(SELECT GROUP_CONCAT(x, ', ') FROM (SELECT af.finding_id AS x FROM ${t.action_finding} af WHERE af.action_id = a.id ORDER BY af.finding_id))`;
    const servicesOfAction = `SELECT DISTINCT cs.id, cs.name FROM ${t.action_finding} af JOIN ${t.finding} f ON f.id = af.finding_id
      JOIN ${t.core_service} cs ON cs.id = f.core_service_id WHERE af.action_id = a.id`;
    const coreServiceNames = postgres
      ? `(SELECT string_agg(x.name, '; ' ORDER BY x.id) FROM (${servicesOfAction}) x)`
      : `(SELECT GROUP_CONCAT(x.name, '; ') FROM (${servicesOfAction} ORDER BY cs.id) x)`;
    // The linked findings' own fields, joined in finding order: references as the report gave
    // them, key questions, and their regulations as one JSON array of citation arrays.
    const ofFindings = (expression: string, separator: string, distinct = false) => {
      const rows = `SELECT ${distinct ? 'DISTINCT ' : ''}${expression} AS x${distinct ? '' : ', f.id AS o'}
        FROM ${t.action_finding} af JOIN ${t.finding} f ON f.id = af.finding_id
        WHERE af.action_id = a.id AND ${expression} IS NOT NULL`;
      return postgres
        ? `(SELECT string_agg(y.x, '${separator}' ORDER BY ${distinct ? 'y.x' : 'y.o'}) FROM (${rows}) y)`
        : `(SELECT GROUP_CONCAT(y.x, '${separator}') FROM (${rows} ORDER BY ${distinct ? 'x' : 'o'}) y)`;
    };
    const findingReferences = ofFindings("COALESCE(f.reference, '(no reference)')", ', ');
    const keyQuestions = ofFindings('f.key_question', ', ', true);
    const regulations = `('[' || ${ofFindings('f.regulations', ',')} || ']')`;
    // The latest progress report (or status change) as at the date, and the evidence as it
    // stood: submitted by then, and reviewed (accepted or returned) by then.
    const latest = (column: string) =>
      `(SELECT pu.${column} FROM progress_update pu WHERE pu.action_id = a.id AND pu.created_at <= :asOfEnd
        ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1)`;
    // Expired evidence (past its expiry date on the as-at day) is not counted (issue 20).
    const evidence = (condition: string) =>
      `(SELECT COUNT(*) FROM evidence e WHERE e.action_id = a.id AND e.submitted_at <= :asOfEnd AND ${evidenceInForceSql('e')}${condition})`;
    const reviewed = (state: string) =>
      evidence(` AND e.review_state = '${state}' AND e.reviewed_at <= :asOfEnd`);
    return this.run<ActionExportFactsRow>(
      `SELECT d.*, a.title, a.start_date, a.original_due_date, a.success_measure, a.cancellation_reason,
         ow.name AS owner_name, el.name AS executive_lead_name, ab.name AS assured_by_name,
         ${findingIds} AS finding_ids, ${coreServiceNames} AS core_service_names,
         ${findingReferences} AS finding_references, ${keyQuestions} AS key_questions,
         ${regulations} AS finding_regulations,
         ${latest('note')} AS latest_note, ${latest('created_at')} AS latest_update_at,
         ${evidence('')} AS evidence_submitted, ${reviewed('ACCEPTED')} AS evidence_accepted,
         ${reviewed('REJECTED')} AS evidence_returned
       FROM (SELECT d.* ${from} ORDER BY d.id LIMIT :limit) d
       JOIN ${t.action} a ON a.id = d.id
       LEFT JOIN ${t.app_user} ow ON ow.id = a.owner_id
       LEFT JOIN ${t.app_user} el ON el.id = a.executive_lead_id
       LEFT JOIN ${t.app_user} ab ON ab.id = a.assured_by_id
       ORDER BY d.id`,
      { ...params, afterId, limit },
    );
  }

  /** One action's derived facts as at a date; undefined if it did not exist then. */
  async findOne(id: number, asOf: string): Promise<ActionFactsRow | undefined> {
    const from = derivedActionsFrom(
      this.tables(asOf),
      ['a.id = :id', 'a.created_at <= :asOfEnd'],
      [],
    );
    const [row] = await this.run<ActionFactsRow>(`SELECT d.* ${from}`, {
      ...asOfParameters(asOf),
      id,
    });
    return row;
  }

  /**
   * The actions with these ids, with their owner, executive lead, assurer and linked findings,
   * in two plain queries, all as they stood at the end of `asOf`. Lists and exports read
   * thousands of actions this way; TypeORM's relation loading built the same objects many
   * times slower.
   */
  async findWithPeopleAndFindings(ids: number[], asOf: string): Promise<Map<number, Action>> {
    const byId = new Map<number, Action>();
    if (ids.length === 0) return byId;
    const t = this.tables(asOf);
    const params = { ...asOfParameters(asOf), ids };
    const person = (alias: string) =>
      `${alias}.id AS ${alias}_id, ${alias}.name AS ${alias}_name, ${alias}.email AS ${alias}_email`;
    const [actions, links] = await ReadSnapshot.all([
      () =>
        this.run<ActionWithPeopleRow>(
          `SELECT a.*, ${person('ow')}, ${person('el')}, ${person('ab')}
         FROM ${t.action} a
         LEFT JOIN ${t.app_user} ow ON ow.id = a.owner_id
         LEFT JOIN ${t.app_user} el ON el.id = a.executive_lead_id
         LEFT JOIN ${t.app_user} ab ON ab.id = a.assured_by_id
         WHERE a.id IN (:...ids)`,
          params,
        ),
      () =>
        this.run<{ action_id: number; finding_id: number; core_service_id: number | null }>(
          `SELECT af.action_id, af.finding_id, f.core_service_id
         FROM ${t.action_finding} af JOIN ${t.finding} f ON f.id = af.finding_id
         WHERE af.action_id IN (:...ids)`,
          params,
        ),
    ]);
    for (const row of actions) byId.set(Number(row.id), toAction(row));
    for (const link of links) {
      byId.get(Number(link.action_id))?.findings?.push({
        id: Number(link.finding_id),
        coreServiceId: link.core_service_id === null ? null : Number(link.core_service_id),
      } as Finding);
    }
    return byId;
  }

  /** The WHERE clauses for a list query: on stored columns (`a`) and on derived ones (`d`). */
  private filters(
    query: ListActionsQueryDto,
    asOf: string,
  ): { inner: string[]; outer: string[]; params: Record<string, unknown>; tables: TablesAsAt } {
    const params: Record<string, unknown> = { ...asOfParameters(asOf) };
    const tables = this.tables(asOf);
    const inner: string[] = ['a.created_at <= :asOfEnd'];
    const outer: string[] = [];
    // Only the caller's trusts, whatever else the query asks.
    const scope = TrustAccess.sqlCondition('a.organisation_id', params);
    if (scope) inner.push(scope);

    if (query.organisationId) {
      inner.push('a.organisation_id = :organisationId');
      params.organisationId = query.organisationId;
    }
    if (query.coreServiceId) {
      inner.push(
        `EXISTS (SELECT 1 FROM ${tables.action_finding} af JOIN ${tables.finding} f ON f.id = af.finding_id ` +
          'WHERE af.action_id = a.id AND f.core_service_id = :coreServiceId)',
      );
      params.coreServiceId = query.coreServiceId;
    }
    if (query.findingId) {
      inner.push(
        `EXISTS (SELECT 1 FROM ${tables.action_finding} af WHERE af.action_id = a.id AND af.finding_id = :findingId)`,
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
    this.queueFilters(query, inner, outer);

    return { inner, outer, params, tables };
  }

  /**
   * The work queues' filters (Home links to lists filtered by them). Evidence and due-date
   * requests are not historised, so a past day reads them through their own timestamps: an item
   * counts from when it was submitted, and its review or decision from when it was made.
   */
  private queueFilters(query: ListActionsQueryDto, inner: string[], outer: string[]): void {
    if (query.open !== undefined) {
      const open = "d.status_at IN ('NOT_STARTED', 'IN_PROGRESS')";
      outer.push(query.open ? open : `NOT ${open}`);
    }
    const submitted = (alias: string) => `${alias}.submitted_at <= :asOfEnd`;
    const reviewed = (alias: string) =>
      `${alias}.reviewed_at IS NOT NULL AND ${alias}.reviewed_at <= :asOfEnd`;
    if (query.evidence === 'toReview') {
      inner.push(
        `EXISTS (SELECT 1 FROM evidence e WHERE e.action_id = a.id AND ${submitted('e')} ` +
          `AND NOT (${reviewed('e')}))`,
      );
    }
    if (query.evidence === 'returned') {
      // Sent back to the owner: rejected, and nothing submitted since that could answer it.
      inner.push(
        `EXISTS (SELECT 1 FROM evidence e WHERE e.action_id = a.id AND e.review_state = 'REJECTED' AND ${reviewed('e')} ` +
          `AND NOT EXISTS (SELECT 1 FROM evidence e2 WHERE e2.action_id = a.id AND ${submitted('e2')} AND e2.submitted_at > e.reviewed_at))`,
      );
      outer.push("d.status_at IN ('NOT_STARTED', 'IN_PROGRESS')");
    }
    if (query.dueDateRequest === 'pending') {
      inner.push(
        `EXISTS (SELECT 1 FROM due_date_request r WHERE r.action_id = a.id AND r.requested_at <= :asOfEnd ` +
          `AND (r.state = 'PENDING' OR (r.decided_at IS NOT NULL AND r.decided_at > :asOfEnd)))`,
      );
    }
    if (query.awaiting === 'assurance') {
      // Only what can be assured: completed, with at least one accepted evidence item.
      inner.push(
        `EXISTS (SELECT 1 FROM evidence e WHERE e.action_id = a.id AND e.review_state = 'ACCEPTED' AND ${reviewed('e')} AND ${evidenceInForceSql('e')})`,
      );
      outer.push("d.status_at = 'COMPLETED'");
    }
  }

  /** The tables as they stood at the end of `asOf` (the live ones as at today). */
  tables(asOf: string): TablesAsAt {
    return tablesAsAt(this.dataSource, asOf);
  }

  run<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params, {});
    return ReadSnapshot.manager(this.dataSource).query(query, values);
  }
}

export interface ActionExportFactsRow extends ActionFactsRow {
  reference: string | null;
  title: string;
  start_date: string | null;
  original_due_date: string;
  success_measure: string | null;
  cancellation_reason: string | null;
  owner_name: string | null;
  executive_lead_name: string | null;
  assured_by_name: string | null;
  finding_ids: string | null;
  core_service_names: string | null;
  finding_references: string | null;
  key_questions: string | null;
  /** A JSON array of each linked finding's regulations (each a JSON array of citations). */
  finding_regulations: string | null;
  latest_note: string | null;
  latest_update_at: string | Date | null;
  evidence_submitted: number | string;
  evidence_accepted: number | string;
  evidence_returned: number | string;
}

type PersonColumns<P extends string> = {
  [K in `${P}_id` | `${P}_name` | `${P}_email`]: number | string | null;
};
type ActionWithPeopleRow = Record<string, unknown> &
  PersonColumns<'ow'> &
  PersonColumns<'el'> &
  PersonColumns<'ab'>;

/** Only what the DTOs read of a person: who they are, never their password hash. */
function personOf(row: ActionWithPeopleRow, alias: 'ow' | 'el' | 'ab'): User | undefined {
  const id = row[`${alias}_id`];
  if (id === null || id === undefined) return undefined;
  return { id: Number(id), name: row[`${alias}_name`], email: row[`${alias}_email`] } as User;
}

function toAction(row: ActionWithPeopleRow): Action {
  const nullableId = (value: unknown) => (value === null ? null : Number(value));
  return {
    id: Number(row.id),
    organisationId: Number(row.organisation_id),
    reference: row.reference as string | null,
    title: row.title as string,
    description: row.description as string | null,
    successMeasure: row.success_measure as string | null,
    interimMitigation: (row.interim_mitigation ?? null) as string | null,
    ownerId: nullableId(row.owner_id),
    owner: personOf(row, 'ow'),
    executiveLeadId: nullableId(row.executive_lead_id),
    executiveLead: personOf(row, 'el'),
    startDate: row.start_date as string | null,
    dueDate: row.due_date as string,
    originalDueDate: row.original_due_date as string,
    progress: Number(row.progress),
    status: row.status as ActionStatus,
    cancellationReason: row.cancellation_reason as string | null,
    assuredById: nullableId(row.assured_by_id),
    assuredBy: personOf(row, 'ab'),
    version: Number(row.version),
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    findings: [],
  };
}
