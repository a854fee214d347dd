import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import type { ClockTimer } from '../clock/clock';
import type { RetryPolicy } from './retry';

/**
 * The rxjs form of a retry policy: resubscribes to the source after an error, with the policy's
 * backoff, predicates, deadline and events. An open circuit is never retried. Unsubscribing
 * during a backoff delay clears the timer; a delay that ends after the policy's `dispose()` ends
 * the subscription with a `PolicyDisposedError` instead of resubscribing.
 *
 * Values emitted before an error pass through, as with rxjs `retry`.
 *
 * @example
 * ```ts
 * const policy = retry({ maxAttempts: 3, isTransient: isTimeoutError });
 * return this.client.send(UsersPatterns.find, { id }).pipe(retryWithPolicy(policy));
 * ```
 */
export function retryWithPolicy<T>(policy: RetryPolicy): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const clock = policy.clock;
      const startedAtMs = policy.deadlineMs === undefined ? 0 : clock.now();
      let attempt = 1;
      let previousDelayMs = 0;
      let subscription: Subscription | undefined;
      let timer: ClockTimer | undefined;

      const subscribeToSource = (): void => {
        subscription = source.subscribe({
          next: (value) => subscriber.next(value),
          complete: () => subscriber.complete(),
          error: (error: unknown) => {
            const plan = policy.plan(error, attempt, startedAtMs, previousDelayMs, false);
            if (plan.reason !== undefined) {
              subscriber.error(error);
              return;
            }
            timer = clock.setTimeout(() => {
              timer = undefined;
              const disposedError = policy.endIfDisposed(attempt, error);
              if (disposedError) {
                subscriber.error(disposedError);
                return;
              }
              if (policy.isPastDeadline(startedAtMs)) {
                policy.giveUp(attempt, error, 'deadline');
                subscriber.error(error);
                return;
              }
              attempt++;
              previousDelayMs = plan.delayMs;
              subscribeToSource();
            }, plan.delayMs);
          },
        });
      };

      subscribeToSource();
      return () => {
        subscription?.unsubscribe();
        if (timer !== undefined) clock.clearTimeout(timer);
      };
    });
}
