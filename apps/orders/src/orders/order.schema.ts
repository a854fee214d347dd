import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OrderStatus, OrderStatuses } from '@shop/contracts';
import type { TraceCarrier } from '@shop/platform';
import { Types } from 'mongoose';

@Schema({ _id: false, versionKey: false })
export class OrderItem {
  @Prop({ required: true }) productId: string;
  @Prop({ required: true }) name: string;
  @Prop({ required: true }) quantity: number;
  @Prop({ required: true }) unitPriceMinor: number;
}

@Schema({ _id: false, versionKey: false })
export class OrderAddress {
  @Prop({ required: true }) recipient: string;
  @Prop({ required: true }) line1: string;
  @Prop({ required: true }) city: string;
  @Prop({ required: true }) postalCode: string;
  @Prop({ required: true }) country: string;
}

/** An event the order still has to announce, with the request that caused it. */
@Schema({ _id: false, versionKey: false })
export class OrderOutboxEntry {
  @Prop({ required: true }) pattern: string;
  @Prop() correlationId?: string;
  /** W3C trace context of the saga step that caused the event; absent without tracing. */
  @Prop({ type: Object }) traceContext?: TraceCarrier;
}

/**
 * An order with a snapshot of its prices. `outbox` holds the events still to announce, in the
 * order they happened: a status change pushes its event in the same update, and the relay
 * removes what it published. `eventPending` is raised with every push, so the relay finds
 * such orders by an equality our MongoDB stand-in pushes down to PostgreSQL.
 */
@Schema({ collection: 'orders', timestamps: true, versionKey: false })
export class Order {
  @Prop({ required: true, index: true }) userId: string;
  /** The client's Idempotency-Key, or the order's own id when none was given. */
  @Prop({ required: true }) idempotencyKey: string;
  @Prop({ type: [OrderItem], required: true }) items: OrderItem[];
  @Prop({ required: true }) totalMinor: number;
  @Prop({ required: true }) currency: string;
  @Prop({ type: OrderAddress, required: true }) shippingAddress: OrderAddress;
  @Prop({ required: true }) paymentMethod: string;
  /** The request that placed the order: its sagas' steps and events carry it on. */
  @Prop() correlationId?: string;
  /**
   * W3C trace context of that request, so that a saga the sweeper starts for an order stored
   * without one belongs to the order's trace; absent without tracing.
   */
  @Prop({ type: Object }) traceContext?: TraceCarrier;
  @Prop({ type: String, enum: OrderStatuses, required: true, default: 'PENDING' })
  status: OrderStatus;
  @Prop() failureReason?: string;
  @Prop({ default: false }) cancellationRequested: boolean;
  @Prop({ type: [OrderOutboxEntry], default: [] }) outbox: OrderOutboxEntry[];
  @Prop({ default: false, index: true }) eventPending: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An order as read with `lean()`. */
export type StoredOrder = Order & { _id: Types.ObjectId };
export const OrderSchema = SchemaFactory.createForClass(Order);
OrderSchema.index({ userId: 1, idempotencyKey: 1 }, { unique: true });
// The unstarted-orders sweeper looks for old PENDING orders: on MongoDB it must not walk the
// finished ones (our stand-in pushes the status equality down to PostgreSQL instead).
OrderSchema.index({ status: 1, createdAt: 1 });
