import { describeError } from '../policy/describe-error';
import { pivotIndexOf } from './saga-definition';
import type { SagaDefinition, SagaHistoryEntry, SagaInstance, SagaStep } from './saga.types';

/** @internal Which half of a step runs. */
export type SagaPhase = SagaHistoryEntry['phase'];

/** @internal How running an action or a compensation ended, retries included. */
export type StepOutcome =
  | { readonly succeeded: true; readonly patch: object | void; readonly attempts: number }
  | { readonly succeeded: false; readonly error: unknown; readonly attempts: number };

/**
 * @internal
 * What one write changes in a saga. The rest of the write (owner, lease, version, updatedAt)
 * is the orchestrator's.
 */
export type SagaChanges = Partial<
  Pick<SagaInstance, 'status' | 'currentStep' | 'data' | 'history' | 'failureReason'>
>;

/**
 * @internal
 * What the orchestrator does next with a saga that has not ended:
 * - `run`: run `step`'s action (RUNNING) or compensation (COMPENSATING), then apply
 *   {@link afterAction} or {@link afterCompensation};
 * - `write`: write `changes` without running anything (nothing is left to undo, or the
 *   definition has no step at `currentStep` any more).
 */
export type SagaMove =
  | { readonly kind: 'run'; readonly phase: SagaPhase; readonly step: SagaStep<object> }
  | { readonly kind: 'write'; readonly changes: SagaChanges };

/** @internal The history of a new saga: its first action has started. */
export function startingHistory(
  definition: SagaDefinition<object>,
  atMs: number,
): SagaHistoryEntry[] {
  return [historyEntry(definition.steps[0], 'action', 'STARTED', atMs)];
}

/** @internal Where a saga that has not ended goes next; see {@link SagaMove}. */
export function nextMove(instance: SagaInstance, definition: SagaDefinition<object>): SagaMove {
  const steps = definition.steps;
  if (instance.status === 'RUNNING') {
    const step = steps[instance.currentStep];
    if (step) return { kind: 'run', phase: 'action', step };
    return {
      kind: 'write',
      changes: {
        status: 'FAILED',
        failureReason: `definition "${instance.definitionName}" has no step ${instance.currentStep}`,
      },
    };
  }
  const index = previousCompensatable(steps, instance.currentStep);
  if (index < 0) return { kind: 'write', changes: { status: 'COMPENSATED' } };
  return { kind: 'run', phase: 'compensation', step: steps[index] };
}

/**
 * @internal
 * The next state of a RUNNING saga once the action of its current step ended:
 * - succeeded: its patch merged into `data`, on to the next step, or COMPLETED after the last;
 * - failed at or after the pivot: FAILED (nothing there can be undone);
 * - failed before it: COMPENSATING from the last completed step that has a compensation, or
 *   COMPENSATED at once when none has.
 */
export function afterAction(
  instance: SagaInstance,
  definition: SagaDefinition<object>,
  outcome: StepOutcome,
  atMs: number,
): SagaChanges {
  const steps = definition.steps;
  const index = instance.currentStep;
  const step = steps[index];
  if (outcome.succeeded) {
    const data = outcome.patch ? { ...instance.data, ...outcome.patch } : instance.data;
    const history = [
      ...instance.history,
      historyEntry(step, 'action', 'SUCCEEDED', atMs, outcome.attempts),
    ];
    const next = steps[index + 1];
    if (!next) return { data, history, status: 'COMPLETED', currentStep: index + 1 };
    history.push(historyEntry(next, 'action', 'STARTED', atMs));
    return { data, history, currentStep: index + 1 };
  }

  const error = describeError(outcome.error);
  const history = [
    ...instance.history,
    historyEntry(step, 'action', 'FAILED', atMs, outcome.attempts, error),
  ];
  const failureReason = `${step.name}: ${error}`;
  if (index >= pivotIndexOf(definition)) return { history, status: 'FAILED', failureReason };
  const undo = previousCompensatable(steps, index - 1);
  if (undo < 0) return { history, status: 'COMPENSATED', failureReason };
  history.push(historyEntry(steps[undo], 'compensation', 'STARTED', atMs));
  return { history, status: 'COMPENSATING', currentStep: undo, failureReason };
}

/**
 * @internal
 * The next state of a COMPENSATING saga once the compensation {@link nextMove} chose succeeded
 * (compensations are retried until they do): on to the previous step that has one, or
 * COMPENSATED when none is left.
 */
export function afterCompensation(
  instance: SagaInstance,
  definition: SagaDefinition<object>,
  attempts: number,
  atMs: number,
): SagaChanges {
  const steps = definition.steps;
  const index = previousCompensatable(steps, instance.currentStep);
  const history = [
    ...instance.history,
    historyEntry(steps[index], 'compensation', 'SUCCEEDED', atMs, attempts),
  ];
  const undo = previousCompensatable(steps, index - 1);
  if (undo < 0) return { history, status: 'COMPENSATED', currentStep: index };
  history.push(historyEntry(steps[undo], 'compensation', 'STARTED', atMs));
  return { history, currentStep: undo };
}

/** The completed step at or before `index` that has a compensation, or -1. */
function previousCompensatable(steps: readonly SagaStep<object>[], index: number): number {
  for (let candidate = index; candidate >= 0; candidate--) {
    if (steps[candidate].compensate) return candidate;
  }
  return -1;
}

function historyEntry(
  step: SagaStep<object>,
  phase: SagaPhase,
  outcome: SagaHistoryEntry['outcome'],
  at: number,
  attempts: number | null = null,
  error: string | null = null,
): SagaHistoryEntry {
  return { step: step.name, phase, outcome, attempts, error, at };
}
