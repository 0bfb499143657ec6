import { DataSource, IsNull, Not } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { nowTimestamp } from '../common/dates';
import { Transactions } from '../database/transactions';
import { Organisation } from '../organisations/organisation.entity';
import { CqcApiClient, CqcApiError } from './cqc-api.client';
import { detectChanges, DetectedChange } from './cqc-changes';
import { CqcInboxItem, CqcWatchState } from './cqc-inbox-item.entity';

/** The first poll, with no watermark yet, looks back this far. */
export const FIRST_POLL_DAYS = 7;
const WATERMARK = 'changes';

export interface WatchSummary {
  /** False when another poll was still running (nothing was done). */
  ran: boolean;
  from: string | null;
  to: string | null;
  trusts: number;
  changedProviders: number;
  changedLocations: number;
  recordsRead: number;
  created: number;
  requests: number;
  /** Trusts skipped, and why (a provider id CQC does not know). */
  problems: string[];
}

/**
 * Polls CQC's changes feed since the last poll for the trusts the tracker holds (those with a
 * CQC provider id) and files what it finds in the inbox, once per dedupe key: polling twice
 * creates nothing new. The watermark moves only when a poll finishes, so a failed poll is
 * retried from the same point. Used by `cli cqc watch` and by the app's own timer.
 */
export class CqcWatcher {
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly newClient: () => CqcApiClient,
  ) {}

  async watchOnce(now: Date = new Date()): Promise<WatchSummary> {
    const idle: WatchSummary = {
      ran: false,
      from: null,
      to: null,
      trusts: 0,
      changedProviders: 0,
      changedLocations: 0,
      recordsRead: 0,
      created: 0,
      requests: 0,
      problems: [],
    };
    if (this.running) return idle;
    this.running = true;
    try {
      return await this.poll(now);
    } finally {
      this.running = false;
    }
  }

  private async poll(now: Date): Promise<WatchSummary> {
    // The client refuses a missing key before any request; make it before reading anything.
    const client = this.newClient();
    client.requireKey();
    const state = await this.dataSource.getRepository(CqcWatchState).findOneBy({ name: WATERMARK });
    const start = state
      ? new Date(state.lastEnd)
      : new Date(now.getTime() - FIRST_POLL_DAYS * 86_400_000);
    const end = now;
    const since = start.toISOString().slice(0, 10);
    const trusts = await this.dataSource.getRepository(Organisation).find({
      where: { cqcProviderId: Not(IsNull()) },
      select: { id: true, cqcProviderId: true },
      order: { id: 'ASC' },
    });

    const found: (DetectedChange & { organisationId: number })[] = [];
    let changedProviders = 0;
    let changedLocations = 0;
    let recordsRead = 0;
    const problems: string[] = [];
    if (trusts.length > 0) {
      const providers = new Set(await client.changes('provider', start, end));
      const locations = new Set(await client.changes('location', start, end));
      changedProviders = providers.size;
      changedLocations = locations.size;
      for (const trust of trusts) {
        const providerId = trust.cqcProviderId!;
        const records: ['provider' | 'location', Record<string, unknown>][] = [];
        try {
          if (providers.has(providerId)) {
            records.push(['provider', await client.provider(providerId)]);
          }
          if (locations.size > 0) {
            for (const locationId of await client.providerLocationIds(providerId)) {
              if (locations.has(locationId)) {
                records.push(['location', await client.location(locationId)]);
              }
            }
          }
        } catch (error) {
          // One trust with a provider id CQC does not know must not stop the others' news.
          if (!(error instanceof CqcApiError) || error.kind !== 'NOT_FOUND') throw error;
          problems.push(`Trust ${trust.id} (CQC provider ${providerId}): ${error.message}`);
        }
        recordsRead += records.length;
        for (const [type, record] of records) {
          for (const change of detectChanges(record, type, since)) {
            found.push({ ...change, organisationId: trust.id });
          }
        }
      }
    }

    const created = await this.transactions.run(async (manager) => {
      const repo = manager.getRepository(CqcInboxItem);
      let count = 0;
      const at = nowTimestamp();
      for (const change of found) {
        const exists = await repo.exists({
          where: { organisationId: change.organisationId, dedupeKey: change.dedupeKey },
        });
        if (exists) continue;
        const item = await repo.save(
          repo.create({ ...change, status: 'OPEN', createdAt: at, importId: null }),
        );
        count++;
        await this.audit.record(manager, {
          action: 'create',
          entity: 'cqc_inbox_item',
          entityId: item.id,
          after: { kind: item.kind, subjectId: item.subjectId, summary: item.summary },
          organisationId: item.organisationId,
          actorId: null,
          summary: item.summary,
        });
        if (change.kind === 'REPORT_PUBLISHED') {
          // The report that was expected has come: its "report expected" item is done.
          await repo.update(
            {
              organisationId: change.organisationId,
              subjectType: change.subjectType,
              subjectId: change.subjectId,
              kind: 'REPORT_EXPECTED',
              status: 'OPEN',
            },
            { status: 'SUPERSEDED', decidedAt: at },
          );
        }
      }
      await manager
        .getRepository(CqcWatchState)
        .save({ name: WATERMARK, lastEnd: end.toISOString(), updatedAt: at });
      return count;
    });

    return {
      ran: true,
      from: start.toISOString(),
      to: end.toISOString(),
      trusts: trusts.length,
      changedProviders,
      changedLocations,
      recordsRead,
      created,
      requests: client.requestCount,
      problems,
    };
  }
}
