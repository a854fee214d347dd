import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Order } from './order.schema';

/**
 * The ends of an order's life. Each is one conditional update that also raises
 * `eventPending` (the outbox), so the status and the duty to announce it never part.
 */
@Injectable()
export class OrderStatusService {
  constructor(@InjectModel(Order.name) private readonly orders: Model<Order>) {}

  async confirm(orderId: string): Promise<void> {
    await this.orders.updateOne(
      { _id: orderId, status: 'PENDING' },
      { $set: { status: 'CONFIRMED', eventPending: true } },
    );
  }

  /** Cancels a pending order (its saga compensated) or a confirmed one (refunded). */
  async cancel(orderId: string, reason: string): Promise<void> {
    await this.orders.updateOne(
      { _id: orderId, status: { $in: ['PENDING', 'CONFIRMED'] } },
      { $set: { status: 'CANCELLED', failureReason: reason, eventPending: true } },
    );
  }
}
