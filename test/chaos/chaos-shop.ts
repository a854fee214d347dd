import { MongoClient, ObjectId } from 'mongodb';
import { eventually } from '../harness/eventually';
import { ProcessPlatform } from '../harness/process-platform';
import { ShopApi } from '../harness/shop-api';
import { InvariantReport } from '../harness/shop-invariants';

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
 * A running platform with an admin, a customer, and a direct line to the orders' database
 * (never through a proxy) to see how orders ended. Cases run one after another on it.
 */
export class ChaosShop {
  /** Invariant violations already blamed on an earlier case, as `invariant:id`. */
  private readonly reported = new Set<string>();

  private constructor(
    readonly platform: ProcessPlatform,
    private readonly shopAdmin: ShopApi,
    private readonly customerApi: ShopApi,
    private readonly mongo: MongoClient,
  ) {}

  /** The customer, at the gateway's current address (a restarted gateway listens elsewhere). */
  get customer(): ShopApi {
    return this.customerApi.at(this.platform.gatewayUrl);
  }

  static async open(platform: ProcessPlatform): Promise<ChaosShop> {
    const api = new ShopApi(platform.gatewayUrl);
    const shopAdmin = await api.logIn(admin.email, admin.password);
    const customer = await api.signUp(`chaos-${Date.now()}@example.com`);
    const mongo = await MongoClient.connect(platform.environment.mongoUrl);
    return new ChaosShop(platform, shopAdmin, customer, mongo);
  }

  /**
   * A product of its own for each case, so unbalanced stock points at one case. Stock never
   * runs out: every cancellation is then caused by the fault.
   */
  async newProduct(): Promise<string> {
    return (await this.shopAdmin.at(this.platform.gatewayUrl).createProduct(1_000_000, 1_250)).id;
  }

  /** The violations of the report that no earlier case was blamed for. */
  unreported(report: InvariantReport): InvariantReport {
    return Object.fromEntries(
      Object.entries(report).map(([invariant, ids]: [string, string[]]) => [
        invariant,
        ids.filter((id) => !this.reported.has(`${invariant}:${id}`)),
      ]),
    ) as unknown as InvariantReport;
  }

  /** Blames these violations on the current case; later cases do not report them again. */
  markReported(report: InvariantReport): void {
    for (const [invariant, ids] of Object.entries(report) as [string, string[]][])
      for (const id of ids) this.reported.add(`${invariant}:${id}`);
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
