import { type Clock, systemClock } from '../clock/clock';
import { type Disposable, EventEmitter } from '../policy/events';
import type { ExecutionContext } from '../policy/execution-context';
import {
  ComposablePolicy,
  type Operation,
  type Pipeline,
  proceed,
  rejectLater,
} from '../policy/policy';
import { nonNegative, positiveInteger, ratio } from '../policy/validate-options';
import { BrokenCircuitError, type RejectingCircuitState } from './broken-circuit.error';
import { CircuitState } from './circuit-state';
import {
  createSlidingWindow,
  failureBit,
  slowBit,
  type SlidingWindow,
  type SlidingWindowOptions,
  successBit,
} from './sliding-window';

/**
 * Configuration of a {@link CircuitBreaker}. Every field has a default.
 */
export interface CircuitBreakerOptions {
  /** Names the breaker in errors, events and snapshots. Default `'default'`. */
  readonly name?: string;
  /** The calls the rates are computed over. Default `{ type: 'count', size: 100 }`. */
  readonly slidingWindow?: SlidingWindowOptions;
  /** Opens when failed calls / calls in the window reach this ratio, in (0, 1]. Default `0.5`. */
  readonly failureRateThreshold?: number;
  /** No rate is judged before the window holds this many calls. Default `10`. */
  readonly minimumNumberOfCalls?: number;
  /** A call that takes longer than this is slow. Default: slow calls are not tracked. */
  readonly slowCallDurationMs?: number;
  /** Opens when slow calls / calls reach this ratio, in (0, 1]. Default `1` (all slow). */
  readonly slowCallRateThreshold?: number;
  /** How long the breaker stays open before letting trial calls through. Default `30_000`. */
  readonly openDurationMs?: number;
  /**
   * Trial calls let through while half-open; the breaker closes when all succeed and opens
   * again on the first that fails (or is slow). Callers beyond these are rejected at once,
   * never queued. Default `1`.
   */
  readonly halfOpenTrialCalls?: number;
  /**
   * Whether an error counts against the downstream. Errors for which it returns false (a 4xx
   * business error: the downstream answered) count as successes. Default: every error counts.
   */
  readonly countsAsFailure?: (error: unknown) => boolean;
  readonly clock?: Clock;
}

/** Why a breaker changed state. */
export type CircuitTransitionReason =
  | 'failure-rate'
  | 'slow-call-rate'
  | 'open-duration-elapsed'
  | 'trial-failed'
  | 'trials-succeeded'
  | 'isolated'
  | 'released'
  | 'reset';

export interface CircuitStateChange {
  readonly breakerName: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: CircuitTransitionReason;
  /** Failure rate of the window when the change happened. */
  readonly failureRate: number;
  readonly slowCallRate: number;
  readonly atMs: number;
}

export interface CircuitCallSuccess {
  readonly breakerName: string;
  readonly state: CircuitState;
  /** Measured when slow calls are tracked or someone listens to outcomes. */
  readonly durationMs: number | undefined;
}

export interface CircuitCallFailure {
  readonly breakerName: string;
  readonly state: CircuitState;
  readonly error: unknown;
  /** False for errors `countsAsFailure` let through (they were recorded as successes). */
  readonly countedAsFailure: boolean;
  readonly durationMs: number | undefined;
}

export interface CircuitCallRejection {
  readonly breakerName: string;
  readonly error: BrokenCircuitError;
}

/**
 * The state of a breaker for health checks and metrics.
 */
export interface CircuitBreakerSnapshot {
  readonly name: string;
  readonly state: CircuitState;
  /** Calls, failures and slow calls in the sliding window. */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** Ratios in [0, 1]; 0 while the window is empty. */
  readonly failureRate: number;
  readonly slowCallRate: number;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number | undefined;
  readonly minimumNumberOfCalls: number;
  /** When the breaker last opened (epoch ms), while OPEN. */
  readonly openedAtMs: number | undefined;
  /** When it will let trial calls through (epoch ms), while OPEN. */
  readonly halfOpensAtMs: number | undefined;
  /** While rejecting: what a rejected caller would be told in `retryAfterMs`. */
  readonly retryAfterMs: number | undefined;
  /** Trial calls running, while HALF_OPEN. */
  readonly trialCallsInFlight: number;
  /** Calls rejected since the breaker was created. */
  readonly rejectedCalls: number;
}

