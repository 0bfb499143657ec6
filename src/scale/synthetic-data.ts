import { refreshCurrentFacts } from '../delivery/current-facts';
import { recordAllFirstRevisions } from '../history/revisions';
import { DataSource, EntityManager } from 'typeorm';
import { writeTransaction } from '../database/write-queue';
import { checkTransition } from '../actions/action-rules';
import { dueDateMoveProblem, newActionProblems } from '../actions/action-writer';
import type { ActionStatus } from '../actions/action.entity';
import { hashPassword } from '../auth/passwords';
import { addDays } from '../common/dates';
import { CORE_SERVICES, Sector } from '../cqc/core-services';
import { EVIDENCE_CATEGORIES } from '../cqc/evidence-categories';
import { RATING_SCOPES } from '../cqc/key-questions';
import { DEMO_PASSWORD, emptyDatabase } from '../demo/demo-loader';
import type { FindingType } from '../findings/finding.entity';
import { BulkInserter } from './bulk-insert';
import { SeededRandom } from './random';
import {
  ACTION_TITLES,
  FIRST_NAMES,
  LAST_NAMES,
  PLACES,
  PROGRESS_NOTES,
  Theme,
  THEMES,
} from './synthetic-themes';

export interface GenerateOptions {
  trusts: number;
  actions: number;
  seed: number;
  /** The day the data set is dated from: the same seed and day give the same rows. */
  today: string;
  onTrust?: (done: number, total: number) => void;
}

export interface GenerateSummary {
  trusts: number;
  coreServices: number;
  users: number;
  findings: number;
  actions: number;
  progressUpdates: number;
  dueDateChanges: number;
  evidence: number;
}

/** Every synthetic user signs in with the demo password; the admin is this one. */
export const SYNTHETIC_ADMIN_EMAIL = 'admin@synthetic.example.nhs.uk';

const KINDS: Record<string, Sector> = {
  acute: 'acute',
  mental_health: 'mental_health',
  community: 'community',
  ambulance: 'ambulance',
};
const KIND_WEIGHTS = { acute: 55, mental_health: 20, community: 20, ambulance: 5 };
const FINAL_STATUS_WEIGHTS: Record<ActionStatus, number> = {
  NOT_STARTED: 10,
  IN_PROGRESS: 50,
  COMPLETED: 15,
  ASSURED: 17,
  CANCELLED: 8,
};
const RATING_WEIGHTS = {
  Outstanding: 5,
  Good: 45,
  'Requires improvement': 40,
  Inadequate: 10,
};
/** Findings per action: most findings get one action, some two, a few none yet. */
const ACTIONS_PER_FINDING = 1.4;
const UNCOVERED_FINDINGS = 0.03;

/** Tables with a generated id whose PostgreSQL sequence must move past the ids written here. */
const SEQUENCED_TABLES = [
  'app_user',
  'organisation',
  'core_service',
  'rating',
  'inspection',
  'finding',
  'action',
  'progress_update',
  'due_date_change',
  'evidence',
  'audit_event',
];

interface TrustPeople {
  qualityLead: number;
  executives: number[];
  owners: number[];
}

/**
 * A deterministic synthetic data set of realistic shape, for benchmarks and load tests:
 * trusts with their core services and ratings, an inspection, MUST and SHOULD findings per
 * service, actions per finding with months of progress history, due-date changes and
 * reviewed evidence, reaching every delivery status. Each action's stored state is the end
 * of its own history, as the API would have left it. Empties the database first.
 */
export async function generateSyntheticData(
  dataSource: DataSource,
  options: GenerateOptions,
): Promise<GenerateSummary> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const postgres = dataSource.options.type === 'postgres';
  const summary = await writeTransaction(dataSource, async (manager) => {
    // A million-action set takes longer than the app's per-statement limit in places
    // (refreshing every action's current facts); lift it for this transaction only.
    if (postgres) await manager.query('SET LOCAL statement_timeout = 0');
    await emptyDatabase(manager, postgres);
    const generator = new SyntheticGenerator(
      new BulkInserter(manager, postgres),
      options,
      passwordHash,
    );
    const result = await generator.run();
    await recordGeneratedActionRevisions(manager);
    // Each other generated row's first revision, valid from its creation (history/revisions.ts).
    await recordAllFirstRevisions(manager);
    // The facts each action keeps as at now, from the history just written.
    await refreshCurrentFacts(manager, 'all');
    if (postgres) await resetSequences(manager);
    return result;
  });
  // Fresh statistics, so the query planner knows the tables are no longer empty.
  await writeTransaction(dataSource, (manager) => manager.query('ANALYZE'));
  return summary;
}

