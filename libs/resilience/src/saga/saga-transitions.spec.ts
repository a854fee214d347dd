import {
  afterAction,
  afterCompensation,
  nextMove,
  type SagaChanges,
  startingHistory,
  type StepOutcome,
} from './saga-transitions';
import type { SagaDefinition, SagaHistoryEntry, SagaInstance, SagaStep } from './saga.types';

const atMs = 1_000;

function step(
  name: string,
  shape: { compensates?: boolean; pivot?: boolean } = {},
): SagaStep<object> {
  return {
    name,
    action: async () => undefined,
    ...(shape.compensates ? { compensate: async () => undefined } : {}),
    ...(shape.pivot ? { pivot: true } : {}),
  };
}

// The place-order shape: a step with nothing to undo first, then three that compensate, the
// pivot, and one step after it.
const placeOrder: SagaDefinition<object> = {
  name: 'place-order',
  steps: [
    step('validate-user'),
    step('reserve-inventory', { compensates: true }),
    step('authorize-payment', { compensates: true }),
    step('schedule-shipping', { compensates: true }),
    step('capture-payment', { pivot: true }),
    step('send-receipt'),
  ],
};

function sagaAt(
  status: SagaInstance['status'],
  currentStep: number,
  overrides: Partial<SagaInstance> = {},
): SagaInstance {
  return {
    id: 'saga-1',
    definitionName: placeOrder.name,
    status,
    currentStep,
    data: { orderId: 'o-1' },
    history: [],
    owner: 'orchestrator-1',
    leaseExpiresAt: 5_000,
    version: 3,
    failureReason: null,
    createdAt: 0,
    updatedAt: 500,
    ...overrides,
  };
}

const succeeded = (attempts = 1, patch: object | void = undefined): StepOutcome => ({
  succeeded: true,
  patch,
  attempts,
});
const failed = (error: unknown = new Error('declined'), attempts = 1): StepOutcome => ({
  succeeded: false,
  error,
  attempts,
});

function entry(
  stepName: string,
  phase: SagaHistoryEntry['phase'],
  outcome: SagaHistoryEntry['outcome'],
  attempts: number | null = null,
  error: string | null = null,
): SagaHistoryEntry {
  return { step: stepName, phase, outcome, attempts, error, at: atMs };
}

describe(startingHistory.name, () => {
  it('starts a new saga with the action of its first step', () => {
    expect(startingHistory(placeOrder, atMs)).toEqual([
      entry('validate-user', 'action', 'STARTED'),
    ]);
  });
});

describe(nextMove.name, () => {
  it("runs the current step's action while RUNNING", () => {
    const move = nextMove(sagaAt('RUNNING', 2), placeOrder);

    expect(move).toEqual({ kind: 'run', phase: 'action', steps: [placeOrder.steps[2]] });
  });

  it('fails a RUNNING saga whose definition has no step at currentStep any more', () => {
    const move = nextMove(sagaAt('RUNNING', 9), placeOrder);

    expect(move).toEqual({
      kind: 'write',
      changes: { status: 'FAILED', failureReason: 'definition "place-order" has no step 9' },
    });
  });

  it('runs the compensation of the step at or before currentStep that has one while COMPENSATING', () => {
    const move = nextMove(sagaAt('COMPENSATING', 3), placeOrder);

    expect(move).toEqual({ kind: 'run', phase: 'compensation', step: placeOrder.steps[3] });
  });

  it('ends a COMPENSATING saga as COMPENSATED when no step before it has a compensation', () => {
    const move = nextMove(sagaAt('COMPENSATING', 0), placeOrder);

    expect(move).toEqual({ kind: 'write', changes: { status: 'COMPENSATED' } });
  });
});

