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
 * - `run` `action`: run the actions of `steps` (the group at `currentStep`: one step, or several
 *   that run together) at once, then apply {@link afterAction} to their outcomes, in order;
 * - `run` `compensation`: run `step`'s compensation, then apply {@link afterCompensation};
 * - `write`: write `changes` without running anything (nothing is left to undo, or the
 *   definition has no step at `currentStep` any more).
 */
export type SagaMove =
  | {
      readonly kind: 'run';
      readonly phase: 'action';
      readonly steps: readonly SagaStep<object>[];
    }
  | { readonly kind: 'run'; readonly phase: 'compensation'; readonly step: SagaStep<object> }
  | { readonly kind: 'write'; readonly changes: SagaChanges };

/** @internal The history of a new saga: the actions of its first group have started. */
export function startingHistory(
  definition: SagaDefinition<object>,
  atMs: number,
): SagaHistoryEntry[] {
  return groupAt(definition.steps, 0).map((step) => historyEntry(step, 'action', 'STARTED', atMs));
}

/** @internal Where a saga that has not ended goes next; see {@link SagaMove}. */
export function nextMove(instance: SagaInstance, definition: SagaDefinition<object>): SagaMove {
  const steps = definition.steps;
  if (instance.status === 'RUNNING') {
    const group = groupAt(steps, instance.currentStep);
    if (group.length > 0) return { kind: 'run', phase: 'action', steps: group };
    return {
      kind: 'write',
      changes: {
        status: 'FAILED',
        failureReason: `definition "${instance.definitionName}" has no step ${instance.currentStep}`,
      },
    };
  }
  const index = previousCompensatable(steps, instance.currentStep, instance.history);
  if (index < 0) return { kind: 'write', changes: { status: 'COMPENSATED' } };
  return { kind: 'run', phase: 'compensation', step: steps[index] };
}

/**
 * @internal
 * The next state of a RUNNING saga once the actions of its current group ended (`outcomes` in
 * the order of the group's steps; a group is often one step). The patches of the steps that
 * succeeded are merged into `data`, in order. Then:
 * - all succeeded: on to the next group, or COMPLETED after the last;
 * - one failed at or after the pivot: FAILED (nothing there can be undone);
 * - one failed before it: COMPENSATING from the last completed step that has a compensation
 *   (steps of the group that succeeded included, the failed ones never: a failed action is not
 *   undone), or COMPENSATED at once when none has. The first failure, in step order, is the
 *   saga's failure reason.
 */
export function afterAction(
  instance: SagaInstance,
  definition: SagaDefinition<object>,
  outcomes: readonly StepOutcome[],
  atMs: number,
): SagaChanges {
  const steps = definition.steps;
  const first = instance.currentStep;
  let data = instance.data;
  const history = [...instance.history];
  const failures: string[] = [];
  outcomes.forEach((outcome, offset) => {
    const step = steps[first + offset];
    if (outcome.succeeded) {
      if (outcome.patch) data = { ...data, ...outcome.patch };
      history.push(historyEntry(step, 'action', 'SUCCEEDED', atMs, outcome.attempts));
      return;
    }
    const error = describeError(outcome.error);
    history.push(historyEntry(step, 'action', 'FAILED', atMs, outcome.attempts, error));
    failures.push(`${step.name}: ${error}`);
  });
  const last = first + outcomes.length - 1;
  if (failures.length === 0) {
    const next = groupAt(steps, last + 1);
    if (next.length === 0) return { data, history, status: 'COMPLETED', currentStep: last + 1 };
    for (const step of next) history.push(historyEntry(step, 'action', 'STARTED', atMs));
    return { data, history, currentStep: last + 1 };
  }

  const failureReason = failures[0];
  const patched = data === instance.data ? {} : { data };
  if (first >= pivotIndexOf(definition))
    return { ...patched, history, status: 'FAILED', failureReason };
  const undo = previousCompensatable(steps, last, history);
  if (undo < 0) return { ...patched, history, status: 'COMPENSATED', failureReason };
  history.push(historyEntry(steps[undo], 'compensation', 'STARTED', atMs));
  return { ...patched, history, status: 'COMPENSATING', currentStep: undo, failureReason };
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
  const index = previousCompensatable(steps, instance.currentStep, instance.history);
  const history = [
    ...instance.history,
    historyEntry(steps[index], 'compensation', 'SUCCEEDED', atMs, attempts),
  ];
  const undo = previousCompensatable(steps, index - 1, history);
  if (undo < 0) return { history, status: 'COMPENSATED', currentStep: index };
  history.push(historyEntry(steps[undo], 'compensation', 'STARTED', atMs));
  return { history, currentStep: undo };
}

/**
 * The step at or before `index` that has a compensation and whose action did not fail (the
 * failed ones of a group that failed are skipped: a failed action is not undone), or -1.
 */
function previousCompensatable(
  steps: readonly SagaStep<object>[],
  index: number,
  history: readonly SagaHistoryEntry[],
): number {
  for (let candidate = index; candidate >= 0; candidate--) {
    const step = steps[candidate];
    if (step.compensate && (step.compensatesFailedAction || !hasFailed(step, history)))
      return candidate;
  }
  return -1;
}

/** Whether the last run of the step's action failed. */
function hasFailed(step: SagaStep<object>, history: readonly SagaHistoryEntry[]): boolean {
  for (let index = history.length - 1; index >= 0; index--) {
    const entry = history[index];
    if (entry.step === step.name && entry.phase === 'action' && entry.outcome !== 'STARTED')
      return entry.outcome === 'FAILED';
  }
  return false;
}

/** The step at `index` and the ones after it that run with their previous step. */
function groupAt(steps: readonly SagaStep<object>[], index: number): SagaStep<object>[] {
  if (index >= steps.length) return [];
  let end = index + 1;
  while (end < steps.length && steps[end].runsWithPrevious) end++;
  return steps.slice(index, end);
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
