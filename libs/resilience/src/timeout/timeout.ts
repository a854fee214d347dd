import { type Clock, systemClock } from '../clock/clock';
import { EventEmitter } from '../policy/events';
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
export class TimeoutPolicy extends ComposablePolicy {
  readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly queue: DeadlineQueue<TimeoutCall>;
  private readonly timeoutEmitter = new EventEmitter<TimeoutEvent>();

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

  private expire(call: TimeoutCall): void {
    if (!call.finish()) return;
    const error = new TimeoutError(this.timeoutMs);
    call.abort(error);
    call.reject(error);
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

  /** Marks the call settled (first caller wins) and unlinks it; false if it already was. */
  finish(): boolean {
    if (this.isSettled) return false;
    this.isSettled = true;
    this.queue.remove(this);
    if (this.parent.canAbort) this.parent.removeAbortListener(this);
    return true;
  }
}
