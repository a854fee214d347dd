import { SagaStepView } from '@shop/contracts';
import { StoredOrder } from './order.schema';

export type PlacementState = 'missing' | 'running' | 'ended';

/**
 * What the orders feature needs from the sagas that place and cancel orders. They take the
 * order as the caller holds it: every caller has just written or read it.
 */
export abstract class OrderSagas {
  /**
   * Stores a new order together with its place-order saga, in one insert, and starts the saga.
   * Answers false, storing nothing, when the insert met an order with the same key (the same
   * Idempotency-Key again).
   */
  abstract place(order: StoredOrder): Promise<boolean>;

  /**
   * Durably starts placing an order stored without its saga (by a version that stored sagas
   * apart); returns once the saga is persisted. The saga's id is the order's, so a second
   * start (another replica, a retry) changes nothing.
   */
  abstract startPlacement(order: StoredOrder): Promise<void>;

  /**
   * Where the order's place-order saga stands. One that ended without settling the order (its
   * first step failed: nothing before it to compensate) cancels the order here first.
   */
  abstract settlePlacement(orderId: string): Promise<PlacementState>;

  /** Durably starts cancelling a confirmed order (refund, restock, cancel shipment). */
  abstract startCancellation(order: StoredOrder): Promise<void>;

  /** The steps taken so far for the order, oldest first, from its sagas as read with it. */
  abstract stepsOf(order: StoredOrder): SagaStepView[];
}
