import { Document, ObjectId } from 'mongodb';

/**
 * A copy of a stored order as a version that stored sagas apart could leave one after a crash
 * between its two writes: PENDING, overdue, and without a saga, for the sweeper to start. This
 * version cannot leave one: it inserts an order with its place-order saga in one write.
 */
export function unstartedCopyOf(order: Document, overdue: Date): Document {
  const {
    placement: _placement,
    placementStatus: _placementStatus,
    cancellation: _cancellation,
    cancellationStatus: _cancellationStatus,
    hasActiveSaga: _hasActiveSaga,
    ...withoutSagas
  } = order;
  const _id = new ObjectId();
  return {
    ...withoutSagas,
    _id,
    idempotencyKey: `unstarted-${_id.toHexString()}`,
    status: 'PENDING',
    outbox: [],
    eventPending: false,
    createdAt: overdue,
    updatedAt: overdue,
  };
}
