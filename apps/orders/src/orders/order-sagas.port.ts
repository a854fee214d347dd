import { SagaStepView } from '@shop/contracts';

/** What the orders feature needs from the sagas that place and cancel orders. */
export abstract class OrderSagas {
  /** Durably starts placing the order; returns once the saga is persisted. */
  abstract startPlacement(orderId: string): Promise<void>;

  /** Durably starts cancelling a confirmed order (refund, restock, cancel shipment). */
  abstract startCancellation(orderId: string): Promise<void>;

  /** The steps taken so far for each order, oldest first. */
  abstract stepsOf(orderIds: string[]): Promise<Map<string, SagaStepView[]>>;
}
