import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeriodicTask, inTraceContext } from '@shop/platform';
import { Model } from 'mongoose';
import { TaskLeases } from '../leases/task-leases';
import { OrderSagas } from './order-sagas.port';
import { Order } from './order.schema';

const SWEEP_INTERVAL_MS = 5_000;
const GRACE_MS = 5_000;
// A saga seen running is looked at again after this long: it may have ended without settling
// its order since (its first step failed while this process was restarting).
const RECHECK_RUNNING_MS = 60_000;
const SWEEP_TASK = 'unstarted-orders-sweeper';
// Three sweeps: a replica that died holding it delays the sweep by at most this much.
const SWEEP_LEASE_MS = 15_000;

/**
 * Settles orders still PENDING after a grace period whose saga cannot: it cancels those whose
 * saga ended without settling them (a first step that failed while this process stopped), and
 * starts the missing saga of an order stored without one. This version inserts an order with
 * its saga in one write; earlier ones wrote the saga after the order, and a crash in between
 * left such orders behind. Starting a saga that exists is a no-op (the saga's id is the
 * order's), and cancelling is conditional, so replicas could race safely; a task lease has one
 * replica sweep at a time, so they do not do it twice.
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
   * Overdue orders seen with a running saga, by when that was: their saga is slow, not
   * missing. Remembered so that each costs one saga lookup a minute, not one per sweep.
   */
  private runningSince = new Map<string, number>();

  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly sagas: OrderSagas,
    private readonly leases: TaskLeases,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeping.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeping.stop();
    await this.leases.release(SWEEP_TASK).catch(() => undefined);
  }

  async sweep(now = Date.now()): Promise<void> {
    if (!(await this.leases.tryHold(SWEEP_TASK, SWEEP_LEASE_MS, now))) return;
    // No limit: only orders in flight for longer than the grace period are PENDING here, and a
    // page of slow ones must not hide an unstarted one behind it.
    const overdue = await this.orders
      .find({ status: 'PENDING', createdAt: { $lt: new Date(now - GRACE_MS) } })
      .lean();
    const runningSince = new Map<string, number>();
    for (const order of overdue) {
      const orderId = order._id.toHexString();
      const seenRunningAt = this.runningSince.get(orderId);
      if (seenRunningAt !== undefined && now - seenRunningAt < RECHECK_RUNNING_MS) {
        runningSince.set(orderId, seenRunningAt);
        continue;
      }
      const placement = await this.sagas.settlePlacement(orderId);
      if (placement === 'missing') {
        this.logger.warn(`Starting the missing saga of order ${orderId}`);
        await inTraceContext(order.traceContext, () => this.sagas.startPlacement(order));
      } else if (placement === 'ended') {
        this.logger.warn(`Settled order ${orderId}, whose saga had ended`);
      }
      if (placement !== 'ended') runningSince.set(orderId, now);
    }
    this.runningSince = runningSince;
  }
}
