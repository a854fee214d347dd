import { Collection, Db, ObjectId } from 'mongodb';
import { Client } from 'pg';
import { ShopApi } from '../../test/harness/shop-api';
import { percentile } from './stats';

/**
 * Drives place-order sagas through the gateway and times each order from the POST to its end.
 *
 * The end of an order is read from the store, not polled through the gateway: the saga
 * document's `updatedAt` is written by the saga's last step (COMPLETED or COMPENSATED), one
 * write after the order's status changed, with the orders service's clock (this machine's).
 * Polling only decides when to stop waiting: one query per interval for the orders still
 * PENDING (`{status: 'PENDING'}` is an equality the stand-in pushes down to PostgreSQL).
 */
export interface SagaResult {
  orders: number;
  /** From the first POST to the last order's end. */
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  confirmed: number;
  cancelled: number;
  /** Orders still PENDING when the wait ended (must be 0). */
  pending: number;
  failedPosts: number;
  errorSamples: string[];
}

interface Placed {
  id: string;
  postedAt: number;
}

export interface SagaDriverOptions {
  api: ShopApi;
  orders: Db;
  productIds: string[];
  pollIntervalMs: number;
  /** How long an order may take before the run stops waiting for it. */
  settleTimeoutMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SagaDriver {
  private readonly ordersCollection: Collection<{
    _id: ObjectId;
    status: string;
    placement?: { updatedAt: number };
  }>;
  private readonly waiters = new Map<string, () => void>();
  private poller?: NodeJS.Timeout;
  private polling = false;

  constructor(private readonly options: SagaDriverOptions) {
    this.ordersCollection = options.orders.collection('orders');
  }

  /** Closed loop: `concurrency` workers each place an order and wait for its end, `total` in all. */
  async closedLoop(total: number, concurrency: number): Promise<SagaResult> {
    const placed: Placed[] = [];
    const errorSamples: string[] = [];
    let failedPosts = 0;
    let next = 0;
    this.startPolling();
    try {
      const worker = async (): Promise<void> => {
        while (next < total) {
          const sequence = next++;
          const order = await this.post(sequence, errorSamples);
          if (!order) {
            failedPosts += 1;
            continue;
          }
          placed.push(order);
          await this.settled(order.id);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      this.stopPolling();
    }
    return this.result(placed, failedPosts, errorSamples);
  }

  /** Open loop: orders at a fixed rate for `durationMs`, whatever the platform's answers. */
  async paced(perSecond: number, durationMs: number): Promise<SagaResult> {
    const total = Math.max(1, Math.round((perSecond * durationMs) / 1000));
    const placed: Placed[] = [];
    const errorSamples: string[] = [];
    let failedPosts = 0;
    const posts: Promise<void>[] = [];
    const startedAt = performance.now();
    for (let sequence = 0; sequence < total; sequence += 1) {
      const dueAt = startedAt + (sequence * 1000) / perSecond;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      posts.push(
        this.post(sequence, errorSamples).then((order) => {
          if (order) placed.push(order);
          else failedPosts += 1;
        }),
      );
    }
    await Promise.all(posts);
    this.startPolling();
    try {
      await Promise.all(placed.map((order) => this.settled(order.id)));
    } finally {
      this.stopPolling();
    }
    return this.result(placed, failedPosts, errorSamples);
  }

  private async post(sequence: number, errorSamples: string[]): Promise<Placed | undefined> {
    const productId = this.options.productIds[sequence % this.options.productIds.length];
    const postedAt = Date.now();
    try {
      const response = await this.options.api.placeOrder(productId, 1, 'tok_visa');
      if (response.status === 202) return { id: response.body.id, postedAt };
      if (errorSamples.length < 3)
        errorSamples.push(`POST /api/orders ${response.status}: ${JSON.stringify(response.body)}`);
    } catch (error) {
      if (errorSamples.length < 3) errorSamples.push(String(error));
    }
    return undefined;
  }

  /** Resolves when the order is no longer PENDING, or when the settle timeout passed. */
  private settled(orderId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), this.options.settleTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(orderId);
        resolve();
      };
      this.waiters.set(orderId, done);
    });
  }

  private startPolling(): void {
    this.poller = setInterval(() => {
      if (this.polling || this.waiters.size === 0) return;
      this.polling = true;
      this.ordersCollection
        .find({ status: 'PENDING' }, { projection: { _id: 1 } })
        .toArray()
        .then((pending) => {
          const stillPending = new Set(pending.map((order) => order._id.toHexString()));
          for (const [id, done] of [...this.waiters]) if (!stillPending.has(id)) done();
        })
        .catch(() => undefined)
        .finally(() => (this.polling = false));
    }, this.options.pollIntervalMs);
  }

  private stopPolling(): void {
    clearInterval(this.poller);
  }

  private async result(
    placed: Placed[],
    failedPosts: number,
    errorSamples: string[],
  ): Promise<SagaResult> {
    const latencies: number[] = [];
    let confirmed = 0;
    let cancelled = 0;
    let pending = 0;
    let lastEnd = 0;
    // Eight lookups by _id at a time: cheap for the stand-in, after the measured part.
    for (let index = 0; index < placed.length; index += 8) {
      await Promise.all(
        placed.slice(index, index + 8).map(async ({ id, postedAt }) => {
          // The order's place-order saga lives in the order (apps/orders/src/sagas/saga-homes.ts).
          const order = await this.ordersCollection.findOne(
            { _id: new ObjectId(id) },
            { projection: { status: 1, 'placement.updatedAt': 1 } },
          );
          const saga = order?.placement;
          if (order?.status === 'CONFIRMED') confirmed += 1;
          else if (order?.status === 'CANCELLED') cancelled += 1;
          else pending += 1;
          if (order && order.status !== 'PENDING' && saga) {
            latencies.push(saga.updatedAt - postedAt);
            lastEnd = Math.max(lastEnd, saga.updatedAt);
          }
        }),
      );
    }
    latencies.sort((left, right) => left - right);
    const firstPost = Math.min(...placed.map((order) => order.postedAt));
    const seconds = placed.length > 0 ? (lastEnd - firstPost) / 1000 : Number.NaN;
    return {
      orders: placed.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.length > 0 ? latencies[latencies.length - 1] : Number.NaN,
      confirmed,
      cancelled,
      pending,
      failedPosts,
      errorSamples,
    };
  }
}

