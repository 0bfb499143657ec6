import { refreshCurrentFacts } from '../delivery/current-facts';
import { recordAllFirstRevisions } from '../history/revisions';
import { DataSource, EntityManager } from 'typeorm';
import { writeTransaction } from '../database/write-queue';
import { OrganisationMembership, TrustRole } from '../organisations/organisation-membership.entity';
import demoJson from '../../database/demo/demo.json';
import {
  applyProgressUpdate,
  checkAssurance,
  checkEvidenceReview,
  checkTransition,
} from '../actions/action-rules';
import { Action } from '../actions/action.entity';
import { hashPassword, PUBLISHED_DEMO_PASSWORD } from '../auth/passwords';
import {
  addDueDateChange,
  addProgressEntry,
  changeAction,
  createActions,
} from '../actions/action-writer';
import { Evidence } from '../actions/evidence.entity';
import { addDays, nowTimestamp, timestampDaysBefore, londonDateOf } from '../common/dates';
import { CoreService } from '../core-services/core-service.entity';
import { Rating } from '../core-services/rating.entity';
import { canonicalCoreServiceName } from '../cqc/core-services';
import { RATING_SCOPES } from '../cqc/key-questions';
import { normaliseRating } from '../cqc/ratings';
import { Finding } from '../findings/finding.entity';
import { Inspection } from '../inspections/inspection.entity';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { DemoAction, DemoData, DemoOrganisation, DemoRatings } from './demo-data';

export const DEMO_DATA = demoJson as unknown as DemoData;

/** Every demo user signs in with this password (documented in the README). Never use it for real. */
/** The demo users' password (published in the README; refused outside demo mode). */
export const DEMO_PASSWORD = PUBLISHED_DEMO_PASSWORD;

/** Tables in the order rows can be deleted without breaking a foreign key. */
export const TABLES_CHILD_FIRST = [
  'issued_report',
  'cqc_inbox_item',
  'cqc_watch_state',
  'staged_upload',
  'calendar_feed',
  'import_record',
  'audit_event',
  'organisation_membership',
  'sign_in_throttle',
  'api_token',
  'user_session',
  'known_device',
  'sso_sign_in',
  'action_finding_link',
  'action_revision',
  'finding_revision',
  'core_service_revision',
  'app_user_revision',
  'organisation_revision',
  'inspection_revision',
  'action_comment',
  'due_date_request',
  'evidence',
  'due_date_change',
  'progress_update',
  'action_finding',
  'finding_failing',
  'action',
  'finding',
  'inspection_core_service',
  'inspection',
  'rating',
  'core_service',
  'organisation',
  'app_user',
];

export interface DemoSummary {
  users: number;
  organisations: number;
  findings: number;
  actions: number;
}

/**
 * Loads the demo set in one transaction, dating every action relative to `now`. Status
 * changes go through the same rule functions the API uses, so the demo cannot hold a state
 * the app would refuse.
 */
export async function loadDemoData(
  manager: EntityManager,
  data: DemoData = DEMO_DATA,
  now = nowTimestamp(),
): Promise<DemoSummary> {
  const loader = new DemoLoader(manager, now);
  await loader.users(data.users);
  for (const organisation of data.organisations)
    await loader.organisation(organisation, data.users);
  // Each demo row's first revision, valid from its creation (see history/revisions.ts).
  await recordAllFirstRevisions(manager);
  // The facts each action keeps as at now, from the history just written.
  await refreshCurrentFacts(manager, 'all');
  return {
    users: data.users.length,
    organisations: data.organisations.length,
    findings: data.organisations.reduce((n, o) => n + o.findings.length, 0),
    actions: data.organisations.reduce((n, o) => n + o.actions.length, 0),
  };
}

/** Deletes every row of every table (not the migrations record). */
export async function emptyDatabase(manager: EntityManager, postgres: boolean): Promise<void> {
  if (postgres) {
    // One statement, and far quicker than DELETE on a million rows.
    await manager.query(`TRUNCATE ${TABLES_CHILD_FIRST.join(', ')} RESTART IDENTITY`);
    return;
  }
  for (const table of TABLES_CHILD_FIRST) await manager.query(`DELETE FROM ${table}`);
}

/** Empties every table, then loads the demo set: what `npm run seed` does. */
export async function resetToDemoData(dataSource: DataSource): Promise<DemoSummary> {
  return writeTransaction(dataSource, async (manager) => {
    await emptyDatabase(manager, dataSource.options.type === 'postgres');
    return loadDemoData(manager);
  });
}

export async function isDatabaseEmpty(dataSource: DataSource): Promise<boolean> {
  return (
    (await dataSource.getRepository(Organisation).count()) === 0 &&
    (await dataSource.getRepository(User).count()) === 0
  );
}

class DemoLoader {
  private readonly userIds = new Map<string, number>();
  private readonly today: string;

  constructor(
    private readonly manager: EntityManager,
    private readonly now: string,
  ) {
    this.today = londonDateOf(now);
  }

