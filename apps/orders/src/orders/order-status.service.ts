import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { OrderEvent, OrderEvents } from '@shop/contracts';
import { DomainEventPublisher, captureTraceContext } from '@shop/platform';
import { ClsService } from 'nestjs-cls';
import { Collection, Model, Types } from 'mongoose';
import { Order, OrderOutboxEntry } from './order.schema';

/** What an order's events say about it, whatever status they announce. */
export type AnnouncedOrder = Pick<OrderEvent, 'orderId' | 'userId' | 'totalMinor' | 'currency'>;

/**
 * The ends of an order's life as its events announce them. A cancellation is one conditional
 * update of the order (through the driver's collection: the filters and values are in stored
 * form already, so the model's casting would be wasted work; `updatedAt` is set here, as the
 * schema's timestamps would); the confirmation rides on the place-order saga's last write.
 */
@Injectable()
export class OrderStatusService {
  private readonly orders: Collection<Order>;

  constructor(
    @InjectModel(Order.name) orders: Model<Order>,
    private readonly events: DomainEventPublisher,
    private readonly cls: ClsService,
  ) {
    this.orders = orders.db.collection<Order>(orders.collection.collectionName);
  }

  /**
   * Announces the confirmation. Only the place-order saga's last step calls this, and the saga
   * retries that step until it succeeds, so the event is published at least once without an
   * outbox entry (and the relay's write to remove it): the saga's persisted step is the duty
   * to announce. The saga's completion then confirms the order, in the write that records it
   * (saga-homes.ts). Announced before the status changes, the first copy always precedes any
   * cancellation of the order, which needs it CONFIRMED; a repeat after a crash may come
   * later, and consumers dedupe on orderId + pattern.
   */
  async announceConfirmation(
    { orderId, userId, totalMinor, currency }: AnnouncedOrder,
    correlationId?: string,
  ): Promise<void> {
    const event: OrderEvent = { orderId, userId, status: 'CONFIRMED', totalMinor, currency };
    await this.events.publish(OrderEvents.confirmed, event, { correlationId });
  }

  /**
   * Cancels a pending order (its saga compensated) or a confirmed one (refunded). The same
   * update pushes the event into the order's outbox, so the status and the duty to announce it
   * never part; the relay publishes it.
   */
  async cancel(orderId: string, reason: string): Promise<void> {
    await this.orders.updateOne(
      { _id: new Types.ObjectId(orderId), status: { $in: ['PENDING', 'CONFIRMED'] } },
      {
        $set: {
          status: 'CANCELLED',
          failureReason: reason,
          eventPending: true,
          updatedAt: new Date(),
        },
        $push: { outbox: this.announcing(OrderEvents.cancelled) },
      },
    );
  }

  /** The saga step's context carries the request that started the saga, and its trace. */
  private announcing(pattern: string): OrderOutboxEntry {
    const correlationId = this.cls.isActive() ? this.cls.getId() : undefined;
    const traceContext = captureTraceContext();
    return {
      pattern,
      ...(correlationId && { correlationId }),
      ...(traceContext && { traceContext }),
    };
  }
}
