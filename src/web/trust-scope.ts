import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Session } from '../auth/session.entity';
import { TrustAccess } from '../auth/trust-access';
import { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions';
import { OrganisationMembership } from '../organisations/organisation-membership.entity';
import { Organisation } from '../organisations/organisation.entity';

export interface TrustScope {
  organisations: { id: number; name: string }[];
  /** The trust the page shows: the one asked for, else the one chosen earlier, else the person's own. */
  current: { id: number; name: string } | null;
}

/** The trust each request's pages resolved, for the layout's footer (web/page-renderer.ts). */
const resolvedTrust = new WeakMap<object, { id: number; name: string }>();

export function currentTrustOfRequest(): { id: number; name: string } | null {
  const state = RequestContext.current();
  return (state && resolvedTrust.get(state)) ?? null;
}

/**
 * Users may belong to several trusts, so the pages let them choose among theirs
 * (`?organisationId=`). The choice is remembered on the session (the `user_session` row, so any
 * app instance sees it) until they choose another; before any choice, a person sees their home
 * trust (their first membership; the first trust for an admin). A trust they cannot read is
 * never shown, whether asked for or remembered.
 */
@Injectable()
export class TrustScopes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  async resolve(requested: unknown): Promise<TrustScope> {
    // Only the trusts the person belongs to (every trust for an admin).
    const readable = TrustAccess.readableIds();
    const organisations = await this.dataSource.getRepository(Organisation).find({
      select: { id: true, name: true },
      where: readable === 'all' ? {} : { id: In(readable) },
      order: { id: 'ASC' },
    });
    const state = RequestContext.current();
    const sessionId = state?.sessionId;
    const asked =
      typeof requested === 'string' && /^\d+$/.test(requested) ? Number(requested) : null;
    const chosen = organisations.find((o) => o.id === asked);
    const remembered = sessionId ? await this.remembered(sessionId) : null;
    if (chosen && sessionId && chosen.id !== remembered) await this.remember(sessionId, chosen.id);
    let current = chosen ?? organisations.find((o) => o.id === remembered) ?? null;
    current ??= (await this.homeTrust(organisations)) ?? null;
    const scope = {
      organisations: organisations.map((o) => ({ id: o.id, name: o.name })),
      current: current ? { id: current.id, name: current.name } : null,
    };
    if (state && scope.current) resolvedTrust.set(state, scope.current);
    return scope;
  }

  private async remembered(sessionId: number): Promise<number | null> {
    const row = await this.dataSource
      .getRepository(Session)
      .findOne({ select: { id: true, organisationId: true }, where: { id: sessionId } });
    return row?.organisationId ?? null;
  }

  private async remember(sessionId: number, organisationId: number): Promise<void> {
    // Through the write queue like every write: SQLite has one writer, and a page read must not
    // take the connection out from under a queued transaction.
    await this.transactions.run((manager) =>
      manager.update(Session, { id: sessionId }, { organisationId }),
    );
  }

  /** The person's first membership among the readable trusts, else the first readable trust. */
  private async homeTrust(organisations: Organisation[]): Promise<Organisation | undefined> {
    const userId = RequestContext.current()?.user?.id;
    if (userId) {
      const first = await this.dataSource.getRepository(OrganisationMembership).findOne({
        select: { id: true, organisationId: true },
        where: { userId, organisationId: In(organisations.map((o) => o.id)) },
        order: { id: 'ASC' },
      });
      const home = first && organisations.find((o) => o.id === first.organisationId);
      if (home) return home;
    }
    return organisations[0];
  }
}
