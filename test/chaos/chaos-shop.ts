import { MongoClient, ObjectId } from 'mongodb';
import { eventually } from '../harness/eventually';
import { ProcessPlatform } from '../harness/process-platform';
import { ShopApi } from '../harness/shop-api';

const admin = { email: 'admin@shop.test', password: 'admin password of the chaos run' };

/** What every chaos platform runs with, over the isolated environment's variables. */
export const chaosVariables: Record<string, string> = {
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
  // Short deadlines, so a fault shows in seconds and the worst request is bounded (see
  // httpDeadlineMs in fault-case.ts).
  RPC_TIMEOUT_MS: '2000',
  // Short leases, so sagas of a process that lost its database are taken over within seconds.
  SAGA_LEASE_MS: '2000',
  SAGA_RECOVERY_INTERVAL_MS: '500',
  // Two missed heartbeats close a connection: 4 s instead of amqp-connection-manager's 10 s,
  // so a paused process is dropped by the broker quickly. Apps that do not read it yet ignore it.
  RMQ_HEARTBEAT_SECONDS: '2',
};

export type OrderStatusName = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

/**
 * A running platform with a customer, a well-stocked product, and a direct line to the
 * orders' database (never through a proxy) to see how orders ended.
 */
export class ChaosShop {
  private constructor(
    readonly platform: ProcessPlatform,
    readonly customer: ShopApi,
    readonly productId: string,
    private readonly mongo: MongoClient,
  ) {}

  static async open(platform: ProcessPlatform): Promise<ChaosShop> {
    const api = new ShopApi(platform.gatewayUrl);
    const shopAdmin = await api.logIn(admin.email, admin.password);
    const customer = await api.signUp(`chaos-${Date.now()}@example.com`);
    // Stock never runs out during a run: every cancellation is then caused by a fault.
    const product = await shopAdmin.createProduct(1_000_000, 1_250);
    const mongo = await MongoClient.connect(platform.environment.mongoUrl);
    return new ChaosShop(platform, customer, product.id, mongo);
  }

  async statuses(orderIds: readonly string[]): Promise<Map<string, OrderStatusName>> {
    const orders = await this.mongo
      .db(this.platform.environment.mongoDatabase)
      .collection<{ status: OrderStatusName }>('orders')
      .find({ _id: { $in: orderIds.map((id) => new ObjectId(id)) } }, { projection: { status: 1 } })
      .toArray();
    return new Map(orders.map((order) => [order._id.toHexString(), order.status]));
  }

  /** The orders' statuses once none is PENDING, or as they are when `timeoutMs` has passed. */
  async settle(
    orderIds: readonly string[],
    timeoutMs: number,
  ): Promise<Map<string, OrderStatusName>> {
    const isSettled = (statuses: Map<string, OrderStatusName>) =>
      orderIds.every((id) => statuses.has(id) && statuses.get(id) !== 'PENDING');
    try {
      return await eventually(
        async () => {
          const statuses = await this.statuses(orderIds);
          return isSettled(statuses) ? statuses : undefined;
        },
        timeoutMs,
        `${orderIds.length} orders to settle`,
        250,
      );
    } catch {
      return this.statuses(orderIds);
    }
  }

  async close(): Promise<void> {
    await this.mongo.close();
  }
}
