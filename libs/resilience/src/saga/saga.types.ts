import type { RetryOptions } from '../retry/retry';

/**
 * Where a saga is.
 * - `RUNNING`: running step `currentStep` forward.
 * - `COMPENSATING`: undoing completed steps in reverse; `currentStep` is the next to undo.
 * - `COMPLETED`: every step succeeded.
 * - `COMPENSATED`: a step before the pivot failed and every completed step was undone.
 * - `FAILED`: a step at or after the pivot gave up (only possible when its retry was bounded):
 *   nothing can be undone there, so a human has to look.
 */
export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';

export function isTerminalSagaStatus(status: SagaStatus): boolean {
  return status === 'COMPLETED' || status === 'COMPENSATED' || status === 'FAILED';
}

/** One line of a saga's history. Times are epoch milliseconds. */
export interface SagaHistoryEntry {
  readonly step: string;
  readonly phase: 'action' | 'compensation';
  readonly outcome: 'STARTED' | 'SUCCEEDED' | 'FAILED';
  /** Attempts made, on SUCCEEDED and FAILED. */
  readonly attempts: number | null;
  readonly error: string | null;
  readonly at: number;
}

/**
 * A saga as persisted by a {@link SagaStore}. Plain JSON: stores may keep it as one document.
 */
export interface SagaInstance<TData extends object = Record<string, unknown>> {
  readonly id: string;
  readonly definitionName: string;
  readonly status: SagaStatus;
  /**
   * Index into the definition's steps: the next to run (RUNNING; the first of its group) or to
   * undo (COMPENSATING).
   */
  readonly currentStep: number;
  readonly data: TData;
  readonly history: readonly SagaHistoryEntry[];
  /** The orchestrator that holds (or last held) the lease. */
  readonly owner: string | null;
  /** Until when the owner may work on the saga (epoch ms); null once terminal. */
  readonly leaseExpiresAt: number | null;
  /** Incremented by every write; writes compare-and-set on it. */
  readonly version: number;
  readonly failureReason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * W3C trace context (`traceparent`, `tracestate`) of the saga's first run, when a tracing SDK
   * was running: a run resumed elsewhere continues that trace. Written once, at creation.
   */
  readonly traceContext?: SagaTraceContext;
}

/** Trace context headers as strings, as a document can keep them. */
export type SagaTraceContext = Readonly<Record<string, string>>;

/** Retry settings of a step; the orchestrator supplies clock and randomness. */
export type SagaStepRetryOptions = Omit<RetryOptions, 'clock' | 'random'>;

/** What a step's action and compensation receive. */
export interface SagaStepContext<TData extends object> {
  readonly sagaId: string;
  readonly definitionName: string;
  readonly stepName: string;
  /**
   * `${sagaId}:${stepName}` for the action, `${sagaId}:${stepName}:compensate` for the
   * compensation. Downstream handlers answer a repeat of a key with the first result, which
   * makes re-running a step after a crash safe.
   */
  readonly idempotencyKey: string;
  readonly data: Readonly<TData>;
  /** Aborts on the step's timeout, on shutdown, or when the saga's lease is lost. */
  readonly signal: AbortSignal;
  /** 1-based attempt of this run of the step. */
  readonly attempt: number;
}

/** One step of a saga. */
export interface SagaStep<TData extends object> {
  readonly name: string;
  /** Does the step. May return a patch that is shallow-merged into the saga data. */
  action(context: SagaStepContext<TData>): Promise<Partial<TData> | void>;
  /** Undoes the step; retried with backoff until it succeeds. Omit for steps with nothing to undo. */
  compensate?(context: SagaStepContext<TData>): Promise<void>;
  /**
   * Undo this step even when its action failed. For actions whose failure leaves their effect
   * unknown: a remote call that timed out may still be carried out once the other side catches
   * up (an authorization taken from the queue after a paused service resumes). The compensation
   * then has to cope with nothing to undo. Default: a failed action is not compensated.
   */
  readonly compensatesFailedAction?: boolean;
  /**
   * Retry of the action. Before the pivot the default is a single attempt (a failure starts the
   * compensation); at and after the pivot the default retries every error until success.
   */
  readonly retry?: SagaStepRetryOptions;
  /** Per-attempt timeout of the action and of the compensation. */
  readonly timeoutMs?: number;
  /** The point of no return: this step and the ones after it are retried forward, never undone. */
  readonly pivot?: boolean;
  /**
   * Runs together with the step before it, as one group, for steps that need nothing from each
   * other: their actions start at once, and the saga is written once before the group and once
   * after all of them ended, so each step is still persisted before and after it runs, with one
   * write fewer for every step that joins a group. If one fails, the others are waited for, and
   * those that succeeded are compensated with the earlier steps. The pivot runs alone.
   */
  readonly runsWithPrevious?: boolean;
}

/** A named, ordered list of steps. */
export interface SagaDefinition<TData extends object> {
  readonly name: string;
  readonly steps: readonly SagaStep<TData>[];
}
