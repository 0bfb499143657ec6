import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { TrustAccess } from '../auth/trust-access';
import { Organisation } from '../organisations/organisation.entity';

export interface TrustScope {
  organisations: { id: number; name: string }[];
  /** The trust the page shows: the one asked for, or the first one the tracker holds. */
  current: { id: number; name: string } | null;
}

/** Users may belong to several trusts, so the pages let them choose among theirs (`?organisationId=`), defaulting to the first. */
@Injectable()
export class TrustScopes {
  constructor(private readonly dataSource: DataSource) {}

  async resolve(requested: unknown): Promise<TrustScope> {
    // Only the trusts the person belongs to (every trust for an admin).
    const readable = TrustAccess.readableIds();
    const organisations = await this.dataSource.getRepository(Organisation).find({
      select: { id: true, name: true },
      where: readable === 'all' ? {} : { id: In(readable) },
      order: { id: 'ASC' },
    });
    const id = typeof requested === 'string' && /^\d+$/.test(requested) ? Number(requested) : null;
    const current = organisations.find((o) => o.id === id) ?? organisations[0] ?? null;
    return {
      organisations: organisations.map((o) => ({ id: o.id, name: o.name })),
      current: current ? { id: current.id, name: current.name } : null,
    };
  }
}
