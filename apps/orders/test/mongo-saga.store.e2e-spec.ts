import { describeSagaStoreContract } from '@shop/resilience/saga/testing/saga-store.contract';
import { SagaAlreadyExistsError, SagaInstance } from '@shop/resilience';
import { Connection, Types } from 'mongoose';
import { IsolatedMongoose, openIsolatedMongoose } from '../../../test/harness/isolated-mongoose';
import { cancellationSagaId } from '../src/cancel-order/cancel-order.saga';
import { LegacySagasMigration } from '../src/sagas/legacy-sagas.migration';
import { MongoSagaStore } from '../src/sagas/mongo-saga.store';
import { orderSagaHomes } from '../src/sagas/saga-homes';

let mongo: IsolatedMongoose;
let connection: Connection;

beforeAll(async () => {
  mongo = await openIsolatedMongoose();
  connection = mongo.connection;
});

afterAll(async () => {
  await mongo?.dispose();
});

// The contract, with each saga at home in a document of its own.
describeSagaStoreContract('MongoSagaStore', async ({ clock }) => {
  await connection.collection('saga_homes').deleteMany({});
  const store = new MongoSagaStore(connection.collection('saga_homes'), {
    fields: ['saga'],
    createsHomes: true,
    of: (id) => ({ _id: id, field: 'saga' }),
  });
  store.now = () => clock.now();
  return store;
});

