import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsMongoId,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Formats } from '../common/formats';
import { IsOmittable } from '../common/presence.decorators';
import { trimmed } from '../common/transforms';
import { PageQuery } from '../common/page.query';

export const MAX_PRICE_MINOR = 100_000_000;
export const MAX_STOCK = 1_000_000;

export class CreateProductCommand {
  @ApiProperty({
    example: 'Espresso cup',
    minLength: 1,
    maxLength: 200,
    pattern: Formats.nonBlank.source,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'Porcelain, 80 ml', maxLength: 2000 })
  @IsOmittable()
  @IsString()
  @MaxLength(2_000)
  description?: string;

  @ApiProperty({
    type: 'integer',
    description: 'Price in minor units (cents)',
    example: 1250,
    minimum: 0,
    maximum: MAX_PRICE_MINOR,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  priceMinor: number;

  @ApiProperty({ description: 'ISO 4217 code', example: 'EUR', pattern: Formats.currency.source })
  @Matches(Formats.currency, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @ApiProperty({
    type: 'integer',
    description: 'Units available for sale',
    example: 20,
    minimum: 0,
    maximum: MAX_STOCK,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock: number;
}

/** Body of `PATCH /api/products/:id`: price, name or stock; stock sets the units available. */
export class UpdateProductBody {
  @ApiPropertyOptional({
    example: 'Espresso cup, white',
    minLength: 1,
    maxLength: 200,
    pattern: Formats.nonBlank.source,
  })
  @IsOmittable()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', example: 1300, minimum: 0, maximum: MAX_PRICE_MINOR })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  priceMinor?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'New number of units available for sale',
    example: 25,
    minimum: 0,
    maximum: MAX_STOCK,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock?: number;
}

export class UpdateProductCommand extends UpdateProductBody {
  @IsMongoId()
  productId: string;
}

export class GetProductQuery {
  @IsMongoId()
  productId: string;
}

export class ListProductsQuery extends PageQuery {}

export class ProductView {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718', pattern: Formats.objectId.source })
  id: string;

  @ApiProperty({ example: 'Espresso cup' })
  name: string;

  @ApiProperty({ example: 'Porcelain, 80 ml' })
  description: string;

  @ApiProperty({ type: 'integer', example: 1250 })
  priceMinor: number;

  @ApiProperty({ example: 'EUR', pattern: Formats.currency.source })
  currency: string;

  @ApiProperty({ type: 'integer', description: 'Units available for sale now', example: 20 })
  stock: number;
}