describe(afterAction.name, () => {
  describe('when the action succeeded', () => {
    it('moves on to the next step and records its start', () => {
      const saga = sagaAt('RUNNING', 1, {
        history: [entry('reserve-inventory', 'action', 'STARTED')],
      });

      const changes = afterAction(saga, placeOrder, [succeeded(2)], atMs);

      expect(changes).toEqual<SagaChanges>({
        data: saga.data,
        currentStep: 2,
        history: [
          entry('reserve-inventory', 'action', 'STARTED'),
          entry('reserve-inventory', 'action', 'SUCCEEDED', 2),
          entry('authorize-payment', 'action', 'STARTED'),
        ],
      });
    });

    it("merges the action's patch into the data", () => {
      const changes = afterAction(
        sagaAt('RUNNING', 2),
        placeOrder,
        [succeeded(1, { paymentId: 'p-1' })],
        atMs,
      );

      expect(changes.data).toEqual({ orderId: 'o-1', paymentId: 'p-1' });
    });

    it('completes the saga after its last step', () => {
      const changes = afterAction(sagaAt('RUNNING', 5), placeOrder, [succeeded()], atMs);

      expect(changes).toMatchObject({ status: 'COMPLETED', currentStep: 6 });
      expect(changes.history).toEqual([entry('send-receipt', 'action', 'SUCCEEDED', 1)]);
    });

    it('leaves the saga it was given untouched', () => {
      const saga = sagaAt('RUNNING', 1);
      const history = saga.history;

      afterAction(saga, placeOrder, [succeeded(1, { paymentId: 'p-1' })], atMs);

      expect(saga.history).toBe(history);
      expect(saga.data).toEqual({ orderId: 'o-1' });
    });
  });

  describe('when the action failed', () => {
    it('compensates from the last completed step that has a compensation, skipping the failed one', () => {
      const changes = afterAction(
        sagaAt('RUNNING', 3),
        placeOrder,
        [failed(new Error('no courier'), 2)],
        atMs,
      );

      expect(changes).toEqual<SagaChanges>({
        status: 'COMPENSATING',
        currentStep: 2,
        failureReason: 'schedule-shipping: Error: no courier',
        history: [
          entry('schedule-shipping', 'action', 'FAILED', 2, 'Error: no courier'),
          entry('authorize-payment', 'compensation', 'STARTED'),
        ],
      });
    });

    it('starts with the failed step itself when its failure leaves its effect unknown', () => {
      const uncertain: SagaDefinition<object> = {
        ...placeOrder,
        steps: placeOrder.steps.map((candidate) =>
          candidate.name === 'authorize-payment'
            ? { ...candidate, compensatesFailedAction: true }
            : candidate,
        ),
      };

      const changes = afterAction(sagaAt('RUNNING', 2), uncertain, [failed()], atMs);

      expect(changes).toMatchObject({ status: 'COMPENSATING', currentStep: 2 });
    });

    it('ends COMPENSATED at once when no completed step has anything to undo', () => {
      const changes = afterAction(sagaAt('RUNNING', 1), placeOrder, [failed()], atMs);

      expect(changes).toEqual<SagaChanges>({
        status: 'COMPENSATED',
        failureReason: 'reserve-inventory: Error: declined',
        history: [entry('reserve-inventory', 'action', 'FAILED', 1, 'Error: declined')],
      });
    });

    it.each([
      ['the pivot', 4],
      ['a step after the pivot', 5],
    ])('fails the saga for a human to look at when %s gave up', (_, index) => {
      const changes = afterAction(
        sagaAt('RUNNING', index),
        placeOrder,
        [failed('gateway down', 7)],
        atMs,
      );

      expect(changes).toEqual<SagaChanges>({
        status: 'FAILED',
        failureReason: `${placeOrder.steps[index].name}: gateway down`,
        history: [entry(placeOrder.steps[index].name, 'action', 'FAILED', 7, 'gateway down')],
      });
    });

    it('compensates after a failure of the last step when the saga has no pivot', () => {
      const withoutPivot = { ...placeOrder, steps: placeOrder.steps.slice(0, 4) };

      const changes = afterAction(sagaAt('RUNNING', 3), withoutPivot, [failed()], atMs);

      expect(changes).toMatchObject({ status: 'COMPENSATING', currentStep: 2 });
    });
  });
});

