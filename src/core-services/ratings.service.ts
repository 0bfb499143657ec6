import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { nowTimestamp } from '../common/dates';
import { RatingInputDto, RatingsGridDto, toRatingsGrid } from './dto/rating.dto';
import { Rating } from './rating.entity';

/** Ratings are appended, never overwritten: each carries the date it was given. */
@Injectable()
export class RatingsService {
  constructor(
    @InjectRepository(Rating) private readonly ratings: Repository<Rating>,
    private readonly audit: AuditService,
  ) {}

  async add(
    manager: EntityManager,
    organisationId: number,
    coreServiceId: number | null,
    inputs: RatingInputDto[],
  ): Promise<void> {
    if (!inputs.length) return;
    const createdAt = nowTimestamp();
    const rows = inputs.map((input) => ({ organisationId, coreServiceId, ...input, createdAt }));
    await manager.insert(Rating, rows);
    await this.audit.record(manager, {
      action: 'create',
      entity: 'rating',
      entityId:
        coreServiceId === null ? `organisation:${organisationId}` : `core_service:${coreServiceId}`,
      after: { ratings: rows.map((row) => `${row.scope}: ${row.rating} (${row.ratedOn})`) },
    });
  }

  async trustGrids(organisationIds: number[]): Promise<Map<number, RatingsGridDto>> {
    const rows = organisationIds.length
      ? await this.ratings.findBy({ organisationId: In(organisationIds), coreServiceId: IsNull() })
      : [];
    return groupIntoGrids(organisationIds, rows, (row) => row.organisationId);
  }

  async gridsByCoreService(coreServiceIds: number[]): Promise<Map<number, RatingsGridDto>> {
    const rows = coreServiceIds.length
      ? await this.ratings.findBy({ coreServiceId: In(coreServiceIds) })
      : [];
    return groupIntoGrids(coreServiceIds, rows, (row) => row.coreServiceId);
  }
}

function groupIntoGrids(
  ids: number[],
  rows: Rating[],
  keyOf: (row: Rating) => number | null,
): Map<number, RatingsGridDto> {
  return new Map(ids.map((id) => [id, toRatingsGrid(rows.filter((row) => keyOf(row) === id))]));
}
