import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Role, Roles } from '../users/users.dto';
import { trimmed } from '../common/transforms';
import { PageQuery } from '../common/page.query';

export const OrderStatuses = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export class OrderItemInput {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718' })
  @IsMongoId()
  productId: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 100 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}

export class ShippingAddress {
  @ApiProperty({ example: 'Ada Lovelace' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  recipient: string;

  @ApiProperty({ example: '12 St James Square' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  line1: string;

  @ApiProperty({ example: 'London' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  city: string;

  @ApiProperty({ example: 'SW1Y 4JH' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  postalCode: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as GB' })
  country: string;
}

/** Body of `POST /api/orders`. */
export class PlaceOrderBody {
  @ApiProperty({ type: [OrderItemInput], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OrderItemInput)
  items: OrderItemInput[];

  @ApiProperty({
    description:
      'A payment token. Simulated processor: tok_visa, tok_declined, tok_insufficient_funds, tok_flaky',
    example: 'tok_visa',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_]{1,64}$/, {
    message: 'paymentMethod must be a payment token such as tok_visa',
  })
  paymentMethod: string;

  @ApiProperty({ type: ShippingAddress })
  @ValidateNested()
  @Type(() => ShippingAddress)
  shippingAddress: ShippingAddress;
}

/** Who asks: orders are visible to their owner and to admins. */
export class Requester {
  @IsUUID()
  userId: string;

  @IsIn(Roles)
  role: Role;
}

export class PlaceOrderCommand extends PlaceOrderBody {
  @ValidateNested()
  @Type(() => Requester)
  requester: Requester;

  /** The client's `Idempotency-Key`: the same key from the same user returns the same order. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, {
    message: 'Idempotency-Key may hold 1 to 128 letters, digits and . _ : -',
  })
  idempotencyKey?: string;
}

export class GetOrderQuery {
  @IsMongoId()
  orderId: string;

  @ValidateNested()
  @Type(() => Requester)
  requester: Requester;
}

/** Query string of `GET /api/orders`. */
export class ListOrdersFilter extends PageQuery {}

export class ListOrdersQuery extends ListOrdersFilter {
  @ValidateNested()
  @Type(() => Requester)
  requester: Requester;
}

export class CancelOrderCommand extends GetOrderQuery {}

export class OrderItemView {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718' }) productId: string;
  @ApiProperty({ example: 'Espresso cup' }) name: string;
  @ApiProperty({ example: 2 }) quantity: number;
  @ApiProperty({
    description: 'Price per unit when the order was placed, minor units',
    example: 1250,
  })
  unitPriceMinor: number;
}

export class SagaStepView {
  @ApiProperty({ example: 'reserve-inventory' }) step: string;
  @ApiProperty({ example: 'SUCCEEDED' }) outcome: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.120Z' }) at: string;
  @ApiPropertyOptional({ description: 'Why the step failed', example: 'Payment declined' })
  error?: string;
}

export class OrderView {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60719' }) id: string;
  @ApiProperty({ format: 'uuid', example: '0b7e3c1e-4f2a-4d6b-9c58-2f1a7e9d3b40' })
  userId: string;
  @ApiProperty({ enum: OrderStatuses, example: 'PENDING' }) status: OrderStatus;
  @ApiProperty({ type: [OrderItemView] }) items: OrderItemView[];
  @ApiProperty({ example: 2500 }) totalMinor: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: ShippingAddress }) shippingAddress: ShippingAddress;
  @ApiPropertyOptional({ example: 'Payment declined: card_declined' }) failureReason?: string;
  @ApiProperty({
    description: 'True once a cancellation of the confirmed order was requested',
    example: false,
  })
  cancellationRequested: boolean;
  @ApiProperty({ type: [SagaStepView] }) steps: SagaStepView[];
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.480Z' }) updatedAt: string;
}

/** Payload of `order.confirmed` and `order.cancelled`. */
export interface OrderEvent {
  orderId: string;
  userId: string;
  status: OrderStatus;
  totalMinor: number;
  currency: string;
  reason?: string;
}