describe(afterCompensation.name, () => {
  it('moves on to the previous step that has a compensation and records its start', () => {
    const changes = afterCompensation(sagaAt('COMPENSATING', 2), placeOrder, 3, atMs);

    expect(changes).toEqual<SagaChanges>({
      currentStep: 1,
      history: [
        entry('authorize-payment', 'compensation', 'SUCCEEDED', 3),
        entry('reserve-inventory', 'compensation', 'STARTED'),
      ],
    });
  });

  it('ends COMPENSATED once the first step that has a compensation is undone', () => {
    const changes = afterCompensation(sagaAt('COMPENSATING', 1), placeOrder, 1, atMs);

    expect(changes).toEqual<SagaChanges>({
      status: 'COMPENSATED',
      currentStep: 1,
      history: [entry('reserve-inventory', 'compensation', 'SUCCEEDED', 1)],
    });
  });
});

describe('a group of steps that run together', () => {
  // authorize-payment and schedule-shipping run as one group.
  const paired: SagaDefinition<object> = {
    name: 'place-order',
    steps: placeOrder.steps.map((candidate) =>
      candidate.name === 'schedule-shipping' ? { ...candidate, runsWithPrevious: true } : candidate,
    ),
  };

  it('is one move: the actions of all its steps', () => {
    const move = nextMove(sagaAt('RUNNING', 2), paired);

    expect(move).toEqual({ kind: 'run', phase: 'action', steps: paired.steps.slice(2, 4) });
  });

  it('moves on past the whole group once every step succeeded, merging their patches in order', () => {
    const changes = afterAction(
      sagaAt('RUNNING', 2),
      paired,
      [succeeded(1, { paymentId: 'p-1' }), succeeded(2, { shipmentId: 's-1' })],
      atMs,
    );

    expect(changes).toEqual<SagaChanges>({
      data: { orderId: 'o-1', paymentId: 'p-1', shipmentId: 's-1' },
      currentStep: 4,
      history: [
        entry('authorize-payment', 'action', 'SUCCEEDED', 1),
        entry('schedule-shipping', 'action', 'SUCCEEDED', 2),
        entry('capture-payment', 'action', 'STARTED'),
      ],
    });
  });

  it('compensates from the step of the group that succeeded, not the one that failed', () => {
    const changes = afterAction(
      sagaAt('RUNNING', 2),
      paired,
      [failed(new Error('declined'), 1), succeeded(1, { shipmentId: 's-1' })],
      atMs,
    );

    expect(changes).toEqual<SagaChanges>({
      data: { orderId: 'o-1', shipmentId: 's-1' },
      status: 'COMPENSATING',
      currentStep: 3,
      failureReason: 'authorize-payment: Error: declined',
      history: [
        entry('authorize-payment', 'action', 'FAILED', 1, 'Error: declined'),
        entry('schedule-shipping', 'action', 'SUCCEEDED', 1),
        entry('schedule-shipping', 'compensation', 'STARTED'),
      ],
    });
  });

  it('skips the failed step of the group on the way back', () => {
    const saga = sagaAt('COMPENSATING', 3, {
      history: [
        entry('authorize-payment', 'action', 'FAILED', 1, 'Error: declined'),
        entry('schedule-shipping', 'action', 'SUCCEEDED', 1),
      ],
    });

    const changes = afterCompensation(saga, paired, 1, atMs);

    expect(changes.currentStep).toBe(1);
  });

  it('undoes a failed step too when its failure leaves its effect unknown', () => {
    const uncertain: SagaDefinition<object> = {
      ...paired,
      steps: paired.steps.map((candidate) =>
        candidate.name === 'authorize-payment'
          ? { ...candidate, compensatesFailedAction: true }
          : candidate,
      ),
    };
    const saga = sagaAt('COMPENSATING', 3, {
      history: [
        entry('authorize-payment', 'action', 'FAILED', 1, 'Error: timed out'),
        entry('schedule-shipping', 'action', 'SUCCEEDED', 1),
      ],
    });

    const changes = afterCompensation(saga, uncertain, 1, atMs);

    expect(changes.currentStep).toBe(2);
    expect(changes.history?.at(-1)).toEqual(entry('authorize-payment', 'compensation', 'STARTED'));
  });
});
