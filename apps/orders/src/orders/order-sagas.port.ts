import { SagaStepView } from '@shop/contracts';
import { StoredOrder } from './order.schema';

export type PlacementState = 'missing' | 'running' | 'ended';

/**
 * What the orders feature needs from the sagas that place and cancel orders. They take the
 * order as the caller holds it: every caller has just written or read it.
 */
export abstract class OrderSagas {
  /**
   * Durably starts placing the order; returns once the saga is persisted. The saga's id is the
   * order's, so a second start (another replica, a retry) changes nothing.
   */
  abstract startPlacement(order: StoredOrder): Promise<void>;

  /**
   * Where the order's place-order saga stands. One that ended without settling the order (its
   * first step failed: nothing before it to compensate) cancels the order here first.
   */
  abstract settlePlacement(orderId: string): Promise<PlacementState>;

  /** Durably starts cancelling a confirmed order (refund, restock, cancel shipment). */
  abstract startCancellation(order: StoredOrder): Promise<void>;

  /** The steps taken so far for each order, oldest first. */
  abstract stepsOf(orderIds: string[]): Promise<Map<string, SagaStepView[]>>;
}