/**
 * The revisions the action writer would have recorded for each generated action, in two
 * set-based statements rather than a hundred thousand bound rows: the action as created
 * (version 1, not cancelled or assured), then one per later write (each progress entry and
 * due-date change, in time order), carrying the cancellation reason from the instant it was
 * cancelled and the assurer from the instant it was assured. Generated actions never reopen.
 */
async function recordGeneratedActionRevisions(manager: EntityManager): Promise<void> {
  // In batches of action ids, so no one statement runs long on a million actions.
  type Bounds = { low: number | string | null; high: number | string | null };
  const [{ low, high }] = await manager.query<Bounds[]>(
    'SELECT MIN(id) AS low, MAX(id) AS high FROM action',
  );
  if (low === null || high === null) return;
  for (let from = Number(low); from <= Number(high); from += REVISION_BATCH) {
    await recordRevisionBatch(manager, from, Math.min(from + REVISION_BATCH - 1, Number(high)));
  }
}

/** Actions per revision-writing statement. */
const REVISION_BATCH = 20_000;

async function recordRevisionBatch(
  manager: EntityManager,
  from: number,
  to: number,
): Promise<void> {
  const range = `a.id BETWEEN ${from} AND ${to}`;
  const fixed =
    'a.reference, a.title, a.description, a.success_measure, a.owner_id, a.executive_lead_id, a.start_date';
  const columns = `action_id, valid_from, reference, title, description, success_measure, owner_id,
    executive_lead_id, start_date, cancellation_reason, assured_by_id, version, updated_at`;
  await manager.query(
    `INSERT INTO action_revision (${columns})
     SELECT a.id, a.created_at, ${fixed}, NULL, NULL, 1, a.created_at FROM action a
      WHERE ${range} ORDER BY a.id`,
  );
  const since = (status: string) =>
    `w.at >= (SELECT MIN(pu.created_at) FROM progress_update pu
               WHERE pu.action_id = a.id AND pu.status_to = '${status}')`;
  await manager.query(
    `INSERT INTO action_revision (${columns})
     SELECT a.id, w.at, ${fixed},
            CASE WHEN a.status = 'CANCELLED' AND ${since('CANCELLED')} THEN a.cancellation_reason END,
            CASE WHEN a.status = 'ASSURED' AND ${since('ASSURED')} THEN a.assured_by_id END,
            w.n + 1, w.at
       FROM action a
       JOIN (SELECT action_id, at, ROW_NUMBER() OVER (PARTITION BY action_id ORDER BY at) AS n
               FROM (SELECT action_id, created_at AS at FROM progress_update
                     WHERE action_id BETWEEN ${from} AND ${to}
                     UNION ALL SELECT action_id, created_at FROM due_date_change
                     WHERE action_id BETWEEN ${from} AND ${to}) writes) w
         ON w.action_id = a.id
      WHERE ${range}
      ORDER BY a.id, w.at`,
  );
}

