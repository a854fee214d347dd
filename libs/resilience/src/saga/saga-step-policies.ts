import type { Clock } from '../clock/clock';
import type { Random } from '../clock/random';
import { compose } from '../policy/compose';
import type { Policy } from '../policy/policy';
import type { Backoff } from '../retry/backoff';
import { retry, RetryPolicy } from '../retry/retry';
import { timeout } from '../timeout/timeout';
import { pivotIndexOf } from './saga-definition';
import type { SagaDefinition, SagaStep } from './saga.types';

/** @internal The orchestrator settings step policies are built from. */
export interface SagaStepPolicySettings {
  readonly clock: Clock;
  readonly random: Random;
  /** Backoff of steps retried forward (the pivot and after). */
  readonly forwardBackoff: Backoff;
  /** Backoff of compensations, which are retried until they succeed. */
  readonly compensationBackoff: Backoff;
}

/** @internal The policies one step runs under, per phase. */
export interface StepPolicies {
  readonly action: Policy;
  readonly compensation: Policy;
}

/**
 * @internal
 * Which retry and timeout each step of one saga definition gets, built on first use:
 * - before the pivot, the action runs once (or per the step's `retry`), and an open circuit
 *   fails it at once, so the saga compensates quickly;
 * - at and after the pivot, the action is retried until it succeeds (unless the step bounds its
 *   `retry`), and compensations always are; both wait out an open circuit (`retryAfterMs`)
 *   instead of giving up;
 * - the step's `timeoutMs` bounds every attempt of either phase.
 */
export class SagaStepPolicies {
  private readonly pivotIndex: number;
  private readonly policies = new Map<SagaStep<object>, StepPolicies>();

  constructor(
    private readonly definition: SagaDefinition<object>,
    private readonly settings: SagaStepPolicySettings,
  ) {
    this.pivotIndex = pivotIndexOf(definition);
  }

  of(step: SagaStep<object>): StepPolicies {
    let policies = this.policies.get(step);
    if (!policies) {
      policies = this.build(step);
      this.policies.set(step, policies);
    }
    return policies;
  }

  private build(step: SagaStep<object>): StepPolicies {
    const { clock, random, forwardBackoff, compensationBackoff } = this.settings;
    const index = this.definition.steps.indexOf(step);
    const isForwardOnly = index >= this.pivotIndex;
    const perAttempt = step.timeoutMs === undefined ? [] : [timeout(step.timeoutMs, { clock })];
    const shared = { clock, random };
    // Before the pivot an open circuit fails the step (and the saga compensates at once);
    // past it, and while compensating, the saga must get through, so it waits the circuit out.
    const untilSuccess = { waitsOutOpenCircuits: true };
    const actionRetry = isForwardOnly
      ? new RetryPolicy(
          {
            maxAttempts: Number.POSITIVE_INFINITY,
            backoff: forwardBackoff,
            ...step.retry,
            ...shared,
          },
          untilSuccess,
        )
      : retry({ maxAttempts: 1, ...step.retry, ...shared });
    const compensationRetry = new RetryPolicy(
      { maxAttempts: Number.POSITIVE_INFINITY, backoff: compensationBackoff, ...shared },
      untilSuccess,
    );
    return {
      action: compose(actionRetry, ...perAttempt),
      compensation: compose(compensationRetry, ...perAttempt),
    };
  }
}
