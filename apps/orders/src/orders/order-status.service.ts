import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { OrderEvents } from '@shop/contracts';
import { ClsService } from 'nestjs-cls';
import { Model } from 'mongoose';
import { Order, OrderOutboxEntry } from './order.schema';

/**
 * The ends of an order's life. Each is one conditional update that also pushes the event into
 * the order's outbox, so the status and the duty to announce it never part.
 */
@Injectable()
export class OrderStatusService {
  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly cls: ClsService,
  ) {}

  async confirm(orderId: string): Promise<void> {
    await this.orders.updateOne(
      { _id: orderId, status: 'PENDING' },
      {
        $set: { status: 'CONFIRMED', eventPending: true },
        $push: { outbox: this.announcing(OrderEvents.confirmed) },
      },
    );
  }

  /** Cancels a pending order (its saga compensated) or a confirmed one (refunded). */
  async cancel(orderId: string, reason: string): Promise<void> {
    await this.orders.updateOne(
      { _id: orderId, status: { $in: ['PENDING', 'CONFIRMED'] } },
      {
        $set: { status: 'CANCELLED', failureReason: reason, eventPending: true },
        $push: { outbox: this.announcing(OrderEvents.cancelled) },
      },
    );
  }

  /** The saga step's context carries the request that started the saga. */
  private announcing(pattern: string): OrderOutboxEntry {
    const correlationId = this.cls.isActive() ? this.cls.getId() : undefined;
    return { pattern, ...(correlationId && { correlationId }) };
  }
}
