import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { PaymentsClient, UsersClient } from '@shop/contracts';
import { RequestContext } from '@shop/platform';
import { InMemorySagaStore, SagaInstance, SagaOrchestrator, SagaStore } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { InventoryService } from '../inventory/inventory.service';
import { OrderStatusService } from '../orders/order-status.service';
import { SagaFailureReasons } from '../sagas/saga-failure-reasons';
import { ShippingService } from '../shipping/shipping.service';
import { PlaceOrderData, PlaceOrderSaga } from './place-order.saga';

/** What the saga's collaborators were asked to do, in order. */
class Calls {
  readonly made: string[] = [];

  record(call: string): Promise<void> {
    this.made.push(call);
    return Promise.resolve();
  }

  /** A remote call: answered a turn of the event loop later. */
  async remote(call: string): Promise<void> {
    this.made.push(call);
    await new Promise((resolve) => setImmediate(resolve));
    this.made.push(`${call} answered`);
  }
}

/** Counts the writes that go to the store: what an order costs the MongoDB server. */
class CountingStore extends InMemorySagaStore implements SagaStore {
  writes = 0;

  override create(instance: SagaInstance): Promise<void> {
    this.writes++;
    return super.create(instance);
  }

  override save(instance: SagaInstance, expectedVersion: number): Promise<void> {
    this.writes++;
    return super.save(instance, expectedVersion);
  }
}

function placeOrderSaga(calls: Calls, authorization = 'AUTHORIZED'): PlaceOrderSaga {
  const users = { validate: () => calls.remote('users.validate') };
  const payments = {
    authorize: async () => {
      await calls.remote('payments.authorize');
      return { status: authorization };
    },
    capture: () => calls.record('payments.capture'),
    requestVoid: () => calls.record('payments.requestVoid'),
  };
  const inventory = {
    reserve: () => calls.record('inventory.reserve'),
    release: () => calls.record('inventory.release'),
    commit: () => calls.record('inventory.commit'),
  };
  const shipping = {
    schedule: () => calls.record('shipping.schedule'),
    cancel: () => calls.record('shipping.cancel'),
  };
  const orderStatus = {
    announceConfirmation: () => calls.record('orderStatus.announceConfirmation'),
    cancel: () => calls.record('orderStatus.cancel'),
  };
  return new PlaceOrderSaga(
    users as unknown as UsersClient,
    payments as unknown as PaymentsClient,
    inventory as unknown as InventoryService,
    shipping as unknown as ShippingService,
    orderStatus as unknown as OrderStatusService,
    { of: async () => 'declined' } as unknown as SagaFailureReasons,
    new ClsService<RequestContext>(new AsyncLocalStorage()),
  );
}

const order: PlaceOrderData = {
  orderId: '6650f0c2a1b2c3d4e5f60718',
  userId: '9b2f6a4e-0c1d-4e5f-8a9b-0c1d2e3f4a5b',
  correlationId: 'place-1',
  lines: [{ productId: '6650f0c2a1b2c3d4e5f60719', quantity: 2 }],
  totalMinor: 2_500,
  currency: 'EUR',
  paymentMethod: 'tok_visa',
  shippingAddress: { recipient: 'Ada', line1: '1 Main St', city: 'Berlin' },
};

describe(PlaceOrderSaga.name, () => {
  it('writes the saga five times for a confirmed order: at its creation and after each group of steps', async () => {
    const store = new CountingStore();
    const sut = new SagaOrchestrator({
      store,
      definitions: [placeOrderSaga(new Calls()).definition],
    });

    const saga = await sut.run('place-order', order, { id: order.orderId });

    expect(saga.status).toBe('COMPLETED');
    expect(store.writes).toBe(5);
  });

  it('asks users and reserves the stock at once, then authorizes and schedules the shipment at once', async () => {
    const calls = new Calls();
    const sut = new SagaOrchestrator({
      store: new InMemorySagaStore(),
      definitions: [placeOrderSaga(calls).definition],
    });

    await sut.run('place-order', order, { id: order.orderId });

    expect(calls.made).toEqual([
      'users.validate',
      'inventory.reserve',
      'users.validate answered',
      'payments.authorize',
      'shipping.schedule',
      'payments.authorize answered',
      'payments.capture',
      'inventory.commit',
      'orderStatus.announceConfirmation',
    ]);
  });

  it('asks payments to void an authorization that failed too: one that timed out may still be carried out', async () => {
    const calls = new Calls();
    const sut = new SagaOrchestrator({
      store: new InMemorySagaStore(),
      definitions: [placeOrderSaga(calls, 'DECLINED').definition],
    });

    const saga = await sut.run('place-order', order, { id: order.orderId });

    expect(saga.status).toBe('COMPENSATED');
    expect(calls.made.slice(calls.made.indexOf('payments.authorize answered') + 1)).toEqual([
      'shipping.cancel',
      'payments.requestVoid',
      'inventory.release',
      // The order's cancellation releases again, a no-op for what was released already.
      'inventory.release',
      'orderStatus.cancel',
    ]);
  });
});