  async users(users: DemoData['users']): Promise<void> {
    const createdAt = this.ago(200);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const user of users) {
      const saved = await this.manager.save(
        this.manager.create(User, {
          name: user.name,
          email: user.email,
          role: user.role,
          active: true,
          passwordHash,
          createdAt,
          updatedAt: createdAt,
        }),
      );
      this.userIds.set(user.key, saved.id);
    }
  }

  /**
   * The trust's people, with their role there: made before its actions, which may only be
   * given to someone who can hold the part in the trust (actions/action-people.ts).
   */
  private async memberships(
    users: DemoData['users'],
    organisationId: number,
    odsCode: string,
  ): Promise<void> {
    for (const user of users) {
      if (!(user.trusts ?? []).includes(odsCode)) continue;
      await this.manager.insert(OrganisationMembership, {
        userId: lookup(this.userIds, user.key),
        organisationId,
        role: user.role as TrustRole,
        createdAt: this.ago(150),
      });
    }
  }

  async organisation(data: DemoOrganisation, users: DemoData['users']): Promise<void> {
    const createdAt = this.ago(150);
    const organisation = await this.manager.save(
      this.manager.create(Organisation, {
        name: data.name,
        odsCode: data.odsCode,
        cqcProviderId: data.cqcProviderId,
        kind: data.kind,
        createdAt,
        updatedAt: createdAt,
      }),
    );
    await this.ratings(organisation.id, null, data.ratings);
    await this.memberships(users, organisation.id, data.odsCode);

    const coreServiceIds = new Map<string, number>();
    for (const service of data.coreServices) {
      const { name, custom } = canonicalCoreServiceName(service.name);
      const saved = await this.manager.save(
        this.manager.create(CoreService, {
          organisationId: organisation.id,
          name,
          custom,
          reinspectionDate:
            service.reinspectionInDays === undefined
              ? null
              : addDays(this.today, service.reinspectionInDays),
          reinspectionWindowEnd: null,
          reinspectionConfirmed: service.reinspectionConfirmed ?? false,
          createdAt,
          updatedAt: createdAt,
        }),
      );
      coreServiceIds.set(service.key, saved.id);
      await this.ratings(organisation.id, saved.id, service.ratings);
    }

    const inspectionIds = new Map<string, number>();
    for (const inspection of data.inspections) {
      const saved = await this.manager.save(
        this.manager.create(Inspection, {
          organisationId: organisation.id,
          kind: inspection.kind,
          visitStart: inspection.visitStart,
          visitEnd: inspection.visitEnd ?? null,
          publishedOn: inspection.publishedOn ?? null,
          reportReference: null,
          coreServices: inspection.coreServices.map(
            (key) => ({ id: lookup(coreServiceIds, key) }) as CoreService,
          ),
          createdAt,
          updatedAt: createdAt,
        }),
      );
      inspectionIds.set(inspection.key, saved.id);
    }

    const findingIds = new Map<string, number>();
    for (const finding of data.findings) {
      const saved = await this.manager.save(
        this.manager.create(Finding, {
          organisationId: organisation.id,
          inspectionId: finding.inspection ? lookup(inspectionIds, finding.inspection) : null,
          coreServiceId: finding.coreService ? lookup(coreServiceIds, finding.coreService) : null,
          keyQuestion: finding.keyQuestion ?? null,
          qualityStatement: finding.qualityStatement ?? null,
          type: finding.type,
          deadline: null,
          regulations: finding.regulations.map((r) => ({ ...r, paragraph: r.paragraph ?? null })),
          reference: finding.reference ?? null,
          text: finding.text,
          source: 'manual',
          sourceLine: null,
          sourcePage: null,
          version: 1,
          createdAt,
          updatedAt: createdAt,
        }),
      );
      findingIds.set(finding.key, saved.id);
    }

    for (const action of data.actions) await this.action(organisation.id, action, findingIds);
  }

  private async ratings(
    organisationId: number,
    coreServiceId: number | null,
    ratings?: DemoRatings,
  ): Promise<void> {
    if (!ratings) return;
    for (const scope of RATING_SCOPES) {
      const value = ratings[scope];
      if (!value) continue;
      const rating = normaliseRating(value);
      if (!rating) throw new Error(`Demo data: unknown rating "${value}"`);
      await this.manager.insert(Rating, {
        organisationId,
        coreServiceId,
        scope,
        rating,
        ratedOn: ratings.ratedOn,
        createdAt: this.ago(150),
      });
    }
  }

  private async action(
    organisationId: number,
    data: DemoAction,
    findingIds: Map<string, number>,
  ): Promise<void> {
    const createdAt = this.ago(data.createdDaysAgo);
    const ownerId = this.user(data.owner);
    const originalDueDate = addDays(this.today, data.dueInDays);
    // Created and changed through the action writer, as the API would: each change of a
    // historised column gets its revision at the instant the demo dates it.
    const [actionId] = await createActions(
      this.manager,
      [
        {
          organisationId,
          reference: data.reference,
          title: data.title,
          description: data.description ?? null,
          successMeasure: data.successMeasure ?? null,
          ownerId,
          executiveLeadId: this.user(data.lead),
          startDate: data.startInDays === undefined ? null : addDays(this.today, data.startInDays),
          dueDate: originalDueDate,
          findingIds: data.findings.map((key) => lookup(findingIds, key)),
        },
      ],
      createdAt,
      null,
    );
    const action = await this.manager.findOneByOrFail(Action, { id: actionId });

    // Replay the action's life in time order, as the API would have applied it.
    type Event = { daysAgo: number; apply: () => Promise<void> };
    const events: Event[] = [];
    const record = async (
      at: string,
      by: string,
      note: string,
      changes: Partial<Action>,
      offTrack = false,
    ) => {
      await addProgressEntry(this.manager, action, at, {
        authorId: this.user(by),
        note,
        progress: changes.progress ?? action.progress,
        statusTo: changes.status ?? null,
        offTrack,
      });
      await changeAction(this.manager, action, changes, at, null);
    };

    for (const entry of data.history) {
      events.push({
        daysAgo: entry.daysAgo,
        apply: async () => {
          const outcome = applyProgressUpdate(action, {
            progress: entry.progress,
            status: entry.status,
          });
          await record(
            this.ago(entry.daysAgo),
            entry.by,
            entry.note,
            {
              progress: outcome.progress,
              ...(outcome.statusTo ? { status: outcome.statusTo } : {}),
            },
            entry.offTrack,
          );
        },
      });
    }
    for (const change of data.dueDateChanges ?? []) {
      events.push({
        daysAgo: change.daysAgo,
        apply: async () => {
          const dueDate = addDays(this.today, change.toInDays);
          const at = this.ago(change.daysAgo);
          await addDueDateChange(
            this.manager,
            action,
            dueDate,
            change.reason,
            this.user(change.by),
            at,
          );
          await changeAction(this.manager, action, { dueDate }, at, null);
        },
      });
    }
    for (const item of data.evidence ?? []) {
      let evidenceId = 0;
      events.push({
        daysAgo: item.daysAgo,
        apply: async () => {
          const saved = await this.manager.save(
            this.manager.create(Evidence, {
              actionId: action.id,
              kind: item.kind,
              title: item.title,
              url: item.url ?? null,
              note: item.note ?? null,
              fileName: null,
              fileSha256: null,
              fileSize: null,
              category: item.category ?? null,
              submittedById: this.user(item.by),
              submittedAt: this.ago(item.daysAgo),
              reviewState: 'SUBMITTED',
              reviewedById: null,
              reviewedAt: null,
              reviewNote: null,
            }),
          );
          evidenceId = saved.id;
        },
      });
      const review = item.review;
      if (review) {
        events.push({
          daysAgo: review.daysAgo,
          apply: async () => {
            const reviewerId = this.user(review.by);
            checkEvidenceReview({
              reviewState: 'SUBMITTED',
              submittedById: this.user(item.by),
              ownerId,
              reviewerId,
            });
            await this.manager.update(
              Evidence,
              { id: evidenceId },
              {
                reviewState: review.decision,
                reviewedById: reviewerId,
                reviewedAt: this.ago(review.daysAgo),
                reviewNote: review.note,
              },
            );
          },
        });
      }
    }
    const assure = data.assure;
    if (assure) {
      events.push({
        daysAgo: assure.daysAgo,
        apply: async () => {
          const acceptedEvidence = await this.manager.countBy(Evidence, {
            actionId: action.id,
            reviewState: 'ACCEPTED',
          });
          checkAssurance({
            status: action.status,
            ownerId,
            assurerId: this.user(assure.by),
            acceptedEvidence,
          });
          await record(this.ago(assure.daysAgo), assure.by, assure.note, {
            status: 'ASSURED',
            assuredById: this.user(assure.by),
          });
        },
      });
    }
    const cancel = data.cancel;
    if (cancel) {
      events.push({
        daysAgo: cancel.daysAgo,
        apply: async () => {
          checkTransition(action.status, 'CANCELLED');
          await record(this.ago(cancel.daysAgo), cancel.by, cancel.reason, {
            status: 'CANCELLED',
            cancellationReason: cancel.reason,
          });
        },
      });
    }
    events.sort((a, b) => b.daysAgo - a.daysAgo);
    for (const event of events) await event.apply();
  }

  private user(key: string): number {
    return lookup(this.userIds, key);
  }

  /** An instant `days` before now, at the same time of day. */
  private ago(days: number): string {
    return timestampDaysBefore(this.now, days);
  }
}

function lookup(map: Map<string, number>, key: string): number {
  const id = map.get(key);
  if (id === undefined) throw new Error(`Demo data: nothing has the key "${key}"`);
  return id;
}
