import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { trimmed } from '../common/transforms';
import { PageQuery } from '../common/page.query';

export const MAX_PRICE_MINOR = 100_000_000;
export const MAX_STOCK = 1_000_000;

export class CreateProductCommand {
  @ApiProperty({ example: 'Espresso cup', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'Porcelain, 80 ml', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  description?: string;

  @ApiProperty({ description: 'Price in minor units (cents)', example: 1250, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  priceMinor: number;

  @ApiProperty({ description: 'ISO 4217 code', example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @ApiProperty({ description: 'Units available for sale', example: 20, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock: number;
}

/** Body of `PATCH /api/products/:id`: price, name or stock; stock sets the units available. */
export class UpdateProductBody {
  @ApiPropertyOptional({ example: 'Espresso cup, white' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 1300, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  priceMinor?: number;

  @ApiPropertyOptional({
    description: 'New number of units available for sale',
    example: 25,
    minimum: 0,
  })
  @IsOptional()
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
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718' })
  id: string;

  @ApiProperty({ example: 'Espresso cup' })
  name: string;

  @ApiProperty({ example: 'Porcelain, 80 ml' })
  description: string;

  @ApiProperty({ example: 1250 })
  priceMinor: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ description: 'Units available for sale now', example: 20 })
  stock: number;
}