const defaultWindow: SlidingWindowOptions = { type: 'count', size: 100 };
const everyErrorCounts = (): boolean => true;

/**
 * A circuit breaker: stops calling a downstream that keeps failing (or keeps being slow), and
 * lets a few trial calls probe it after `openDurationMs`.
 *
 * Outcomes are judged per *state epoch*: every transition starts a new epoch, and a call that
 * finishes after the epoch it started in is over (a slow call that began before the breaker
 * opened) does not move the new state, so it cannot close a half-open breaker.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({
 *   name: 'payments',
 *   slidingWindow: { type: 'time', sizeMs: 10_000 },
 *   failureRateThreshold: 0.5,
 *   minimumNumberOfCalls: 20,
 *   slowCallDurationMs: 2_000,
 *   slowCallRateThreshold: 0.8,
 *   openDurationMs: 15_000,
 *   countsAsFailure: (error) => !isBusinessError(error),
 * });
 * breaker.onStateChange(({ from, to }) => logger.warn(`payments breaker ${from} -> ${to}`));
 * const receipt = await breaker.execute(() => payments.capture(command));
 * ```
 */
export class CircuitBreaker extends ComposablePolicy {
  readonly name: string;

  private readonly clock: Clock;
  private readonly window: SlidingWindow;
  private readonly failureRateThreshold: number;
  private readonly minimumNumberOfCalls: number;
  private readonly slowCallDurationMs: number | undefined;
  private readonly slowCallRateThreshold: number;
  private readonly openDurationMs: number;
  private readonly halfOpenTrialCalls: number;
  private readonly countsAsFailure: (error: unknown) => boolean;

  private currentState: CircuitState = CircuitState.Closed;
  /** Bumped on every transition; calls remember the epoch they started in. */
  private epoch = 0;
  private openedAtMs = 0;
  private halfOpensAtMs = 0;
  private trialCallsStarted = 0;
  private trialCallsSucceeded = 0;
  private isolationHolds = 0;
  private rejectedCalls = 0;

  private readonly stateChangeEmitter = new EventEmitter<CircuitStateChange>();
  private readonly successEmitter = new EventEmitter<CircuitCallSuccess>();
  private readonly failureEmitter = new EventEmitter<CircuitCallFailure>();
  private readonly rejectionEmitter = new EventEmitter<CircuitCallRejection>();

  /** Every state transition. */
  readonly onStateChange = this.stateChangeEmitter.event;
  /** Every call that succeeded (including errors that do not count as failures). */
  readonly onSuccess = this.successEmitter.event;
  /** Every call that failed. */
  readonly onFailure = this.failureEmitter.event;
  /** Every call rejected without running. */
  readonly onRejected = this.rejectionEmitter.event;

  constructor(options: CircuitBreakerOptions = {}) {
    super();
    this.name = options.name ?? 'default';
    this.clock = options.clock ?? systemClock;
    this.window = createSlidingWindow(options.slidingWindow ?? defaultWindow);
    this.failureRateThreshold = ratio('failureRateThreshold', options.failureRateThreshold ?? 0.5);
    this.minimumNumberOfCalls = positiveInteger(
      'minimumNumberOfCalls',
      options.minimumNumberOfCalls ?? 10,
    );
    this.slowCallDurationMs =
      options.slowCallDurationMs === undefined
        ? undefined
        : nonNegative('slowCallDurationMs', options.slowCallDurationMs);
    this.slowCallRateThreshold = ratio('slowCallRateThreshold', options.slowCallRateThreshold ?? 1);
    this.openDurationMs = nonNegative('openDurationMs', options.openDurationMs ?? 30_000);
    this.halfOpenTrialCalls = positiveInteger(
      'halfOpenTrialCalls',
      options.halfOpenTrialCalls ?? 1,
    );
    this.countsAsFailure = options.countsAsFailure ?? everyErrorCounts;
  }

  /** The current state (moving OPEN to HALF_OPEN first if the open duration is over). */
  get state(): CircuitState {
    this.halfOpenIfDue(this.clock.now());
    return this.currentState;
  }

