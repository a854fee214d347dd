import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { OrderEvent, OrderEvents } from '@shop/contracts';
import { DomainEventPublisher, OutboxRelay } from '@shop/platform';
import { Model, Types } from 'mongoose';
import { TaskLeases } from '../leases/task-leases';
import { Order, OrderOutboxEntry } from './order.schema';

const BATCH_SIZE = 50;
const RELAY_TASK = 'order-events-relay';
// Five polls: a replica that died holding it delays events by at most this much.
const RELAY_LEASE_MS = 5_000;

/** The event as of the moment it happened: a confirmed order cancelled since was confirmed then. */
function eventOf(order: Order & { _id: Types.ObjectId }, pattern: string): OrderEvent {
  const status = pattern === OrderEvents.confirmed ? 'CONFIRMED' : 'CANCELLED';
  return {
    orderId: order._id.toHexString(),
    userId: order.userId,
    status,
    totalMinor: order.totalMinor,
    currency: order.currency,
    ...(status === 'CANCELLED' && order.failureReason && { reason: order.failureReason }),
  };
}

/**
 * Publishes every event in the outbox of an order (`order.cancelled`; `order.confirmed` is
 * announced by the place-order saga itself, see OrderStatusService.confirm, but an outbox may
 * still hold one written before), in the order they happened, under the correlation id and trace of the
 * request that caused each, then removes them. At least once: a crash between publish and removal publishes again, so
 * consumers dedupe on orderId + pattern. One replica at a time relays (a task lease), so
 * replicas do not publish the same events twice.
 */
@Injectable()
export class OrderEventsRelay extends OutboxRelay {
  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    publisher: DomainEventPublisher,
    private readonly leases: TaskLeases,
  ) {
    super('order events', publisher);
  }

  async relayPending(): Promise<number> {
    if (!(await this.leases.tryHold(RELAY_TASK, RELAY_LEASE_MS))) return 0;
    const pending = await this.orders.find({ eventPending: true }).limit(BATCH_SIZE).lean();
    for (const order of pending) {
      const announced = order.outbox ?? [];
      for (const { pattern, correlationId, traceContext } of announced)
        await this.publisher.publish(pattern, eventOf(order, pattern), {
          correlationId,
          traceContext,
        });
      await this.remove(order._id, announced);
    }
    return pending.length;
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    // A rollout hands the relay on at the next tick; if the connection is gone, it expires.
    await this.leases.release(RELAY_TASK).catch(() => undefined);
  }

  /** Removes what was announced; an event pushed meanwhile stays, and with it the flag. */
  private async remove(orderId: Types.ObjectId, announced: OrderOutboxEntry[]): Promise<void> {
    const { modifiedCount } = await this.orders.updateOne(
      announced.length > 0
        ? { _id: orderId, outbox: announced }
        : { _id: orderId, 'outbox.0': { $exists: false } },
      { $set: { outbox: [], eventPending: false } },
    );
    if (modifiedCount === 0 && announced.length > 0)
      await this.orders.updateOne({ _id: orderId }, { $pullAll: { outbox: announced } });
  }
}
