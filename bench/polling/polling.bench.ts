/*
 * Times what the orders service repeats forever, whatever the load: one saga recovery round
 * (every SAGA_RECOVERY_INTERVAL_MS), one order events relay poll (every second) and one
 * unstarted-orders sweep (every 5 s), over a history of finished sagas and orders. Their cost
 * must not grow with that history. One saga lookup by _id is timed too, for comparison: it uses
 * the _id index (on our stand-in since the _id patch in scripts/infra.sh). See bench/README.md.
 *
 *   node -r @swc-node/register bench/polling/polling.bench.ts [--history=5000] [--rounds=5]
 *
 * It writes `--history` finished orders with their sagas inside, plus a few in flight
 * (live leases, placed orders), into a scratch database at MONGO_URL (default
 * mongodb://127.0.0.1:27017) and drops it at the end, also on Ctrl-C. It runs the app's own
 * classes, not copies of their queries; nothing is published (the relay finds nothing to).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DomainEventPublisher } from '@shop/platform';
import { SagaInstance, SagaOrchestrator } from '@shop/resilience';
import mongoose, { Connection, Types } from 'mongoose';
import { OrderEventsRelay } from '../../apps/orders/src/orders/order-events.relay';
import { Order, OrderSchema } from '../../apps/orders/src/orders/order.schema';
import { OrderSagas } from '../../apps/orders/src/orders/order-sagas.port';
import { UnstartedOrdersSweeper } from '../../apps/orders/src/orders/unstarted-orders.sweeper';
import { MongoSagaStore } from '../../apps/orders/src/sagas/mongo-saga.store';
import { orderSagaHomes } from '../../apps/orders/src/sagas/saga-homes';
import { toStoredSaga } from '../../apps/orders/src/sagas/stored-saga';
import { TaskLeases } from '../../apps/orders/src/leases/task-leases';
import { placeOrderSteps } from '../../test/harness/place-order-steps';

const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const inFlight = 16;
const insertBatch = 500;

function option(name: string, fallback: number): number {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const value = flag ? Number(flag.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be an integer ≥ 0`);
  return value;
}

const benchAddress = {
  recipient: 'Bench Buyer',
  line1: '1 Main Street',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

/** A place-order saga as the orchestrator leaves it: every step STARTED, then SUCCEEDED. */
function placementSaga(id: string, nowMs: number, isFinished: boolean) {
  const history = placeOrderSteps.flatMap((step, index) => [
    { step, phase: 'action', outcome: 'STARTED', attempts: null, error: null, at: nowMs + index },
    { step, phase: 'action', outcome: 'SUCCEEDED', attempts: 1, error: null, at: nowMs + index },
  ]);
  return {
    id,
    definitionName: 'place-order',
    status: isFinished ? 'COMPLETED' : 'RUNNING',
    currentStep: isFinished ? placeOrderSteps.length : 2,
    data: {
      orderId: id,
      userId: '6f0c2d8e-3b1a-4c5d-9e7f-0a1b2c3d4e5f',
      correlationId: randomBytes(16).toString('hex'),
      lines: [
        { productId: new Types.ObjectId().toHexString(), quantity: 1 },
        { productId: new Types.ObjectId().toHexString(), quantity: 2 },
      ],
      totalMinor: 4_998,
      currency: 'EUR',
      paymentMethod: 'tok_visa',
      shippingAddress: benchAddress,
    },
    history: isFinished ? history : history.slice(0, 5),
    owner: 'bench-host:1:cafebabe',
    // Live sagas hold a lease far in the future: recovery must read them and leave them be.
    leaseExpiresAt: isFinished ? null : nowMs + 3_600_000,
    version: isFinished ? 13 : 5,
    failureReason: null,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
}

/** An order with its place-order saga inside, as the orders service stores them. */
function orderDocument(id: Types.ObjectId, createdAt: Date, nowMs: number, isFinished: boolean) {
  const placement = placementSaga(id.toHexString(), nowMs, isFinished);
  return {
    _id: id,
    userId: '6f0c2d8e-3b1a-4c5d-9e7f-0a1b2c3d4e5f',
    idempotencyKey: id.toHexString(),
    items: [
      {
        productId: new Types.ObjectId().toHexString(),
        name: 'Kettle',
        quantity: 1,
        unitPriceMinor: 2_500,
      },
      {
        productId: new Types.ObjectId().toHexString(),
        name: 'Mug',
        quantity: 2,
        unitPriceMinor: 1_249,
      },
    ],
    totalMinor: 4_998,
    currency: 'EUR',
    shippingAddress: benchAddress,
    paymentMethod: 'tok_visa',
    correlationId: randomBytes(16).toString('hex'),
    status: isFinished ? 'CONFIRMED' : 'PENDING',
    cancellationRequested: false,
    eventPending: false,
    createdAt,
    updatedAt: createdAt,
    // As the orders service stores a saga (apps/orders/src/sagas/stored-saga.ts).
    placement: toStoredSaga(placement as SagaInstance),
    placementStatus: placement.status,
    hasActiveSaga: !isFinished,
  };
}

async function insertInBatches(connection: Connection, name: string, documents: object[]) {
  for (let start = 0; start < documents.length; start += insertBatch) {
    await connection.collection(name).insertMany(documents.slice(start, start + insertBatch), {
      ordered: false,
    });
  }
}

async function time(rounds: number, run: () => Promise<unknown>): Promise<number[]> {
  await run(); // unmeasured: connection, plan and JIT warm-up
  const durations: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const startedAt = performance.now();
    await run();
    durations.push(performance.now() - startedAt);
  }
  return durations.sort((left, right) => left - right);
}

