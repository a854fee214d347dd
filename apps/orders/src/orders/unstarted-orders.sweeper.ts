import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeriodicTask } from '@shop/platform';
import { Model } from 'mongoose';
import { OrderSagas } from './order-sagas.port';
import { Order } from './order.schema';

const SWEEP_INTERVAL_MS = 5_000;
const GRACE_MS = 5_000;

/**
 * An order is written before its saga: a crash in between leaves a PENDING order with no
 * saga. This starts the missing sagas of orders still PENDING after a grace period. Starting
 * one that exists is a no-op (the saga's id is the order's), so replicas may race here.
 */
@Injectable()
export class UnstartedOrdersSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UnstartedOrdersSweeper.name);
  private readonly sweeping = new PeriodicTask(
    'Sweeping unstarted orders',
    SWEEP_INTERVAL_MS,
    () => this.sweep(),
    this.logger,
  );
  /**
   * Overdue orders seen with a saga, still PENDING at the last sweep: their saga is slow, not
   * missing. Remembered so that each costs one saga lookup, not one per sweep while it runs.
   */
  private withSaga = new Set<string>();

  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly sagas: OrderSagas,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeping.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeping.stop();
  }

  async sweep(now = Date.now()): Promise<void> {
    // No limit: only orders in flight for longer than the grace period are PENDING here, and a
    // page of slow ones must not hide an unstarted one behind it.
    const overdue = await this.orders
      .find({ status: 'PENDING', createdAt: { $lt: new Date(now - GRACE_MS) } })
      .lean();
    const withSaga = new Set<string>();
    for (const order of overdue) {
      const orderId = order._id.toHexString();
      if (!this.withSaga.has(orderId) && !(await this.sagas.hasPlacement(orderId))) {
        this.logger.warn(`Starting the missing saga of order ${orderId}`);
        await this.sagas.startPlacement(order);
      }
      withSaga.add(orderId);
    }
    this.withSaga = withSaga;
  }
}
