import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { OrderEvent, OrderEvents } from '@shop/contracts';
import { DomainEventPublisher } from '@shop/platform';
import { Model } from 'mongoose';
import { Order } from './order.schema';

// A scan of the orders' outbox flag; once a second keeps events prompt and the store calm.
const POLL_INTERVAL_MS = 1_000;
const BATCH_SIZE = 50;

/**
 * Publishes `order.confirmed` / `order.cancelled` for orders whose status changed (the
 * `eventPending` outbox flag), then clears the flag. At least once: a crash between publish
 * and clear publishes again, so consumers dedupe on orderId + status.
 */
@Injectable()
export class OrderEventsRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderEventsRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly publisher: DomainEventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.relayPending()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn(`Publishing order events failed; will retry: ${String(error)}`),
        )
        .finally(() => (this.running = undefined));
    }, POLL_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.publisher.close();
  }

  async relayPending(): Promise<number> {
    const pending = await this.orders.find({ eventPending: true }).limit(BATCH_SIZE).lean();
    for (const order of pending) {
      if (order.status === 'PENDING') continue;
      const event: OrderEvent = {
        orderId: order._id.toHexString(),
        userId: order.userId,
        status: order.status,
        totalMinor: order.totalMinor,
        currency: order.currency,
        ...(order.failureReason && { reason: order.failureReason }),
      };
      await this.publisher.publish(
        order.status === 'CONFIRMED' ? OrderEvents.confirmed : OrderEvents.cancelled,
        event,
      );
      // Only clear the flag for the status just announced; a newer change keeps it raised.
      await this.orders.updateOne(
        { _id: order._id, status: order.status, eventPending: true },
        { $set: { eventPending: false } },
      );
    }
    return pending.length;
  }
}
