import { type Clock, systemClock } from '../clock/clock';
import { type Disposable, EventEmitter } from '../policy/events';
import {
  AbortableContext,
  abortErrorFrom,
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
import { positive } from '../policy/validate-options';
import { type DeadlineEntry, DeadlineQueue } from './deadline-queue';
import { TimeoutError } from './timeout.error';

export interface TimeoutOptions {
  readonly clock?: Clock;
}

export interface TimeoutEvent {
  readonly timeoutMs: number;
}

/**
 * Gives up on a call after `timeoutMs`: rejects with a {@link TimeoutError} at once and aborts
 * the call's signal so the work can stop.
 *
 * Every call gets its own child signal, linked to the caller's: the caller aborting aborts the
 * call (and the policy rejects promptly with the caller's reason), but one call timing out never
 * touches another call's signal. The child signal is created only if the call reads `signal`.
 *
 * The policy holds one timer while calls are pending and none once the last one ends.
 * `dispose()` releases it for good (see {@link TimeoutPolicy.dispose}).
 *
 * @example
 * ```ts
 * const perAttempt = timeout(2_000);
 * const stock = await perAttempt.execute(({ signal }) => inventory.check(sku, { signal }));
 * ```
 */
export function timeout(timeoutMs: number, options: TimeoutOptions = {}): TimeoutPolicy {
  return new TimeoutPolicy(timeoutMs, options);
}

/** See {@link timeout}. */
export class TimeoutPolicy extends ComposablePolicy implements Disposable {
  readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly queue: DeadlineQueue<TimeoutCall>;
  private readonly timeoutEmitter = new EventEmitter<TimeoutEvent>();
  private isDisposed = false;

  /** Every call that timed out. */
  readonly onTimeout = this.timeoutEmitter.event;

  constructor(timeoutMs: number, options: TimeoutOptions = {}) {
    super();
    this.timeoutMs = positive('timeoutMs', timeoutMs);
    this.clock = options.clock ?? systemClock;
    this.queue = new DeadlineQueue(this.clock, (call) => this.expire(call));
  }

  /** @internal */
  run<T>(
    fn: Operation<T>,
    parent: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    if (parent.isAborted) return rejectLater(abortErrorFrom(parent.abortReason));
    if (this.isDisposed) return rejectLater(new PolicyDisposedError('timeout policy'));
    const call = new TimeoutCall(parent, this.queue);
    const settled = new Promise<T>((resolve, reject) => {
      call.resolve = resolve as (value: unknown) => void;
      call.reject = reject;
    });
    this.queue.push(call, this.clock.now() + this.timeoutMs);
    if (parent.canAbort) parent.addAbortListener(call);
    proceed(fn, call, pipeline, index).then(
      (value) => {
        if (call.finish()) call.resolve(value);
      },
      (error: unknown) => {
        if (call.finish()) call.reject(error);
      },
    );
    return settled;
  }

  /**
   * Releases the policy: clears its timer, aborts every pending call's signal and rejects the
   * call with a {@link PolicyDisposedError}, and rejects every later call with one. Calling it
   * again does nothing.
   *
   * @example
   * ```ts
   * const perAttempt = timeout(2_000);
   * onShutdown(() => perAttempt.dispose());
   * ```
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (let call = this.queue.first; call; call = this.queue.first) {
      this.queue.remove(call);
      call.giveUp(new PolicyDisposedError('timeout policy'));
    }
  }

  private expire(call: TimeoutCall): void {
    if (!call.giveUp(new TimeoutError(this.timeoutMs))) return;
    if (this.timeoutEmitter.hasListeners) this.timeoutEmitter.emit({ timeoutMs: this.timeoutMs });
  }
}

/** One call under a timeout: its context, its place in the deadline queue, its outcome. */
class TimeoutCall extends AbortableContext implements DeadlineEntry {
  deadlineMs = 0;
  previousEntry: DeadlineEntry | undefined = undefined;
  nextEntry: DeadlineEntry | undefined = undefined;
  isQueued = false;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  private isSettled = false;

  constructor(
    parent: ExecutionContext,
    private readonly queue: DeadlineQueue<TimeoutCall>,
  ) {
    super(parent);
  }

  /** The caller's signal aborted: stop waiting for the call and pass the abort down. */
  override onAbort(reason: unknown): void {
    if (!this.finish()) return;
    this.abort(reason);
    this.reject(abortErrorFrom(reason));
  }

  /** Stops waiting for the call: aborts its signal and rejects it; false if it had settled. */
  giveUp(error: unknown): boolean {
    if (!this.finish()) return false;
    this.abort(error);
    this.reject(error);
    return true;
  }

  /** Marks the call settled (first caller wins) and unlinks it; false if it already was. */
  finish(): boolean {
    if (this.isSettled) return false;
    this.isSettled = true;
    this.queue.remove(this);
    if (this.parent.canAbort) this.parent.removeAbortListener(this);
    return true;
  }
}
