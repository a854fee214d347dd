import { firstValueFrom, NEVER, of, throwError } from 'rxjs';
import { FakeClock } from '../clock/fake-clock';
import { retry } from '../retry/retry';
import { constant } from '../retry/backoff';
import { timeout } from '../timeout/timeout';
import { fromPolicy } from './from-policy';

describe(fromPolicy.name, () => {
  const clock = new FakeClock(0);

  it('emits the last value of the observable run under the policy', async () => {
    const sut = fromPolicy(retry({ clock }), () => of(1, 2, 3));

    await expect(firstValueFrom(sut)).resolves.toBe(3);
  });

  it('retries by calling the factory again', async () => {
    const factory = jest
      .fn()
      .mockReturnValueOnce(throwError(() => new Error('transient')))
      .mockReturnValueOnce(of('ok'));
    const sut = fromPolicy(retry({ backoff: constant(10), clock }), factory);

    const value = firstValueFrom(sut);
    await clock.advanceBy(10);

    await expect(value).resolves.toBe('ok');
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('errors with the error of the policy', async () => {
    const sut = fromPolicy(timeout(100, { clock }), () => NEVER);

    const value = firstValueFrom(sut).catch((error: unknown) => error);
    await clock.advanceBy(100);

    await expect(value).resolves.toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts the call signal when the subscriber unsubscribes', async () => {
    let signal: AbortSignal | undefined;
    const sut = fromPolicy(retry({ clock }), (context) => {
      signal = context.signal;
      return NEVER;
    });

    const subscription = sut.subscribe();
    subscription.unsubscribe();

    expect(signal?.aborted).toBe(true);
  });

  it('does not abort the signal of a call that completed', async () => {
    let signal: AbortSignal | undefined;
    const sut = fromPolicy(retry({ clock }), (context) => {
      signal = context.signal;
      return of('done');
    });

    await firstValueFrom(sut);

    expect(signal?.aborted).toBe(false);
  });
});
