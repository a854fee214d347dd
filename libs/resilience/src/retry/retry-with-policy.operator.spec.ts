import { defer, firstValueFrom, lastValueFrom, Observable, of, throwError, toArray } from 'rxjs';
import { BrokenCircuitError } from '../breaker/broken-circuit.error';
import { FakeClock } from '../clock/fake-clock';
import { isPolicyDisposedError } from '../policy/policy-disposed.error';
import { constant } from './backoff';
import { retry, type RetryOptions } from './retry';
import { retryWithPolicy } from './retry-with-policy.operator';

const transient = new Error('transient');

function failingSource<T>(
  failures: number,
  value: T,
  error: unknown = transient,
): { source: Observable<T>; subscriptions: () => number } {
  let subscriptions = 0;
  const source = defer(() => (++subscriptions <= failures ? throwError(() => error) : of(value)));
  return { source, subscriptions: () => subscriptions };
}

describe(retryWithPolicy.name, () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(0);
  });

  const policy = (options: RetryOptions = {}) =>
    retry({ backoff: constant(100), clock, ...options });

  it('resubscribes after an error, waiting the backoff delay', async () => {
    const { source, subscriptions } = failingSource(2, 'ok');
    const value = firstValueFrom(source.pipe(retryWithPolicy(policy())));

    await clock.advanceBy(200);

    await expect(value).resolves.toBe('ok');
    expect(subscriptions()).toBe(3);
  });

  it('passes values through and completes with the source', async () => {
    const values = lastValueFrom(of(1, 2).pipe(retryWithPolicy(policy()), toArray()));

    await expect(values).resolves.toEqual([1, 2]);
  });

  it('errors with the last error after maxAttempts', async () => {
    const { source, subscriptions } = failingSource(5, 'never');
    const value = firstValueFrom(source.pipe(retryWithPolicy(policy({ maxAttempts: 2 })))).catch(
      (error: unknown) => error,
    );

    await clock.advanceBy(1_000);

    await expect(value).resolves.toBe(transient);
    expect(subscriptions()).toBe(2);
  });

  it('never resubscribes after an open circuit', async () => {
    const { source, subscriptions } = failingSource(
      1,
      'ok',
      new BrokenCircuitError('users', 'OPEN', 10),
    );

    await expect(firstValueFrom(source.pipe(retryWithPolicy(policy())))).rejects.toBeInstanceOf(
      BrokenCircuitError,
    );
    expect(subscriptions()).toBe(1);
  });

  it('clears the backoff timer when the subscriber unsubscribes', async () => {
    const { source, subscriptions } = failingSource(5, 'never');
    const subscription = source
      .pipe(retryWithPolicy(policy()))
      .subscribe({ error: () => undefined });
    await clock.settle();

    subscription.unsubscribe();
    await clock.advanceBy(1_000);

    expect(clock.pendingTimers).toBe(0);
    expect(subscriptions()).toBe(1);
  });

  it('gives up when the deadline passed while the delay was running late', async () => {
    const { source, subscriptions } = failingSource(5, 'never');
    const sut = retryWithPolicy(policy({ deadlineMs: 150 }));
    const value = firstValueFrom(source.pipe(sut)).catch((error: unknown) => error);
    await clock.settle();

    clock.jumpTo(200);
    await clock.advanceBy(0);

    await expect(value).resolves.toBe(transient);
    expect(subscriptions()).toBe(1);
  });

  it('ends with a PolicyDisposedError instead of resubscribing once its policy was disposed', async () => {
    const { source, subscriptions } = failingSource(5, 'never');
    const retryPolicy = policy();
    const value = firstValueFrom(source.pipe(retryWithPolicy(retryPolicy))).catch(
      (error: unknown) => error,
    );
    await clock.settle();

    retryPolicy.dispose();
    await clock.advanceBy(100);

    expect(isPolicyDisposedError(await value)).toBe(true);
    expect(subscriptions()).toBe(1);
  });
});
