import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { RATING_SCOPES, RatingScope } from '../../cqc/key-questions';
import { Rating as RatingValue, RATINGS } from '../../cqc/ratings';
import { IsOneOf, IsPastDate } from '../../common/validators';
import { Rating } from '../rating.entity';

export class RatingInputDto {
  @ApiProperty({ enum: RATING_SCOPES, description: 'A key question, or Overall' })
  @IsOneOf(RATING_SCOPES)
  scope: RatingScope;
  @ApiProperty({ enum: RATINGS }) @IsOneOf(RATINGS) rating: RatingValue;
  @ApiProperty({
    example: '2017-10-12',
    description: 'The date the rating was given: today or earlier',
  })
  @IsPastDate()
  ratedOn: string;
}

export class RatingValueDto {
  @ApiProperty({ enum: RATINGS }) rating: RatingValue;
  @ApiProperty() ratedOn: string;
}

/** The current rating for each key question and overall; null where none was given. */
export class RatingsGridDto {
  @ApiPropertyOptional({ type: RatingValueDto, nullable: true }) Safe: RatingValueDto | null;
  @ApiPropertyOptional({ type: RatingValueDto, nullable: true }) Effective: RatingValueDto | null;
  @ApiPropertyOptional({ type: RatingValueDto, nullable: true }) Caring: RatingValueDto | null;
  @ApiPropertyOptional({ type: RatingValueDto, nullable: true }) Responsive: RatingValueDto | null;
  @ApiPropertyOptional({ type: RatingValueDto, nullable: true }) 'Well-led': RatingValueDto | null;
  @ApiPropertyOptional({ type: RatingValueDto, nullable: true }) Overall: RatingValueDto | null;
}

/** Latest rating per scope, from rows in any order. */
export function toRatingsGrid(rows: Rating[]): RatingsGridDto {
  const grid = Object.fromEntries(RATING_SCOPES.map((scope) => [scope, null])) as unknown as Record<
    RatingScope,
    RatingValueDto | null
  >;
  for (const row of rows) {
    const current = grid[row.scope];
    if (!current || row.ratedOn >= current.ratedOn)
      grid[row.scope] = { rating: row.rating, ratedOn: row.ratedOn };
  }
  return grid;
}

export class AddRatingsDto {
  @ApiProperty({ type: [RatingInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RatingInputDto)
  ratings: RatingInputDto[];
}