/** Write commands the stand-in (or a MongoDB) has served so far, server-wide. */
export async function writeCommands(admin: Db): Promise<number | undefined> {
  try {
    const status = (await admin.command({ serverStatus: 1 })) as {
      opcounters?: Record<string, number>;
      metrics?: { commands?: Record<string, { total?: number }> };
    };
    if (status.opcounters)
      return (
        ['insert', 'update', 'delete'].reduce(
          (sum, name) => sum + Number(status.opcounters![name] ?? 0),
          0,
        ) + Number(status.metrics?.commands?.findAndModify?.total ?? 0)
      );
    const commands = status.metrics?.commands;
    if (!commands) return undefined;
    return ['insert', 'update', 'delete', 'findAndModify'].reduce(
      (sum, name) => sum + Number(commands[name]?.total ?? 0),
      0,
    );
  } catch {
    return undefined;
  }
}

/**
 * Rows FerretDB inserted, updated and deleted in PostgreSQL for one MongoDB database (its
 * schema), from pg_stat_user_tables: exact for our database whatever else runs on the server.
 * PostgreSQL 15 publishes an idle backend's counts up to 10 s late (PGSTAT_IDLE_INTERVAL), so
 * callers read it only after writes have stopped for `settleMs`.
 */
export async function storedRowWrites(
  postgresUrl: string,
  schema: string,
  settleMs: number,
): Promise<number | undefined> {
  await sleep(settleMs);
  const client = new Client({ connectionString: postgresUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ writes: string }>(
      `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS writes
         FROM pg_stat_user_tables WHERE schemaname = $1`,
      [schema],
    );
    return Number(rows[0].writes);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
