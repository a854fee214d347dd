import { Injectable } from '@nestjs/common';
import { SagaStepView } from '@shop/contracts';
import { SagaInstance, SagaOrchestrator, isTerminalSagaStatus } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { RequestContext } from '@shop/platform';
import { CANCEL_ORDER_SAGA, cancellationSagaId } from '../cancel-order/cancel-order.saga';
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

  async stepsOf(orderIds: string[]): Promise<Map<string, SagaStepView[]>> {
    const sagas = await this.store.loadMany(orderIds.flatMap((id) => [id, cancellationSagaId(id)]));
    const steps = new Map<string, SagaStepView[]>();
    for (const saga of sagas.sort((left, right) => left.createdAt - right.createdAt)) {
      const orderId =
        saga.definitionName === CANCEL_ORDER_SAGA ? saga.id.replace(/:cancel$/, '') : saga.id;
      steps.set(orderId, [...(steps.get(orderId) ?? []), ...stepViews(saga)]);
    }
    return steps;
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
