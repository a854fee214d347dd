import { SagaInstance } from '@shop/resilience';
import { Types } from 'mongoose';
import { cancellationSagaId } from '../cancel-order/cancel-order.saga';
import { PLACE_ORDER_SAGA } from '../place-order/place-order.saga';

/** The document a saga lives in, and the field of it that holds the saga. */
export interface SagaHome {
  _id: Types.ObjectId | string;
  field: string;
}

/**
 * Where a {@link MongoSagaStore} keeps each saga: inside the document of the record it acts
 * for, so that the record and its saga can be written together.
 */
export interface SagaHomes {
  /** Every field that may hold a saga; recovery looks in each. */
  readonly fields: readonly string[];
  /** Whether `create` makes the home document when it is missing. Default false. */
  readonly createsHomes?: boolean;
  of(sagaId: string): SagaHome;
  /**
   * Changes to the home document that belong to the saga's write: made in the same update,
   * they happen exactly when the saga reaches that state.
   */
  alongside?(saga: SagaInstance): Record<string, unknown> | undefined;
}

export const PLACEMENT_FIELD = 'placement';
export const CANCELLATION_FIELD = 'cancellation';

/**
 * An order's sagas live in the order: its place-order saga (id: the order's id) in
 * `placement`, its cancel-order saga in `cancellation`. The order is inserted with its
 * place-order saga, and the saga's completion confirms the order in the same write: two writes
 * per order fewer than with a collection of sagas, and no order can exist without its saga.
 */
export const orderSagaHomes: SagaHomes = {
  fields: [PLACEMENT_FIELD, CANCELLATION_FIELD],

  of(sagaId) {
    const [orderId, ...rest] = sagaId.split(':');
    const isCancellation = rest.length > 0 && sagaId === cancellationSagaId(orderId);
    if (!/^[0-9a-f]{24}$/i.test(orderId) || (rest.length > 0 && !isCancellation))
      throw new Error(`Saga id ${sagaId} names no order`);
    return {
      _id: new Types.ObjectId(orderId),
      field: isCancellation ? CANCELLATION_FIELD : PLACEMENT_FIELD,
    };
  },

  alongside(saga) {
    if (saga.definitionName !== PLACE_ORDER_SAGA || saga.status !== 'COMPLETED') return undefined;
    // Only the saga's compensation cancels a pending order, and a completed saga compensated
    // nothing, so the order is PENDING here.
    return { status: 'CONFIRMED', updatedAt: new Date(saga.updatedAt) };
  },
};
