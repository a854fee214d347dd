import { lastValueFrom, Observable } from 'rxjs';
import { AbortableContext, type PolicyContext } from './execution-context';
import { type Policy, runInContext } from './policy';

/**
 * Runs an observable-returning call under any policy and emits its last value. Unsubscribing
 * aborts the call's signal (so a pending retry stops sleeping and a timeout lets go).
 *
 * Use it for request/response observables (a `ClientProxy.send`, an `HttpService` call); to
 * retry a stream while passing every value through, use `retryWithPolicy`.
 *
 * @example
 * ```ts
 * const user$ = fromPolicy(policy, ({ signal }) => this.http.get(`/users/${id}`, { signal }));
 * ```
 */
export function fromPolicy<T>(
  policy: Policy,
  factory: (context: PolicyContext) => Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscription = new AbortableContext();
    let isSettled = false;
    runInContext(policy, (context) => lastValueFrom(factory(context)), subscription).then(
      (value) => {
        isSettled = true;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        isSettled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!isSettled)
        subscription.abort(new DOMException('The subscriber unsubscribed', 'AbortError'));
    };
  });
}
