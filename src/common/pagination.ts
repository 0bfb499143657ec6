import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_ID } from './validators';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export class PageQueryDto {
  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  // 1e20 is an integer to JavaScript but to no database: the offset is bounded like an id.
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_ID })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_ID)
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Swagger needs a concrete class per page type; this builds one. */
export function PageOf<T>(itemType: new () => T) {
  class PageDto {
    @ApiProperty({ type: [itemType] }) items: T[];
    @ApiProperty() total: number;
    @ApiProperty() limit: number;
    @ApiProperty() offset: number;
  }
  Object.defineProperty(PageDto, 'name', { value: `${itemType.name.replace(/Dto$/, '')}PageDto` });
  return PageDto;
}

/** One page of a query's rows and the total count, both from SQL. */
export async function fetchPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  page: PageQueryDto,
): Promise<{ rows: T[]; total: number }> {
  const [rows, total] = await query.take(page.limit).skip(page.offset).getManyAndCount();
  return { rows, total };
}

export function toPage<T>(items: T[], total: number, page: PageQueryDto): Page<T> {
  return { items, total, limit: page.limit, offset: page.offset };
}
