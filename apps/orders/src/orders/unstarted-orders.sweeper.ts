import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Order } from './order.schema';
import { OrdersService } from './orders.service';

const SWEEP_INTERVAL_MS = 5_000;
const GRACE_MS = 5_000;

/**
 * An order is written before its saga: a crash in between leaves a PENDING order with no
 * saga. This starts the missing sagas (starting one that exists is a no-op).
 */
@Injectable()
export class UnstartedOrdersSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UnstartedOrdersSweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly ordersService: OrdersService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) =>
          this.logger.warn(`Sweeping unstarted orders failed; will retry: ${String(error)}`),
        )
        .finally(() => (this.sweeping = undefined));
    }, SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  async sweep(now = Date.now()): Promise<void> {
    const stranded = await this.orders
      .find({ status: 'PENDING', sagaStarted: false, createdAt: { $lt: new Date(now - GRACE_MS) } })
      .limit(50)
      .lean();
    for (const order of stranded) {
      this.logger.warn(`Starting the missing saga of order ${order._id.toHexString()}`);
      await this.ordersService.startPlacement(order);
    }
  }
}
