import { type Clock, type ClockTimer, systemClock } from '../clock/clock';
import { type Random, systemRandom } from '../clock/random';
import { brokenCircuitBehind } from '../breaker/broken-circuit.error';
import { type Disposable, EventEmitter } from '../policy/events';
import {
  type AbortListener,
  abortErrorFrom,
  AttemptContext,
  type ExecutionContext,
} from '../policy/execution-context';
import {
  ComposablePolicy,
  type Operation,
  type Pipeline,
  proceed,
  rejectLater,
} from '../policy/policy';
import { PolicyDisposedError } from '../policy/policy-disposed.error';
import { nonNegative, positive, positiveCount } from '../policy/validate-options';
import { type Backoff, exponential } from './backoff';

export interface RetryOptions {
  /** Attempts in all, the first included; `Infinity` retries until success. Default `3`. */
  readonly maxAttempts?: number;
  /** Default `exponential()`: 100 ms doubling, full jitter, capped at 30 s. */
  readonly backoff?: Backoff;
  /** Caps every delay the backoff proposes. Default: no extra cap. */
  readonly maxDelayMs?: number;
  /**
   * Time budget from the start of the first attempt. No attempt starts after it, and a delay
   * that would end at or after it is not slept: the retry gives up with the last error.
   * Default: none.
   */
  readonly deadlineMs?: number;
  /**
   * Whether an error is worth another attempt. Default: every error. Whatever it says, an open
   * circuit (a `BrokenCircuitError`, also as the `cause` of another error: see
   * {@link brokenCircuitBehind}) and an aborted call are never retried.
   */
  readonly isTransient?: (error: unknown) => boolean;
  readonly clock?: Clock;
  readonly random?: Random;
}

export interface RetryEvent {
  /** The 1-based attempt that failed and will be retried. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export type GiveUpReason =
  'max-attempts' | 'deadline' | 'not-transient' | 'broken-circuit' | 'aborted' | 'disposed';

export interface GiveUpEvent {
  /** Attempts made. */
  readonly attempts: number;
  readonly error: unknown;
  readonly reason: GiveUpReason;
}

/** @internal What to do after a failed attempt. */
export type RetryPlan =
  { readonly delayMs: number; readonly reason?: undefined } | { readonly reason: GiveUpReason };

const everyErrorIsTransient = (): boolean => true;

/**
 * @internal
 * Settings only the saga orchestrator uses. A compensation (or a step past the pivot) must
 * eventually succeed, so it waits for an open circuit to let trial calls through (`retryAfterMs`)
 * instead of giving up; it still never calls into an open circuit early.
 */
export interface InternalRetrySettings {
  readonly waitsOutOpenCircuits: boolean;
}

/**
 * Retries failed calls with backoff. `dispose()` ends the retrying for good (see
 * {@link RetryPolicy.dispose}).
 *
 * @example
 * ```ts
 * const policy = retry({
 *   maxAttempts: 4,
 *   backoff: exponential({ initialDelayMs: 100, jitter: 'full' }),
 *   deadlineMs: 5_000,
 *   isTransient: (error) => isTimeoutError(error) || isConnectionError(error),
 * });
 * policy.onRetry(({ attempt, delayMs, error }) => logger.warn(`attempt ${attempt} failed, retrying in ${delayMs} ms`, error));
 * const user = await policy.execute(({ signal }) => users.find(id, { signal }));
 * ```
 */
export function retry(options: RetryOptions = {}): RetryPolicy {
  return new RetryPolicy(options);
}

/** See {@link retry}. */
export class RetryPolicy extends ComposablePolicy implements Disposable {
  readonly maxAttempts: number;
  readonly deadlineMs: number | undefined;
  /** @internal */
  readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly maxDelayMs: number;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly random: Random;
  private readonly retryEmitter = new EventEmitter<RetryEvent>();
  private readonly giveUpEmitter = new EventEmitter<GiveUpEvent>();

  /** Every retry, before its delay. */
  readonly onRetry = this.retryEmitter.event;
  /** Every call that failed for good. */
  readonly onGiveUp = this.giveUpEmitter.event;

  private readonly waitsOutOpenCircuits: boolean;
  /** Calls waiting out a backoff delay: what `dispose()` has to wake. */
  private readonly sleeps = new Set<BackoffSleep>();
  private isDisposed = false;

  constructor(
    options: RetryOptions = {},
    internal: InternalRetrySettings = { waitsOutOpenCircuits: false },
  ) {
    super();
    this.waitsOutOpenCircuits = internal.waitsOutOpenCircuits;
    this.maxAttempts = positiveCount('maxAttempts', options.maxAttempts ?? 3);
    this.deadlineMs =
      options.deadlineMs === undefined ? undefined : positive('deadlineMs', options.deadlineMs);
    this.backoff = options.backoff ?? exponential();
    this.maxDelayMs =
      options.maxDelayMs === undefined
        ? Number.POSITIVE_INFINITY
        : nonNegative('maxDelayMs', options.maxDelayMs);
    this.isTransient = options.isTransient ?? everyErrorIsTransient;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
  }

