/**
 * What a policy hands to the function it runs.
 *
 * `signal` aborts when the caller's signal aborts or a timeout policy gives up on the call;
 * `attempt` is the 1-based attempt number when a retry policy is in the pipeline.
 */
export interface PolicyContext {
  readonly signal: AbortSignal;
  readonly attempt?: number;
}

/** @internal Notified when an execution context aborts, without creating an AbortSignal. */
export interface AbortListener {
  onAbort(reason: unknown): void;
}

/**
 * @internal
 * The contexts our policies pass down. An `AbortSignal` costs microseconds to create on
 * Node 20, so contexts create one only when the running function reads `signal`; policies talk
 * to each other through `isAborted` and abort listeners, which are plain fields and arrays.
 */
export abstract class ExecutionContext implements PolicyContext {
  abstract get signal(): AbortSignal;
  abstract get attempt(): number | undefined;
  /** True once aborted; never materialises a signal. */
  abstract get isAborted(): boolean;
  abstract get abortReason(): unknown;
  /** False when nothing above this context can ever abort it (no caller signal, no timeout). */
  abstract get canAbort(): boolean;
  abstract addAbortListener(listener: AbortListener): void;
  abstract removeAbortListener(listener: AbortListener): void;
}

/** A signal that never aborts, shared by every call that brings no signal of its own. */
export const neverAbortedSignal: AbortSignal = new AbortController().signal;

class RootContext extends ExecutionContext {
  get signal(): AbortSignal {
    return neverAbortedSignal;
  }
  get attempt(): undefined {
    return undefined;
  }
  get isAborted(): boolean {
    return false;
  }
  get abortReason(): undefined {
    return undefined;
  }
  get canAbort(): boolean {
    return false;
  }
  addAbortListener(): void {
    // Nothing can abort the root; keeping listeners would only leak them.
  }
  removeAbortListener(): void {
    // See addAbortListener.
  }
}

/** @internal The context of every call that brings no signal: shared, allocation-free. */
export const rootContext: ExecutionContext = new RootContext();

/** Adapts a caller's real AbortSignal (or a foreign policy's context) to our contexts. */
export class SignalContext extends ExecutionContext {
  private listeners: AbortListener[] | undefined;

  constructor(
    readonly signal: AbortSignal,
    readonly attempt: number | undefined = undefined,
  ) {
    super();
  }

  get isAborted(): boolean {
    return this.signal.aborted;
  }
  get abortReason(): unknown {
    return this.signal.reason;
  }
  get canAbort(): boolean {
    return this.signal !== neverAbortedSignal;
  }

  addAbortListener(listener: AbortListener): void {
    if (!this.listeners) {
      this.listeners = [];
      this.signal.addEventListener('abort', this, { once: true });
    }
    this.listeners.push(listener);
  }

  removeAbortListener(listener: AbortListener): void {
    const listeners = this.listeners;
    if (!listeners) return;
    removeItem(listeners, listener);
    if (listeners.length === 0) {
      this.listeners = undefined;
      this.signal.removeEventListener('abort', this);
    }
  }

  handleEvent(): void {
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) notifyAll(listeners, this.signal.reason);
  }
}

/** @internal Wraps a context to tell the function which attempt it is running. */
export class AttemptContext extends ExecutionContext {
  constructor(
    private readonly parent: ExecutionContext,
    readonly attempt: number,
  ) {
    super();
  }
  get signal(): AbortSignal {
    return this.parent.signal;
  }
  get isAborted(): boolean {
    return this.parent.isAborted;
  }
  get abortReason(): unknown {
    return this.parent.abortReason;
  }
  get canAbort(): boolean {
    return this.parent.canAbort;
  }
  addAbortListener(listener: AbortListener): void {
    this.parent.addAbortListener(listener);
  }
  removeAbortListener(listener: AbortListener): void {
    this.parent.removeAbortListener(listener);
  }
}

/** @internal Builds the context for a public `execute(fn, signal)` call. */
export function contextFor(signal: AbortSignal | undefined): ExecutionContext {
  return signal === undefined || signal === neverAbortedSignal
    ? rootContext
    : new SignalContext(signal);
}

/** @internal Removes the first occurrence of `item` without allocating. */
export function removeItem<T>(items: T[], item: T): void {
  const index = items.lastIndexOf(item);
  if (index >= 0) items.splice(index, 1);
}

/** @internal Notifies abort listeners (all internal: they settle promises and never throw). */
export function notifyAll(listeners: readonly AbortListener[], reason: unknown): void {
  for (const listener of listeners) listener.onAbort(reason);
}

/** The reason to reject with when a context aborted: its reason, or a standard AbortError. */
export function abortErrorFrom(reason: unknown): unknown {
  return reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * @internal
 * A context that can be aborted by hand and aborts with its parent (when subscribed to it with
 * `parent.addAbortListener`). Its AbortSignal is created on first read.
 */
export class AbortableContext extends ExecutionContext implements AbortListener {
  private controller: AbortController | undefined = undefined;
  private listeners: AbortListener[] | undefined = undefined;
  private aborted = false;
  private reason: unknown = undefined;

  constructor(protected readonly parent: ExecutionContext = rootContext) {
    super();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
  get attempt(): number | undefined {
    return this.parent.attempt;
  }
  get isAborted(): boolean {
    return this.aborted;
  }
  get abortReason(): unknown {
    return this.reason;
  }
  get canAbort(): boolean {
    return true;
  }
  addAbortListener(listener: AbortListener): void {
    (this.listeners ??= []).push(listener);
  }
  removeAbortListener(listener: AbortListener): void {
    if (this.listeners) removeItem(this.listeners, listener);
  }

  /** The parent aborted. */
  onAbort(reason: unknown): void {
    this.abort(reason);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) notifyAll(listeners, reason);
  }
}

/**
 * @internal
 * Calls `listener` when the context aborts; returns the function that stops listening, or
 * undefined when the context can never abort. Our own contexts do this without an AbortSignal.
 */
export function listenForAbort(
  context: PolicyContext,
  listener: AbortListener,
): (() => void) | undefined {
  if (context instanceof ExecutionContext) {
    if (!context.canAbort) return undefined;
    context.addAbortListener(listener);
    return () => context.removeAbortListener(listener);
  }
  const signal = context.signal;
  const onAbort = (): void => listener.onAbort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
