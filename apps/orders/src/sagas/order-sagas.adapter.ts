import { Injectable } from '@nestjs/common';
import { SagaStepView } from '@shop/contracts';
import {
  SagaAlreadyExistsError,
  SagaInstance,
  SagaOrchestrator,
  isTerminalSagaStatus,
} from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { RequestContext } from '@shop/platform';
import { CANCEL_ORDER_SAGA, cancellationSagaId } from '../cancel-order/cancel-order.saga';
import { isDuplicateKey } from '../database/duplicate-key';
import { OrderSagas, PlacementState } from '../orders/order-sagas.port';
import { StoredOrder } from '../orders/order.schema';
import { PLACE_ORDER_SAGA, PlaceOrderData, PlaceOrderSaga } from '../place-order/place-order.saga';
import { MongoSagaStore } from './mongo-saga.store';

function stepViews(saga: SagaInstance): SagaStepView[] {
  return saga.history
    .filter((entry) => entry.outcome !== 'STARTED')
    .map((entry) => ({
      step: entry.phase === 'compensation' ? `${entry.step} (compensation)` : entry.step,
      outcome: entry.outcome,
      at: new Date(entry.at).toISOString(),
      ...(entry.error && { error: entry.error }),
    }));
}

/** Starts and reads the place-order and cancel-order sagas of an order. */
@Injectable()
export class OrderSagasAdapter extends OrderSagas {
  constructor(
    private readonly orchestrator: SagaOrchestrator,
    private readonly store: MongoSagaStore,
    private readonly cls: ClsService<RequestContext>,
    private readonly placeOrder: PlaceOrderSaga,
  ) {
    super();
  }

  async place(order: StoredOrder): Promise<boolean> {
    const data = this.sagaData(order);
    let isDuplicate = false;
    await this.orchestrator.start(PLACE_ORDER_SAGA, data, {
      id: data.orderId,
      persist: async (saga) => {
        try {
          await this.store.createIn(order, saga);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // The order's id is new, so the key that exists is its Idempotency-Key's: that
          // order and its saga are the ones to answer with, and nothing is started here.
          isDuplicate = true;
          throw new SagaAlreadyExistsError(saga.id);
        }
      },
    });
    return !isDuplicate;
  }

  async startPlacement(order: StoredOrder): Promise<void> {
    const data = this.sagaData(order);
    await this.orchestrator.start(PLACE_ORDER_SAGA, data, { id: data.orderId });
  }

  async settlePlacement(orderId: string): Promise<PlacementState> {
    const saga = await this.store.load(orderId);
    if (!saga) return 'missing';
    if (!isTerminalSagaStatus(saga.status)) return 'running';
    if (saga.status !== 'COMPLETED')
      await this.placeOrder.cancelOrder(saga.id, saga.data as unknown as PlaceOrderData);
    return 'ended';
  }

  async startCancellation(order: StoredOrder): Promise<void> {
    const data = this.sagaData(order);
    // The refund acts for the cancel request: its log lines and events trace back to that one.
    const cancelRequestId = this.cls.isActive() ? this.cls.getId() : undefined;
    await this.orchestrator.start(
      CANCEL_ORDER_SAGA,
      { ...data, correlationId: cancelRequestId ?? data.correlationId },
      { id: cancellationSagaId(data.orderId) },
    );
  }

  stepsOf(order: StoredOrder): SagaStepView[] {
    return this.store
      .sagasIn(order)
      .sort((left, right) => left.createdAt - right.createdAt)
      .flatMap(stepViews);
  }

  private sagaData(order: StoredOrder): PlaceOrderData {
    const orderId = order._id.toHexString();
    return {
      orderId,
      userId: order.userId,
      correlationId: order.correlationId ?? (this.cls.isActive() ? this.cls.getId() : orderId),
      lines: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
      totalMinor: order.totalMinor,
      currency: order.currency,
      paymentMethod: order.paymentMethod,
      shippingAddress: { ...order.shippingAddress },
    };
  }
}
