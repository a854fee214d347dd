import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOmittable } from './presence.decorators';
import { queryInteger } from './transforms';

/** How many items a list answers when the caller does not say. */
export const DEFAULT_PAGE_SIZE = 50;

/** Beyond this a list is not paged through but scraped; the database would skip that far. */
export const MAX_OFFSET = 1_000_000;

/** `?limit&offset` of every list: no answer grows with the data. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: 100 })
  @IsOmittable()
  @Transform(queryInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0, maximum: MAX_OFFSET })
  @IsOmittable()
  @Transform(queryInteger)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}
