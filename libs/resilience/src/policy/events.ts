/** Something to stop: a listener subscription, an isolation handle. */
export interface Disposable {
  dispose(): void;
}

/** @internal True for values with a `dispose()` method (our policies, some foreign ones). */
export function isDisposable(value: unknown): value is Disposable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Disposable>).dispose === 'function'
  );
}

/** A listener of one event type. */
export type Listener<T> = (event: T) => void;

/**
 * Subscribes a listener and returns the {@link Disposable} that unsubscribes it.
 *
 * @example
 * ```ts
 * const subscription = breaker.onStateChange(({ from, to }) => metrics.record(from, to));
 * subscription.dispose();
 * ```
 */
export type Event<T> = (listener: Listener<T>) => Disposable;

/**
 * Fans one event out to its listeners.
 *
 * The listener list is replaced, not mutated, on (un)subscribe, so a listener that disposes
 * itself while being called does not disturb the iteration. A listener that throws cannot
 * change a policy's outcome: the error is rethrown on a fresh microtask, where it surfaces
 * as an uncaught exception like any other bug.
 */
export class EventEmitter<T> {
  private listeners: readonly Listener<T>[] = [];

  readonly event: Event<T> = (listener) => {
    this.listeners = [...this.listeners, listener];
    let isDisposed = false;
    return {
      dispose: () => {
        if (isDisposed) return;
        isDisposed = true;
        this.listeners = this.listeners.filter((candidate) => candidate !== listener);
      },
    };
  };

  /** Lets hot paths skip building an event object nobody will read. */
  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