  /** @internal */
  async run<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    if (this.isDisposed) throw new PolicyDisposedError('retry policy');
    const startedAtMs = this.deadlineMs === undefined ? 0 : this.clock.now();
    let previousDelayMs = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await proceed(fn, new AttemptContext(context, attempt), pipeline, index);
      } catch (error) {
        const plan = this.plan(error, attempt, startedAtMs, previousDelayMs, context.isAborted);
        if (plan.reason !== undefined) throw error;
        try {
          await this.sleep(plan.delayMs, context);
        } catch (abortError) {
          this.giveUp(attempt, error, 'aborted');
          throw abortError;
        }
        const disposedError = this.endIfDisposed(attempt, error);
        if (disposedError) throw disposedError;
        if (this.isPastDeadline(startedAtMs)) {
          this.giveUp(attempt, error, 'deadline');
          throw error;
        }
        previousDelayMs = plan.delayMs;
      }
    }
  }

  /**
   * Ends the retrying: a call sleeping in backoff wakes at once (its timer cleared, its abort
   * listener removed) and rejects with a {@link PolicyDisposedError} whose `cause` is its last
   * error; a call whose attempt is running settles with that attempt's outcome, a failure
   * included, without another attempt; later calls reject with a `PolicyDisposedError`.
   * `onGiveUp` reports the calls it ended with reason `'disposed'`. Calling it again does
   * nothing.
   *
   * @example
   * ```ts
   * const policy = retry({ maxAttempts: Infinity });
   * onShutdown(() => policy.dispose());
   * ```
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const sleep of this.sleeps) sleep.wake();
  }

  /**
   * @internal
   * After a backoff delay: when the policy was disposed meanwhile, reports the call as given up
   * and returns the error to end it with. Shared by the promise and the observable forms.
   */
  endIfDisposed(attempts: number, error: unknown): PolicyDisposedError | undefined {
    if (!this.isDisposed) return undefined;
    this.giveUp(attempts, error, 'disposed');
    return new PolicyDisposedError('retry policy', { cause: error });
  }

  /**
   * @internal
   * Decides about a failed attempt and reports the decision (onRetry / onGiveUp). Shared by
   * the promise and the observable forms.
   */
  plan(
    error: unknown,
    attempt: number,
    startedAtMs: number,
    previousDelayMs: number,
    isAborted: boolean,
  ): RetryPlan {
    const reason = this.reasonToStop(error, attempt, isAborted);
    if (reason !== undefined) return this.giveUp(attempt, error, reason);
    let delayMs = Math.min(
      this.maxDelayMs,
      this.backoff.nextDelayMs(attempt, previousDelayMs, this.random),
    );
    const openCircuit = brokenCircuitBehind(error);
    if (openCircuit) delayMs = Math.max(delayMs, openCircuit.retryAfterMs);
    if (
      this.deadlineMs !== undefined &&
      this.clock.now() + delayMs >= startedAtMs + this.deadlineMs
    ) {
      return this.giveUp(attempt, error, 'deadline');
    }
    if (this.retryEmitter.hasListeners) this.retryEmitter.emit({ attempt, delayMs, error });
    return { delayMs };
  }

  /** @internal True once the deadline of a call that started at `startedAtMs` has come. */
  isPastDeadline(startedAtMs: number): boolean {
    return this.deadlineMs !== undefined && this.clock.now() >= startedAtMs + this.deadlineMs;
  }

  /** @internal */
  giveUp(attempts: number, error: unknown, reason: GiveUpReason): RetryPlan {
    if (this.giveUpEmitter.hasListeners) this.giveUpEmitter.emit({ attempts, error, reason });
    return { reason };
  }

  private reasonToStop(
    error: unknown,
    attempt: number,
    isAborted: boolean,
  ): GiveUpReason | undefined {
    if (isAborted) return 'aborted';
    if (this.isDisposed) return 'disposed';
    if (!this.waitsOutOpenCircuits && brokenCircuitBehind(error)) return 'broken-circuit';
    if (attempt >= this.maxAttempts) return 'max-attempts';
    let isTransient: boolean;
    try {
      isTransient = this.isTransient(error);
    } catch {
      // A predicate that cannot classify the error must not turn it into a retry storm.
      isTransient = false;
    }
    return isTransient ? undefined : 'not-transient';
  }

  /** Waits out a backoff delay; an abort ends the wait at once and clears the timer. */
  private sleep(delayMs: number, context: ExecutionContext): Promise<void> {
    if (context.isAborted) return rejectLater(abortErrorFrom(context.abortReason));
    return new Promise<void>((resolve, reject) => {
      new BackoffSleep(this.clock, this.sleeps, context, resolve, reject).start(delayMs);
    });
  }
}

/** One call waiting out a backoff delay: woken by its timer or by `dispose()`, ended by an abort. */
class BackoffSleep implements AbortListener {
  private timer: ClockTimer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sleeps: Set<BackoffSleep>,
    private readonly context: ExecutionContext,
    private readonly resolve: () => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(delayMs: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, delayMs);
    this.sleeps.add(this);
    this.context.addAbortListener(this);
  }

  wake(): void {
    this.stop();
    this.resolve();
  }

  onAbort(reason: unknown): void {
    this.stop();
    this.reject(abortErrorFrom(reason));
  }

  private stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.context.removeAbortListener(this);
    this.sleeps.delete(this);
  }
}