describe('MongoSagaStore in orders', () => {
  const nowMs = Date.now();
  let store: MongoSagaStore;

  beforeEach(async () => {
    await connection.collection('orders').deleteMany({});
    await connection.collection('sagas').deleteMany({});
    store = new MongoSagaStore(connection.collection('orders'), orderSagaHomes);
    await store.onModuleInit();
  });

  function saga(id: string, overrides: Partial<SagaInstance> = {}): SagaInstance {
    return {
      id,
      definitionName: 'place-order',
      status: 'RUNNING',
      currentStep: 0,
      data: { orderId: id },
      history: [],
      owner: 'orders-a',
      leaseExpiresAt: nowMs + 30_000,
      version: 1,
      failureReason: null,
      createdAt: nowMs,
      updatedAt: nowMs,
      ...overrides,
    };
  }

  it('inserts an order with its place-order saga in one document, and loads the saga by the order id', async () => {
    const orderId = new Types.ObjectId();
    const placement = saga(orderId.toHexString());

    await store.createIn({ _id: orderId, status: 'PENDING' }, placement);

    expect(await store.load(orderId.toHexString())).toEqual(placement);
    const stored = await connection.collection('orders').findOne({ _id: orderId });
    expect(stored).toMatchObject({ status: 'PENDING', placementStatus: 'RUNNING' });
    expect(store.sagasIn(stored!)).toEqual([placement]);
  });

  it('confirms the order in the write that completes its place-order saga', async () => {
    const orderId = new Types.ObjectId();
    const placement = saga(orderId.toHexString());
    await store.createIn({ _id: orderId, status: 'PENDING' }, placement);
    const completed = {
      ...placement,
      status: 'COMPLETED' as const,
      version: 2,
      updatedAt: nowMs + 5,
    };

    await store.save(completed, 1);

    const stored = await connection.collection('orders').findOne({ _id: orderId });
    expect(stored).toMatchObject({
      status: 'CONFIRMED',
      updatedAt: new Date(nowMs + 5),
      placementStatus: 'COMPLETED',
    });
  });

  it("keeps an order's cancel-order saga beside its place-order saga, and recovers both", async () => {
    const orderId = new Types.ObjectId();
    const placement = saga(orderId.toHexString(), { leaseExpiresAt: nowMs - 1 });
    await store.createIn({ _id: orderId, status: 'CONFIRMED' }, placement);
    const cancellation = saga(cancellationSagaId(orderId.toHexString()), {
      definitionName: 'cancel-order',
      status: 'COMPENSATING',
      leaseExpiresAt: nowMs - 1,
    });

    await store.create(cancellation);
    const claimed = await store.claimExpired('orders-b', nowMs, 30_000, 10);

    expect(claimed.map(({ id, owner, version }) => ({ id, owner, version }))).toEqual([
      { id: placement.id, owner: 'orders-b', version: 2 },
      { id: cancellation.id, owner: 'orders-b', version: 2 },
    ]);
    expect(await connection.collection('orders').countDocuments()).toBe(1);
  });

  it('moves the sagas an earlier version kept in `sagas` into their orders, once', async () => {
    const orderId = new Types.ObjectId();
    await connection.collection('orders').insertOne({ _id: orderId, status: 'PENDING' });
    const { id, ...legacy } = saga(orderId.toHexString(), { currentStep: 2, version: 3 });
    await connection.collection<{ _id: string }>('sagas').insertOne({ _id: id, ...legacy });
    const migration = new LegacySagasMigration(connection, store);

    await migration.onModuleInit();
    await migration.onModuleInit();

    expect(await store.load(id)).toEqual({ id, ...legacy });
    expect(await connection.collection('sagas').countDocuments()).toBe(0);
    expect(await connection.collection('orders').countDocuments()).toBe(1);
  });

  it('confirms nothing when a place-order saga is compensated or a cancel-order saga completes', async () => {
    const orderId = new Types.ObjectId();
    const placement = saga(orderId.toHexString());
    await store.createIn({ _id: orderId, status: 'CONFIRMED' }, placement);
    const cancellation = saga(cancellationSagaId(orderId.toHexString()), {
      definitionName: 'cancel-order',
    });
    await store.save({ ...placement, status: 'COMPENSATED', version: 2 }, 1);
    await connection.collection('orders').updateOne({ _id: orderId }, { $set: { status: 'X' } });
    await store.create(cancellation);

    await store.save({ ...cancellation, status: 'COMPLETED', version: 2 }, 1);

    expect(await connection.collection('orders').findOne({ _id: orderId })).toMatchObject({
      status: 'X',
      hasActiveSaga: false,
    });
  });

  it('refuses to create a saga an order holds already', async () => {
    const orderId = new Types.ObjectId();
    const placement = saga(orderId.toHexString());
    await store.createIn({ _id: orderId, status: 'PENDING' }, placement);

    await expect(store.create(placement)).rejects.toThrow(SagaAlreadyExistsError);
  });

  it('claims no more expired sagas than asked, and skips one it cannot read', async () => {
    const expired = Array.from({ length: 3 }, () => new Types.ObjectId());
    for (const orderId of expired)
      await store.createIn(
        { _id: orderId, status: 'PENDING' },
        saga(orderId.toHexString(), { leaseExpiresAt: nowMs - 1 }),
      );
    await connection
      .collection('orders')
      .updateOne({ _id: expired[0] }, { $set: { 'placement.state': '{not json' } });

    const first = await store.claimExpired('orders-b', nowMs, 30_000, 1);
    const rest = await store.claimExpired('orders-b', nowMs, 30_000, 10);

    expect(first).toHaveLength(1);
    expect([...first, ...rest].map((claimed) => claimed.id).sort()).toEqual(
      expired
        .slice(1)
        .map((id) => id.toHexString())
        .sort(),
    );
  });

  it("moves an earlier version's place-order saga that confirmed its order as COMPLETED", async () => {
    const orderId = new Types.ObjectId();
    await connection.collection('orders').insertOne({ _id: orderId, status: 'CANCELLED' });
    const { id, ...legacy } = saga(orderId.toHexString(), { currentStep: 5 });
    await connection.collection<{ _id: string }>('sagas').insertOne({ _id: id, ...legacy });

    await new LegacySagasMigration(connection, store).onModuleInit();

    expect(await store.load(id)).toMatchObject({ status: 'COMPLETED', currentStep: 5 });
    expect(await connection.collection('orders').findOne({ _id: orderId })).toMatchObject({
      status: 'CANCELLED',
    });
  });

  it("leaves an earlier version's saga without an order where it is", async () => {
    const orphan = saga(new Types.ObjectId().toHexString());
    const { id, ...legacy } = orphan;
    await connection.collection<{ _id: string }>('sagas').insertMany([
      { _id: id, ...legacy },
      { _id: 'not-an-order', ...legacy },
    ]);

    await new LegacySagasMigration(connection, store).onModuleInit();

    expect(await connection.collection('sagas').countDocuments()).toBe(2);
    expect(await connection.collection('orders').countDocuments()).toBe(0);
  });

  it('creates no order for the saga of an order that does not exist', async () => {
    const orderId = new Types.ObjectId().toHexString();

    await expect(store.create(saga(cancellationSagaId(orderId)))).rejects.toThrow(
      'has no document to live in',
    );
    expect(await connection.collection('orders').countDocuments()).toBe(0);
  });

  it('refuses a saga id that names no order', () => {
    expect(() => orderSagaHomes.of('not-an-order')).toThrow('names no order');
    expect(() => orderSagaHomes.of(`${new Types.ObjectId().toHexString()}:refund`)).toThrow(
      'names no order',
    );
  });
});