const format = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);

async function main(): Promise<void> {
  const history = option('history', 5_000);
  const rounds = option('rounds', 5);
  const database = `bench_polling_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const connection = await mongoose.createConnection(mongoUrl, { dbName: database }).asPromise();
  let isDropped = false;
  const drop = async () => {
    if (isDropped) return;
    isDropped = true;
    await connection.dropDatabase();
    await connection.close();
  };
  process.once('SIGINT', () => void drop().finally(() => process.exit(130)));

  try {
    const orders = connection.model(Order.name, OrderSchema);
    await orders.init();
    const store = new MongoSagaStore(
      connection.collection(orders.collection.collectionName),
      orderSagaHomes,
    );
    await store.onModuleInit();

    const nowMs = Date.now();
    const oldEnough = new Date(nowMs - 3_600_000);
    const orderIds = Array.from({ length: history + inFlight }, () => new Types.ObjectId());
    await insertInBatches(
      connection,
      'orders',
      orderIds.map((id, index) => orderDocument(id, oldEnough, nowMs, index < history)),
    );

    const orchestrator = new SagaOrchestrator({ store, leaseMs: 10_000 });
    const publisher = {
      publish: () =>
        Promise.reject(new Error('the bench stores no order with an event to publish')),
    } as unknown as DomainEventPublisher;
    // The lease each poll takes first is part of its cost.
    const leases = new TaskLeases(connection);
    const relay = new OrderEventsRelay(orders, publisher, leases);
    const sagas = {
      settlePlacement: async (orderId: string) =>
        (await store.load(orderId)) === undefined ? 'missing' : 'running',
      startPlacement: () => Promise.reject(new Error('the bench stores no unstarted order')),
    } as unknown as OrderSagas;
    const sweeper = new UnstartedOrdersSweeper(orders, sagas, leases);

    const cases: [string, () => Promise<unknown>][] = [
      ['saga recovery round (`SagaOrchestrator.recover`)', () => orchestrator.recover()],
      ['order events relay poll (`OrderEventsRelay.relayPending`)', () => relay.relayPending()],
      ['unstarted-orders sweep (`UnstartedOrdersSweeper.sweep`)', () => sweeper.sweep()],
      // Not a poll: every saga write looks its saga up like this first (FerretDB v1 runs the
      // filter as a query, then updates by _id), under the stand-in's global write lock.
      [
        'one saga by _id, for comparison (`MongoSagaStore.load`)',
        () => store.load(orderIds[history].toHexString()),
      ],
    ];
    console.log(
      `${history} finished sagas and orders, ${inFlight} in flight; ${rounds} rounds each after one unmeasured`,
    );
    console.log('');
    console.log('| query | min ms | median ms | max ms |');
    console.log('|---|---:|---:|---:|');
    for (const [name, run] of cases) {
      const durations = await time(rounds, run);
      const median = durations[Math.floor(durations.length / 2)];
      console.log(
        `| ${name} | ${format(durations[0])} | ${format(median)} | ${format(durations[durations.length - 1])} |`,
      );
    }
    await orchestrator.stop();
  } finally {
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
