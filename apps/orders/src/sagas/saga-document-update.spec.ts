import { SagaHistoryEntry, SagaInstance } from '@shop/resilience';
import { sagaDocumentUpdate } from './saga-document-update';

function entry(step: string, outcome: SagaHistoryEntry['outcome']): SagaHistoryEntry {
  return {
    step,
    phase: 'action',
    outcome,
    attempts: outcome === 'STARTED' ? null : 1,
    error: null,
    at: 1,
  };
}

const started: SagaInstance = {
  id: 'order-1',
  definitionName: 'place-order',
  status: 'RUNNING',
  currentStep: 0,
  data: { orderId: 'order-1', lines: [{ productId: 'p-1', quantity: 2 }] },
  history: [entry('validate-user', 'STARTED')],
  owner: 'orders-a',
  leaseExpiresAt: 10_000,
  version: 1,
  failureReason: null,
  createdAt: 0,
  updatedAt: 0,
};

describe(sagaDocumentUpdate.name, () => {
  it('sets only the fields a step changed and pushes the history entries it added', () => {
    const next: SagaInstance = {
      ...started,
      currentStep: 1,
      history: [
        ...started.history,
        entry('validate-user', 'SUCCEEDED'),
        entry('reserve', 'STARTED'),
      ],
      leaseExpiresAt: 12_000,
      version: 2,
      updatedAt: 2_000,
    };

    const update = sagaDocumentUpdate(started, next);

    expect(update).toEqual({
      $set: { currentStep: 1, leaseExpiresAt: 12_000, version: 2, updatedAt: 2_000 },
      $push: {
        history: { $each: [entry('validate-user', 'SUCCEEDED'), entry('reserve', 'STARTED')] },
      },
    });
  });

  it('sets the data when a step patched it, even as an equal copy of another object', () => {
    const next: SagaInstance = {
      ...started,
      data: { ...started.data, paymentId: 'pay-1' },
      version: 2,
    };

    const update = sagaDocumentUpdate(started, { ...next, data: { ...started.data } });
    const patched = sagaDocumentUpdate(started, next);

    expect(update).toEqual({ $set: { version: 2 } });
    expect(patched.$set).toEqual({ data: next.data, version: 2 });
  });

  it('rewrites a history that is not the previous one plus new entries', () => {
    const next: SagaInstance = { ...started, history: [entry('reserve', 'STARTED')], version: 2 };

    const update = sagaDocumentUpdate(started, next);

    expect(update).toEqual({ $set: { history: next.history, version: 2 } });
  });
});
