import { type Disposable, EventEmitter } from '../policy/events';
import {
  type AbortListener,
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
import { nonNegativeInteger, positiveInteger } from '../policy/validate-options';
import { BulkheadRejectedError } from './bulkhead-rejected.error';

export interface BulkheadOptions {
  /** Calls allowed to run at once. */
  readonly maxConcurrent: number;
  /** Calls allowed to wait for a slot, in arrival order. Default `0`: reject at once. */
  readonly maxQueued?: number;
}

export interface BulkheadSnapshot {
  readonly running: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

/**
 * Limits how many calls run at once, so one slow downstream cannot take every socket, worker
 * or connection of the process. A queued call whose signal aborts leaves the queue at once.
 * `dispose()` rejects the queued calls (see {@link BulkheadPolicy.dispose}).
 *
 * @example
 * ```ts
 * const limit = bulkhead({ maxConcurrent: 10, maxQueued: 50 });
 * const invoice = await limit.execute(() => renderInvoicePdf(order));
 * ```
 */
export function bulkhead(options: BulkheadOptions): BulkheadPolicy {
  return new BulkheadPolicy(options);
}

/** See {@link bulkhead}. */
export class BulkheadPolicy extends ComposablePolicy implements Disposable {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  private running = 0;
  private queued = 0;
  private head: QueuedCall | undefined;
  private tail: QueuedCall | undefined;
  private readonly rejectionEmitter = new EventEmitter<BulkheadRejectedError>();
  private isDisposed = false;

  /** Every call rejected because the bulkhead was full. */
  readonly onRejected = this.rejectionEmitter.event;

  constructor(options: BulkheadOptions) {
    super();
    this.maxConcurrent = positiveInteger('maxConcurrent', options.maxConcurrent);
    this.maxQueued = nonNegativeInteger('maxQueued', options.maxQueued ?? 0);
  }

  snapshot(): BulkheadSnapshot {
    return {
      running: this.running,
      queued: this.queued,
      maxConcurrent: this.maxConcurrent,
      maxQueued: this.maxQueued,
    };
  }

  /** @internal */
  run<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    if (context.isAborted) return rejectLater(abortErrorFrom(context.abortReason));
    if (this.isDisposed) return rejectLater(new PolicyDisposedError('bulkhead'));
    if (this.running < this.maxConcurrent) {
      this.running++;
      return this.runInSlot(fn, context, pipeline, index);
    }
    if (this.queued >= this.maxQueued) {
      const error = new BulkheadRejectedError(this.maxConcurrent, this.maxQueued);
      if (this.rejectionEmitter.hasListeners) this.rejectionEmitter.emit(error);
      return rejectLater(error);
    }
    return this.waitForSlot(context).then(() => this.runInSlot(fn, context, pipeline, index));
  }

  /**
   * Releases the bulkhead: every queued call stops listening to its signal and rejects with a
   * {@link PolicyDisposedError}, and so does every later call. Calls already running are not
   * the bulkhead's to stop: they finish as they would have. Calling it again does nothing.
   *
   * @example
   * ```ts
   * const limit = bulkhead({ maxConcurrent: 10, maxQueued: 50 });
   * onShutdown(() => limit.dispose());
   * ```
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (let call = this.head; call; call = this.head) {
      this.unlink(call);
      call.context.removeAbortListener(call);
      call.reject(new PolicyDisposedError('bulkhead'));
    }
  }

  private async runInSlot<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    try {
      return await proceed(fn, context, pipeline, index);
    } finally {
      this.release();
    }
  }

  private waitForSlot(context: ExecutionContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call = new QueuedCall(this, context, resolve, reject);
      this.enqueue(call);
      context.addAbortListener(call);
    });
  }

  /** Hands the slot straight to the next queued call, so `running` never dips in between. */
  private release(): void {
    const next = this.head;
    if (!next) {
      this.running--;
      return;
    }
    this.unlink(next);
    next.context.removeAbortListener(next);
    next.resolve();
  }

  private enqueue(call: QueuedCall): void {
    call.previous = this.tail;
    if (this.tail) this.tail.next = call;
    else this.head = call;
    this.tail = call;
    this.queued++;
  }

  /** @internal */
  unlink(call: QueuedCall): void {
    if (call.previous) call.previous.next = call.next;
    else this.head = call.next;
    if (call.next) call.next.previous = call.previous;
    else this.tail = call.previous;
    call.previous = call.next = undefined;
    this.queued--;
  }
}

class QueuedCall implements AbortListener {
  previous: QueuedCall | undefined;
  next: QueuedCall | undefined;

  constructor(
    private readonly bulkhead: BulkheadPolicy,
    readonly context: ExecutionContext,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
  ) {}

  onAbort(reason: unknown): void {
    this.bulkhead.unlink(this);
    this.reject(abortErrorFrom(reason));
  }
}
