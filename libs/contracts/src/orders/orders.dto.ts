import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsMongoId,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Role, Roles } from '../users/users.dto';
import { Formats } from '../common/formats';
import { IsNestedObject, IsNestedObjectArray, IsOmittable } from '../common/presence.decorators';
import { trimmed } from '../common/transforms';
import { PageQuery } from '../common/page.query';

export const OrderStatuses = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export class OrderItemInput {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718', pattern: Formats.objectId.source })
  @IsMongoId()
  productId: string;

  @ApiProperty({ type: 'integer', example: 2, minimum: 1, maximum: 100 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}

export class ShippingAddress {
  @ApiProperty({
    example: 'Ada Lovelace',
    minLength: 1,
    maxLength: 100,
    pattern: Formats.nonBlank.source,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  recipient: string;

  @ApiProperty({
    example: '12 St James Square',
    minLength: 1,
    maxLength: 200,
    pattern: Formats.nonBlank.source,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  line1: string;

  @ApiProperty({
    example: 'London',
    minLength: 1,
    maxLength: 100,
    pattern: Formats.nonBlank.source,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  city: string;

  @ApiProperty({
    example: 'SW1Y 4JH',
    minLength: 1,
    maxLength: 20,
    pattern: Formats.nonBlank.source,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  postalCode: string;

  @ApiProperty({
    description: 'ISO 3166-1 alpha-2',
    example: 'GB',
    pattern: Formats.country.source,
  })
  @Matches(Formats.country, { message: 'country must be an ISO 3166-1 alpha-2 code such as GB' })
  country: string;
}

/** Body of `POST /api/orders`. */
export class PlaceOrderBody {
  @ApiProperty({ type: [OrderItemInput], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsNestedObjectArray(() => OrderItemInput)
  items: OrderItemInput[];

  @ApiProperty({
    description:
      'A payment token. Simulated processor: tok_visa, tok_declined, tok_insufficient_funds, tok_flaky',
    example: 'tok_visa',
    pattern: Formats.paymentToken.source,
  })
  @IsString()
  @Matches(Formats.paymentToken, {
    message: 'paymentMethod must be a payment token such as tok_visa',
  })
  paymentMethod: string;

  @ApiProperty({ type: ShippingAddress })
  @IsNestedObject(() => ShippingAddress)
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
  @IsNestedObject(() => Requester)
  requester: Requester;

  /** The client's `Idempotency-Key`: the same key from the same user returns the same order. */
  @IsOmittable()
  @Matches(Formats.idempotencyKey, {
    message: 'Idempotency-Key may hold 1 to 128 letters, digits and . _ : -',
  })
  idempotencyKey?: string;
}

export class GetOrderQuery {
  @IsMongoId()
  orderId: string;

  @IsNestedObject(() => Requester)
  requester: Requester;
}

/** Query string of `GET /api/orders`. */
export class ListOrdersFilter extends PageQuery {}

export class ListOrdersQuery extends ListOrdersFilter {
  @IsNestedObject(() => Requester)
  requester: Requester;
}

export class CancelOrderCommand extends GetOrderQuery {}

export class OrderItemView {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60718', pattern: Formats.objectId.source })
  productId: string;
  @ApiProperty({ example: 'Espresso cup' }) name: string;
  @ApiProperty({ type: 'integer', example: 2 }) quantity: number;
  @ApiProperty({
    type: 'integer',
    description: 'Price per unit when the order was placed, minor units',
    example: 1250,
  })
  unitPriceMinor: number;
}

export class SagaStepView {
  @ApiProperty({ example: 'reserve-inventory' }) step: string;
  @ApiProperty({ example: 'SUCCEEDED' }) outcome: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.120Z' }) at: string;
  @ApiPropertyOptional({ description: 'Why the step failed', example: 'Payment declined' })
  error?: string;
}

export class OrderView {
  @ApiProperty({ example: '6745f0c2a1b2c3d4e5f60719', pattern: Formats.objectId.source })
  id: string;
  @ApiProperty({ format: 'uuid', example: '0b7e3c1e-4f2a-4d6b-9c58-2f1a7e9d3b40' })
  userId: string;
  @ApiProperty({ enum: OrderStatuses, example: 'PENDING' }) status: OrderStatus;
  @ApiProperty({ type: [OrderItemView] }) items: OrderItemView[];
  @ApiProperty({ type: 'integer', example: 2500 }) totalMinor: number;
  @ApiProperty({ example: 'EUR', pattern: Formats.currency.source }) currency: string;
  @ApiProperty({ type: ShippingAddress }) shippingAddress: ShippingAddress;
  @ApiPropertyOptional({ example: 'Payment declined: card_declined' }) failureReason?: string;
  @ApiProperty({
    description: 'True once a cancellation of the confirmed order was requested',
    example: false,
  })
  cancellationRequested: boolean;
  @ApiProperty({ type: [SagaStepView] }) steps: SagaStepView[];
  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.480Z' }) updatedAt: string;
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