  /** @internal */
  run<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    if (this.currentState === CircuitState.Closed) {
      return this.runCounted(fn, context, pipeline, index);
    }
    return this.runUnlessRejected(fn, context, pipeline, index);
  }

  /**
   * Holds the breaker open (state `ISOLATED`) until every returned handle is disposed; then it
   * closes with an empty window. Use it to drain a downstream for maintenance.
   */
  isolate(): Disposable {
    this.isolationHolds++;
    if (this.currentState !== CircuitState.Isolated) {
      this.transition(CircuitState.Isolated, 'isolated');
    }
    let isDisposed = false;
    return {
      dispose: () => {
        if (isDisposed) return;
        isDisposed = true;
        this.isolationHolds--;
        if (this.isolationHolds === 0 && this.currentState === CircuitState.Isolated) {
          this.transition(CircuitState.Closed, 'released');
        }
      },
    };
  }

  /** Closes the breaker with an empty window, whatever its state, dropping isolation holds. */
  reset(): void {
    this.isolationHolds = 0;
    if (this.currentState !== CircuitState.Closed) {
      this.transition(CircuitState.Closed, 'reset');
    } else {
      // Calls still running began before the reset: their outcomes must not fill the new window.
      this.epoch++;
      this.window.reset();
    }
  }

  /** The state, rates and timings of the breaker, for health checks and metrics. */
  snapshot(): CircuitBreakerSnapshot {
    const nowMs = this.clock.now();
    this.halfOpenIfDue(nowMs);
    const state = this.currentState;
    const window = this.window;
    window.refresh(nowMs);
    const isOpen = state === CircuitState.Open;
    return {
      name: this.name,
      state,
      calls: window.calls,
      failures: window.failures,
      slowCalls: window.slowCalls,
      failureRate: rate(window.failures, window.calls),
      slowCallRate: rate(window.slowCalls, window.calls),
      failureRateThreshold: this.failureRateThreshold,
      slowCallRateThreshold:
        this.slowCallDurationMs === undefined ? undefined : this.slowCallRateThreshold,
      minimumNumberOfCalls: this.minimumNumberOfCalls,
      openedAtMs: isOpen ? this.openedAtMs : undefined,
      halfOpensAtMs: isOpen ? this.halfOpensAtMs : undefined,
      retryAfterMs: state === CircuitState.Closed ? undefined : this.retryAfterMs(state, nowMs),
      trialCallsInFlight:
        state === CircuitState.HalfOpen ? this.trialCallsStarted - this.trialCallsSucceeded : 0,
      rejectedCalls: this.rejectedCalls,
    };
  }

  private runUnlessRejected<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    const nowMs = this.clock.now();
    this.halfOpenIfDue(nowMs);
    const state = this.currentState;
    if (state === CircuitState.Closed) return this.runCounted(fn, context, pipeline, index);
    if (state === CircuitState.HalfOpen && this.trialCallsStarted < this.halfOpenTrialCalls) {
      this.trialCallsStarted++;
      return this.runCounted(fn, context, pipeline, index);
    }
    return this.reject(state, nowMs);
  }

  private async runCounted<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    const epoch = this.epoch;
    const startedAtMs = this.measuresDuration() ? this.clock.now() : undefined;
    let result: T;
    try {
      result = await proceed(fn, context, pipeline, index);
    } catch (error) {
      this.recordError(error, epoch, startedAtMs);
      throw error;
    }
    this.recordOutcome(successBit, epoch, startedAtMs, undefined);
    return result;
  }

  private measuresDuration(): boolean {
    return (
      this.slowCallDurationMs !== undefined ||
      this.successEmitter.hasListeners ||
      this.failureEmitter.hasListeners
    );
  }

  private recordError(error: unknown, epoch: number, startedAtMs: number | undefined): void {
    let countsAsFailure: boolean;
    try {
      countsAsFailure = this.countsAsFailure(error);
    } catch {
      // A predicate that cannot classify the error must not hide the failure.
      countsAsFailure = true;
    }
    this.recordOutcome(countsAsFailure ? failureBit : successBit, epoch, startedAtMs, error);
  }

  private recordOutcome(
    outcomeBits: number,
    epoch: number,
    startedAtMs: number | undefined,
    error: unknown,
  ): void {
    const window = this.window;
    const nowMs = startedAtMs !== undefined || window.needsTime ? this.clock.now() : 0;
    const durationMs = startedAtMs === undefined ? undefined : nowMs - startedAtMs;
    const isSlow =
      durationMs !== undefined &&
      this.slowCallDurationMs !== undefined &&
      durationMs > this.slowCallDurationMs;
    const outcome = isSlow ? outcomeBits | slowBit : outcomeBits;
    this.emitOutcome(outcomeBits, error, durationMs);

    // A call that started in an earlier epoch tells nothing about the current state.
    if (epoch !== this.epoch) return;
    const isBad = outcome !== successBit;
    if (this.currentState === CircuitState.Closed) {
      window.record(outcome, nowMs);
      if (isBad) this.openIfThresholdReached();
    } else if (isBad) {
      this.transition(CircuitState.Open, 'trial-failed');
    } else if (++this.trialCallsSucceeded >= this.halfOpenTrialCalls) {
      this.transition(CircuitState.Closed, 'trials-succeeded');
    }
  }

  private emitOutcome(outcomeBits: number, error: unknown, durationMs: number | undefined): void {
    if (error === undefined) {
      if (this.successEmitter.hasListeners) {
        this.successEmitter.emit({ breakerName: this.name, state: this.currentState, durationMs });
      }
    } else if (this.failureEmitter.hasListeners) {
      this.failureEmitter.emit({
        breakerName: this.name,
        state: this.currentState,
        error,
        countedAsFailure: outcomeBits === failureBit,
        durationMs,
      });
    }
  }

  private openIfThresholdReached(): void {
    const window = this.window;
    if (window.calls < this.minimumNumberOfCalls) return;
    if (window.failures / window.calls >= this.failureRateThreshold) {
      this.transition(CircuitState.Open, 'failure-rate');
    } else if (
      this.slowCallDurationMs !== undefined &&
      window.slowCalls / window.calls >= this.slowCallRateThreshold
    ) {
      this.transition(CircuitState.Open, 'slow-call-rate');
    }
  }

  private halfOpenIfDue(nowMs: number): void {
    if (this.currentState === CircuitState.Open && nowMs >= this.halfOpensAtMs) {
      this.transition(CircuitState.HalfOpen, 'open-duration-elapsed');
    }
  }

  private reject<T>(state: RejectingCircuitState, nowMs: number): Promise<T> {
    this.rejectedCalls++;
    const error = BrokenCircuitError.withoutStack(
      this.name,
      state,
      this.retryAfterMs(state, nowMs),
    );
    if (this.rejectionEmitter.hasListeners)
      this.rejectionEmitter.emit({ breakerName: this.name, error });
    return rejectLater(error);
  }

  private retryAfterMs(state: CircuitState, nowMs: number): number {
    return state === CircuitState.Open
      ? Math.max(0, Math.ceil(this.halfOpensAtMs - nowMs))
      : this.openDurationMs;
  }

  private transition(to: CircuitState, reason: CircuitTransitionReason): void {
    // Transitions are rare: read the clock here rather than trust a caller that skipped it.
    const nowMs = this.clock.now();
    const from = this.currentState;
    const window = this.window;
    const failureRate = rate(window.failures, window.calls);
    const slowCallRate = rate(window.slowCalls, window.calls);
    this.currentState = to;
    this.epoch++;
    if (to === CircuitState.Open) {
      this.openedAtMs = nowMs;
      this.halfOpensAtMs = nowMs + this.openDurationMs;
    } else if (to === CircuitState.HalfOpen) {
      this.trialCallsStarted = 0;
      this.trialCallsSucceeded = 0;
    } else if (to === CircuitState.Closed) {
      window.reset();
    }
    if (this.stateChangeEmitter.hasListeners) {
      this.stateChangeEmitter.emit({
        breakerName: this.name,
        from,
        to,
        reason,
        failureRate,
        slowCallRate,
        atMs: nowMs,
      });
    }
  }
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
