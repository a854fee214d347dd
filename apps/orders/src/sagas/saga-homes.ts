import { SagaInstance } from '@shop/resilience';
import { Types } from 'mongoose';
import { cancellationSagaId } from '../cancel-order/cancel-order.saga';
import { PLACE_ORDER_SAGA } from '../place-order/place-order.saga';
import { SagaHomeMissingError } from './saga-home-missing.error';

/** The document a saga lives in, and the field of it that holds the saga. */
export interface SagaHome {
  _id: Types.ObjectId | string;
  field: string;
}

/**
 * Where a {@link MongoSagaStore} keeps each saga: inside the document of the record it acts
 * for, so that the record and its saga can be written together. A document holds at most one
 * active saga at a time (an order's cancellation starts once its placement completed): the
 * store marks documents, not fields, as holding one.
 */
export interface SagaHomes {
  /** Every field that may hold a saga; recovery looks in each. */
  readonly fields: readonly string[];
  /** Whether `create` makes the home document when it is missing. Default false. */
  readonly createsHomes?: boolean;
  of(sagaId: string): SagaHome;
  /**
   * Fields of the home document to set in the write that saves `saga`: a change that must
   * happen exactly when the saga reaches a state (an order is CONFIRMED exactly when its
   * place-order saga is COMPLETED) belongs in that write, not in a step of its own.
   */
  changesOnSave?(saga: SagaInstance): Record<string, unknown> | undefined;
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
      throw new SagaHomeMissingError(sagaId, 'names no order');
    return {
      _id: new Types.ObjectId(orderId),
      field: isCancellation ? CANCELLATION_FIELD : PLACEMENT_FIELD,
    };
  },

  changesOnSave(saga) {
    if (saga.definitionName !== PLACE_ORDER_SAGA || saga.status !== 'COMPLETED') return undefined;
    // The order is PENDING here: only this write confirms an order, a cancellation needs it
    // CONFIRMED, and a completed saga compensated nothing. (A saga of an earlier version,
    // which confirmed the order in its last step, is moved as COMPLETED once past that point:
    // legacy-sagas.migration.ts.)
    return { status: 'CONFIRMED', updatedAt: new Date(saga.updatedAt) };
  },
};
