import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Formats } from '../common/formats';
import { PageQuery } from '../common/page.query';
import { IsOmittable } from '../common/presence.decorators';

export const PaymentStatuses = [
  'AUTHORIZED',
  'DECLINED',
  'CAPTURED',
  'VOIDED',
  'REFUNDED',
] as const;
export type PaymentStatus = (typeof PaymentStatuses)[number];

const CURRENCY_PATTERN = Formats.currency;

const REFERENCE_MESSAGE = (field: string) => `${field} may hold only letters, digits and . _ : -`;

/** Every command carries the caller's key, e.g. `${sagaId}:authorize-payment`. */
class PaymentCommand {
  @ApiProperty({
    example: '6f9c1c2e-saga:authorize-payment',
    minLength: 1,
    maxLength: 200,
    pattern: Formats.reference.source,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(Formats.reference, { message: REFERENCE_MESSAGE('idempotencyKey') })
  idempotencyKey: string;

  /** The one payment of an order is addressed by the order's id. */
  @ApiProperty({
    example: '674a1f0c9d3e2b0012345678',
    minLength: 1,
    maxLength: 64,
    pattern: Formats.reference.source,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(Formats.reference, { message: REFERENCE_MESSAGE('orderId') })
  orderId: string;
}

export class AuthorizePaymentCommand extends PaymentCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;

  @ApiProperty({
    type: 'integer',
    description: 'Amount in minor units (cents)',
    example: 4_999,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;

  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN.source })
  @IsString()
  @Matches(CURRENCY_PATTERN, {
    message: 'currency must be an ISO 4217 code of three upper-case letters',
  })
  currency: string;

  @ApiProperty({
    description: 'A token of the payment processor',
    example: 'tok_visa',
    pattern: Formats.paymentToken.source,
  })
  @IsString()
  @Matches(Formats.paymentToken, {
    message: 'paymentMethod must be a payment token such as tok_visa',
  })
  paymentMethod: string;
}

export class CapturePaymentCommand extends PaymentCommand {}

export class VoidPaymentCommand extends PaymentCommand {
  @ApiPropertyOptional({ example: 'out of stock', minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason?: string;
}

export class RefundPaymentCommand extends PaymentCommand {
  @ApiPropertyOptional({ example: 'order cancelled by the customer', minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason?: string;
}

/** Query string of `GET /api/payments`: unknown fields are refused. */
export class ListPaymentsFilter extends PageQuery {
  @ApiPropertyOptional({
    example: '674a1f0c9d3e2b0012345678',
    minLength: 1,
    maxLength: 64,
    pattern: Formats.reference.source,
  })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(Formats.reference, { message: REFERENCE_MESSAGE('orderId') })
  orderId?: string;
}

export class ListPaymentsQuery extends ListPaymentsFilter {
  @IsUUID()
  userId: string;
}

/** Query string of `GET /api/invoices`. */
export class ListInvoicesFilter extends PageQuery {}

export class ListInvoicesQuery extends ListInvoicesFilter {
  @IsUUID()
  userId: string;
}

export class PaymentView {
  @ApiProperty({ format: 'uuid', example: '5d2f8a7c-1b3e-4c9d-8e6f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: '674a1f0c9d3e2b0012345678' })
  orderId: string;

  /**
   * Absent only on a VOIDED tombstone: a void that arrived before any authorization of the
   * order, kept so that a late authorization is refused. The same holds for amount and currency.
   */
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Absent on a void that came before any authorization',
    example: '0b7e3c1e-4f2a-4d6b-9c58-2f1a7e9d3b40',
  })
  userId?: string;

  @ApiProperty({ enum: PaymentStatuses, example: 'AUTHORIZED' })
  status: PaymentStatus;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Amount in minor units (cents)',
    example: 4_999,
  })
  amountMinor?: number;

  @ApiPropertyOptional({ example: 'EUR', pattern: CURRENCY_PATTERN.source })
  currency?: string;

  @ApiPropertyOptional({
    description: 'Why the processor declined, when status is DECLINED',
    example: 'card_declined',
  })
  declineReason?: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:01.000Z' })
  updatedAt: string;
}

export class InvoiceView {
  @ApiProperty({ format: 'uuid', example: '9a4c6e2b-7d1f-4a3b-8c5d-6e7f8a9b0c1d' })
  id: string;

  @ApiProperty({ example: 'INV-000123' })
  number: string;

  @ApiProperty({ format: 'uuid', example: '5d2f8a7c-1b3e-4c9d-8e6f-0a1b2c3d4e5f' })
  paymentId: string;

  @ApiProperty({ example: '674a1f0c9d3e2b0012345678' })
  orderId: string;

  @ApiProperty({ format: 'uuid', example: '0b7e3c1e-4f2a-4d6b-9c58-2f1a7e9d3b40' })
  userId: string;

  @ApiProperty({ type: 'integer', description: 'Amount in minor units (cents)', example: 4_999 })
  amountMinor: number;

  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN.source })
  currency: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:01.000Z' })
  issuedAt: string;

  @ApiPropertyOptional({
    description: 'When the payment was refunded; the invoice then counts as credited',
    format: 'date-time',
    example: '2026-11-26T09:00:00.000Z',
  })
  refundedAt?: string;
}

/** Body of `payment.captured.v1` and `payment.refunded.v1`; consumers dedupe on paymentId + event. */
export interface PaymentEvent {
  paymentId: string;
  orderId: string;
  userId: string;
  amountMinor: number;
  currency: string;
  /** The invoice of a capture; a refund credits the same one. */
  invoiceNumber: string;
}