async function resetSequences(manager: EntityManager): Promise<void> {
  for (const table of SEQUENCED_TABLES) {
    await manager.query(
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM ${table}`,
    );
  }
}

class SyntheticGenerator {
  private readonly random: SeededRandom;
  private readonly ids: Record<string, number> = {};
  private readonly counts: GenerateSummary = {
    trusts: 0,
    coreServices: 0,
    users: 0,
    findings: 0,
    actions: 0,
    progressUpdates: 0,
    dueDateChanges: 0,
    evidence: 0,
  };
  /** Midday of the anchor day: every synthetic event lies at least a day before it. */
  private readonly anchor: number;

  constructor(
    private readonly rows: BulkInserter,
    private readonly options: GenerateOptions,
    private readonly passwordHash: string,
  ) {
    this.random = new SeededRandom(options.seed);
    this.anchor = Date.parse(`${options.today}T12:00:00.000Z`);
  }

  async run(): Promise<GenerateSummary> {
    const { trusts, actions } = this.options;
    await this.user('Synthetic Administrator', SYNTHETIC_ADMIN_EMAIL, 'admin');
    await this.user('Synthetic Viewer', 'viewer@synthetic.example.nhs.uk', 'viewer');
    for (let trust = 1; trust <= trusts; trust++) {
      // Spread the actions evenly; the first trusts take the remainder.
      const share = Math.floor(actions / trusts) + (trust <= actions % trusts ? 1 : 0);
      await this.trust(trust, share);
      this.options.onTrust?.(trust, trusts);
    }
    await this.rows.add('audit_event', {
      id: this.nextId('audit_event'),
      at: this.at(0),
      actor_id: null,
      request_id: null,
      action: 'generate',
      entity: 'dataset',
      entity_id: null,
      subject: null,
      changes: JSON.stringify({ trusts, actions, seed: this.options.seed }),
      summary: `Synthetic data set generated (seed ${this.options.seed})`,
    });
    await this.rows.flushAll();
    return this.counts;
  }

  private nextId(table: string): number {
    this.ids[table] = (this.ids[table] ?? 0) + 1;
    return this.ids[table];
  }

  /** An instant `daysAgo` days before the anchor, at a working-hours minute. */
  private at(daysAgo: number): string {
    const minutes = this.random.int(-180, 300);
    return new Date(this.anchor - daysAgo * 86_400_000 + minutes * 60_000).toISOString();
  }

  private day(daysFromToday: number): string {
    return addDays(this.options.today, daysFromToday);
  }

  private async user(name: string, email: string, role: string): Promise<number> {
    const id = this.nextId('app_user');
    this.counts.users++;
    const at = this.at(400);
    await this.rows.add('app_user', {
      id,
      name,
      email,
      role,
      active: true,
      password_hash: this.passwordHash,
      created_at: at,
      updated_at: at,
    });
    return id;
  }

  private async person(trust: number, role: string, n: number): Promise<number> {
    const name = `${this.random.pick(FIRST_NAMES)} ${this.random.pick(LAST_NAMES)}`;
    const code = String(trust).padStart(3, '0');
    return this.user(
      name,
      `${role.replace('_', '.')}.${n}.t${code}@synthetic.example.nhs.uk`,
      role,
    );
  }

  private async trust(trust: number, actionCount: number): Promise<void> {
    const kind = this.random.weighted(KIND_WEIGHTS);
    const code = String(trust).padStart(3, '0');
    const people: TrustPeople = {
      qualityLead: await this.person(trust, 'quality_lead', 1),
      executives: [],
      owners: [],
    };
    for (let n = 1; n <= 3; n++) people.executives.push(await this.person(trust, 'executive', n));
    const owners = Math.min(200, Math.max(3, Math.ceil(actionCount / 40)));
    for (let n = 1; n <= owners; n++) people.owners.push(await this.person(trust, 'owner', n));

    const organisationId = this.nextId('organisation');
    this.counts.trusts++;
    const createdAt = this.at(420);
    await this.rows.add('organisation', {
      id: organisationId,
      name: `${PLACES[(trust - 1) % PLACES.length]} ${kindLabel(kind)} NHS Trust ${code}`,
      ods_code: `S${code.padStart(4, '0')}`,
      cqc_provider_id: `S-${100000 + trust}`,
      kind,
      created_at: createdAt,
      updated_at: createdAt,
    });

    const publishedDaysAgo = this.random.int(240, 420);
    const ratedOn = this.day(-publishedDaysAgo);
    const services: number[] = [];
    const serviceNames: string[] = [];
    for (const definition of CORE_SERVICES.filter((s) => s.sector === KINDS[kind]).slice(0, 8)) {
      const id = this.nextId('core_service');
      this.counts.coreServices++;
      services.push(id);
      serviceNames.push(definition.name.toLowerCase());
      const reinspection = this.random.chance(0.85) ? this.random.int(20, 240) : null;
      await this.rows.add('core_service', {
        id,
        organisation_id: organisationId,
        name: definition.name,
        custom: false,
        reinspection_date: reinspection === null ? null : this.day(reinspection),
        reinspection_window_end: null,
        reinspection_confirmed: reinspection !== null && this.random.chance(0.4),
        created_at: createdAt,
        updated_at: createdAt,
      });
    }
    for (const coreServiceId of [null, ...services]) {
      for (const scope of RATING_SCOPES) {
        await this.rows.add('rating', {
          id: this.nextId('rating'),
          organisation_id: organisationId,
          core_service_id: coreServiceId,
          scope,
          rating: this.random.weighted(RATING_WEIGHTS),
          rated_on: ratedOn,
          created_at: createdAt,
        });
      }
    }
    const inspectionId = this.nextId('inspection');
    await this.rows.add('inspection', {
      id: inspectionId,
      organisation_id: organisationId,
      kind: 'comprehensive',
      visit_start: this.day(-publishedDaysAgo - 90),
      visit_end: this.day(-publishedDaysAgo - 87),
      published_on: ratedOn,
      report_reference: `SYN-${code}`,
      created_at: createdAt,
      updated_at: createdAt,
    });
    for (const coreServiceId of services) {
      await this.rows.add('inspection_core_service', {
        inspection_id: inspectionId,
        core_service_id: coreServiceId,
      });
    }

    const findingCount = Math.max(1, Math.ceil(actionCount / ACTIONS_PER_FINDING));
    const covered = Math.max(1, Math.floor(findingCount * (1 - UNCOVERED_FINDINGS)));
    const findings: { id: number; theme: Theme; service: string }[] = [];
    for (let n = 1; n <= findingCount; n++) {
      const theme = this.random.pick(THEMES);
      const serviceIndex = this.random.chance(0.1) ? -1 : this.random.int(0, services.length - 1);
      const coreServiceId = serviceIndex < 0 ? null : services[serviceIndex];
      const type: FindingType = this.random.chance(0.6)
        ? 'MUST'
        : this.random.chance(0.97)
          ? 'SHOULD'
          : 'WARNING_NOTICE';
      const id = this.nextId('finding');
      this.counts.findings++;
      const service = coreServiceId === null ? 'the trust' : serviceNames[serviceIndex];
      findings.push({ id, theme, service });
      await this.rows.add('finding', {
        id,
        organisation_id: organisationId,
        inspection_id: inspectionId,
        core_service_id: coreServiceId,
        key_question: theme.keyQuestion,
        quality_statement: null,
        type,
        deadline: type === 'WARNING_NOTICE' ? this.day(-publishedDaysAgo + 60) : null,
        regulations: JSON.stringify(
          type === 'SHOULD' ? [] : [{ instrument: 2014, ...theme.regulation }],
        ),
        reference: `${type === 'SHOULD' ? 'S' : 'M'}${n}`,
        text:
          type === 'SHOULD' ? `The trust should ${theme.should}.` : `The trust must ${theme.must}.`,
        source: 'report_import',
        source_line: null,
        source_page: null,
        version: 1,
        created_at: this.at(publishedDaysAgo - 1),
        updated_at: this.at(publishedDaysAgo - 1),
      });
      // A warning notice's deadline is its one failing's, as the findings service writes it.
      if (type === 'WARNING_NOTICE') {
        await this.rows.add('finding_failing', {
          finding_id: id,
          position: 1,
          text: `The trust must ${theme.must}.`,
          deadline: this.day(-publishedDaysAgo + 60),
          created_at: this.at(publishedDaysAgo - 1),
          replaced_at: null,
        });
      }
    }

    for (let n = 0; n < actionCount; n++) {
      // Actions walk the covered findings in turn; one in ten also answers a second finding.
      const finding = findings[n % covered];
      const linked = [finding.id];
      if (covered > 1 && this.random.chance(0.1)) {
        const other = findings[this.random.int(0, covered - 1)].id;
        if (other !== finding.id) linked.push(other);
      }
      await this.action(organisationId, code, n + 1, finding, linked, people, publishedDaysAgo);
    }
  }

  private async action(
    organisationId: number,
    code: string,
    n: number,
    finding: { theme: Theme; service: string },
    findingIds: number[],
    people: TrustPeople,
    publishedDaysAgo: number,
  ): Promise<void> {
    const r = this.random;
    const id = this.nextId('action');
    this.counts.actions++;
    const owner = r.pick(people.owners);
    const lead = r.pick(people.executives);
    const createdAgo = r.int(30, Math.max(31, publishedDaysAgo - 5));
    const createdAt = this.at(createdAgo);
    // About one open action in five runs past its due date, as in trusts' published plans.
    const originalDueDate = this.day(Math.max(-createdAgo + 30, r.int(-60, 240)));
    const final = r.weighted(FINAL_STATUS_WEIGHTS);

    // The action's life, oldest first: (days ago, what happened). Days strictly decrease.
    const history: {
      daysAgo: number;
      by: number;
      note: string;
      progress: number;
      statusFrom: ActionStatus | null;
      statusTo: ActionStatus | null;
      offTrack: boolean;
    }[] = [];
    let status = 'NOT_STARTED' as ActionStatus;
    let progress = 0;
    let day = createdAgo;
    const record = (
      daysAgo: number,
      by: number,
      note: string,
      next: ActionStatus | null,
      offTrack = false,
    ) => {
      // The API's rule for every status change (action-rules.ts): generated data obeys it.
      if (next) checkTransition(status, next);
      history.push({
        daysAgo,
        by,
        note,
        progress,
        statusFrom: next ? status : null,
        statusTo: next,
        offTrack,
      });
      if (next) status = next;
    };

    if (final !== 'NOT_STARTED') {
      // Open actions that went quiet stop reporting a month or more ago (AT_RISK).
      const stale = final === 'IN_PROGRESS' && r.chance(0.15);
      const lastDay = final === 'IN_PROGRESS' ? (stale ? r.int(35, 90) : r.int(1, 20)) : 1;
      const endDay = Math.min(day - 1, final === 'IN_PROGRESS' ? lastDay : r.int(8, day - 1));
      const target = final === 'IN_PROGRESS' ? r.int(10, 95) : 100;
      const updates: number[] = [];
      for (let d = day - r.int(3, 15); d > endDay; d -= r.int(20, 40)) updates.push(d);
      updates.push(Math.max(1, endDay));
      const closing = final === 'IN_PROGRESS' ? 0 : 1;
      updates.forEach((d, index) => {
        const last = index === updates.length - 1;
        if (last && closing) return;
        progress = Math.min(
          target === 100 ? 90 : target,
          Math.round((target * (index + 1)) / updates.length),
        );
        const offTrack = final === 'IN_PROGRESS' && last && r.chance(0.12);
        record(
          d,
          owner,
          r.pick(PROGRESS_NOTES),
          status === 'NOT_STARTED' ? 'IN_PROGRESS' : null,
          offTrack,
        );
      });
      day = updates[updates.length - 1];
      if (final === 'CANCELLED') {
        record(day, lead, 'Superseded by the trust-wide improvement programme.', 'CANCELLED');
      } else if (final === 'COMPLETED' || final === 'ASSURED') {
        progress = 100;
        record(day, owner, 'All milestones met; evidence submitted.', 'COMPLETED');
        // Assurance comes on a later day; completed yesterday, it waits as COMPLETED.
        if (final === 'ASSURED' && day > 1) {
          day = r.int(1, day - 1);
          record(day, lead, 'Assured at the quality committee.', 'ASSURED');
        }
      }
    }

    // One action in six had its due date moved once, by the executive lead, with a reason.
    let dueDate = originalDueDate;
    const dueChanges: { daysAgo: number; from: string; to: string }[] = [];
    const startDate = this.day(-createdAgo + 7);
    if (createdAgo > 10 && r.chance(0.16)) {
      const to = addDays(originalDueDate, r.int(30, 120));
      const daysAgo = r.int(2, createdAgo - 5);
      // Moved only as the action writer would move it (action-writer.ts): while the action is
      // open, never before its start; and not on a day its status changed, whose order within
      // the day the generator does not fix.
      const statusThen =
        history.filter((h) => h.daysAgo > daysAgo && h.statusTo).pop()?.statusTo ?? 'NOT_STARTED';
      const refused =
        history.some((h) => h.daysAgo === daysAgo) ||
        dueDateMoveProblem({ status: statusThen, dueDate: originalDueDate, startDate }, to);
      if (!refused) {
        dueChanges.push({ daysAgo, from: originalDueDate, to });
        dueDate = to;
      }
    }

    const title = r
      .pick(ACTION_TITLES)
      .replace('{topic}', finding.theme.topic)
      .replace('{service}', finding.service);
    const fields = {
      reference: `T${code}-${String(n).padStart(5, '0')}`,
      title,
      description: `Planned in response to: ${finding.theme.must}.`,
      success_measure: `Monthly audit shows 95% compliance on ${finding.theme.topic} for three months running.`,
      owner_id: owner,
      executive_lead_id: lead,
      start_date: startDate,
    };
    // The same checks as every other door that creates an action (action-writer.ts).
    const problems = newActionProblems({
      organisationId,
      reference: fields.reference,
      title,
      description: fields.description,
      successMeasure: fields.success_measure,
      startDate,
      dueDate: originalDueDate,
      findingIds,
    });
    if (problems.length) throw new Error(`Generated action ${id}: ${JSON.stringify(problems)}`);
    // Every write to the action, oldest first, with its instant: each bumps the version (and
    // gets its revision, recordGeneratedActionRevisions below).
    const cancellationReason = 'Superseded by the trust-wide improvement programme.';
    const writes = [
      ...history.map((entry) => ({ at: this.at(entry.daysAgo), entry, change: null })),
      ...dueChanges.map((change) => ({ at: this.at(change.daysAgo), entry: null, change })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const updatedAt = writes.length ? writes[writes.length - 1].at : createdAt;
    await this.rows.add('action', {
      id,
      organisation_id: organisationId,
      ...fields,
      due_date: dueDate,
      original_due_date: originalDueDate,
      progress,
      status,
      cancellation_reason: status === 'CANCELLED' ? cancellationReason : null,
      assured_by_id: status === 'ASSURED' ? lead : null,
      version: 1 + writes.length,
      created_at: createdAt,
      updated_at: updatedAt,
    });
    for (const findingId of findingIds) {
      await this.rows.add('action_finding', { action_id: id, finding_id: findingId });
    }
    for (const { at, entry, change } of writes) {
      if (entry) {
        this.counts.progressUpdates++;
        await this.rows.add('progress_update', {
          id: this.nextId('progress_update'),
          action_id: id,
          author_id: entry.by,
          created_at: at,
          note: entry.note,
          progress: entry.progress,
          status_from: entry.statusFrom,
          status_to: entry.statusTo,
          off_track: entry.offTrack,
        });
      }
      if (change) {
        this.counts.dueDateChanges++;
        await this.rows.add('due_date_change', {
          id: this.nextId('due_date_change'),
          action_id: id,
          previous_due_date: change.from,
          new_due_date: change.to,
          reason: 'Dependent on the estates programme, which slipped a quarter.',
          changed_by_id: lead,
          created_at: at,
        });
      }
    }
    await this.evidence(id, status, owner, people.qualityLead, createdAgo);
  }

  /** Completed work carries accepted evidence; open work sometimes has some awaiting review. */
  private async evidence(
    actionId: number,
    status: ActionStatus,
    owner: number,
    reviewer: number,
    createdAgo: number,
  ): Promise<void> {
    const r = this.random;
    const done = status === 'COMPLETED' || status === 'ASSURED';
    const items = done ? r.int(1, 2) : status === 'IN_PROGRESS' && r.chance(0.35) ? 1 : 0;
    for (let i = 0; i < items; i++) {
      const submittedAgo = r.int(2, Math.max(2, createdAgo - 1));
      const state = done ? 'ACCEPTED' : r.chance(0.15) ? 'REJECTED' : 'SUBMITTED';
      const link = r.chance(0.7);
      this.counts.evidence++;
      await this.rows.add('evidence', {
        id: this.nextId('evidence'),
        action_id: actionId,
        kind: link ? 'link' : 'note',
        title: link ? 'Audit results on the intranet' : 'Summary of the ward walkround',
        url: link ? `https://intranet.example.nhs.uk/audits/${actionId}-${i + 1}` : null,
        note: link ? null : 'Walkround found the new checklist in use on every bay.',
        file_name: null,
        file_sha256: null,
        file_size: null,
        category: r.pick(EVIDENCE_CATEGORIES),
        submitted_by_id: owner,
        submitted_at: this.at(submittedAgo),
        review_state: state,
        reviewed_by_id: state === 'SUBMITTED' ? null : reviewer,
        reviewed_at: state === 'SUBMITTED' ? null : this.at(1),
        review_note: state === 'REJECTED' ? 'Please attach the audit for every ward.' : null,
      });
    }
  }
}

function kindLabel(kind: string): string {
  return {
    acute: 'Hospitals',
    mental_health: 'Mental Health',
    community: 'Community Health',
    ambulance: 'Ambulance Service',
  }[kind]!;
}
