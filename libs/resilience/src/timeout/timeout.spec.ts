import { getEventListeners } from 'node:events';
import { FakeClock } from '../clock/fake-clock';
import type { PolicyContext } from '../policy/execution-context';
import { isPolicyDisposedError } from '../policy/policy-disposed.error';
import { isTimeoutError, TimeoutError } from './timeout.error';
import { timeout, TimeoutPolicy } from './timeout';

const never = (): Promise<never> => new Promise<never>(() => undefined);

function capture<T>(promise: Promise<T>): {
  readonly outcome: { value?: T; error?: unknown; settled: boolean };
} {
  const outcome: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { value, settled: true }),
    (error: unknown) => Object.assign(outcome, { error, settled: true }),
  );
  return { outcome };
}

/** Runs a call that never settles under `sut`, keeping the signal the call was given. */
function captureHanging(sut: TimeoutPolicy): ReturnType<typeof capture<never>> & {
  readonly call: { signal?: AbortSignal };
} {
  const call: { signal?: AbortSignal } = {};
  const { outcome } = capture(
    sut.execute((context) => {
      call.signal = context.signal;
      return never();
    }),
  );
  return { outcome, call };
}

describe(TimeoutPolicy.name, () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(0);
  });

  it('returns the result of a call that finishes in time', async () => {
    const sut = timeout(1_000, { clock });

    await expect(sut.execute(async () => 'done')).resolves.toBe('done');
  });

  it('passes the error of a call that fails in time through unchanged', async () => {
    const sut = timeout(1_000, { clock });
    const error = new Error('failed');

    await expect(sut.execute(() => Promise.reject(error))).rejects.toBe(error);
  });

  it('rejects with a TimeoutError once timeoutMs has passed', async () => {
    const sut = timeout(1_000, { clock });
    const { outcome } = capture(sut.execute(never));

    await clock.advanceBy(999);
    expect(outcome.settled).toBe(false);
    await clock.advanceBy(1);

    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.error).toMatchObject({
      timeoutMs: 1_000,
      message: 'Operation timed out after 1000 ms',
    });
  });

  it('aborts the signal of the timed-out call with the TimeoutError as reason', async () => {
    const { outcome, call } = captureHanging(timeout(1_000, { clock }));

    await clock.advanceBy(1_000);

    expect(call.signal?.aborted).toBe(true);
    expect(call.signal?.reason).toBe(outcome.error);
  });

  it('gives a late reader of the signal an already aborted signal', async () => {
    const sut = timeout(1_000, { clock });
    let context: PolicyContext | undefined;
    capture(
      sut.execute((received) => {
        context = received;
        return never();
      }),
    );

    await clock.advanceBy(1_000);

    expect(context?.signal.aborted).toBe(true);
    expect(isTimeoutError(context?.signal.reason)).toBe(true);
  });

  it("never aborts another call's signal when one call times out", async () => {
    const sut = timeout(1_000, { clock });
    const signals: AbortSignal[] = [];
    capture(
      sut.execute(({ signal }) => {
        signals.push(signal);
        return never();
      }),
    );
    await clock.advanceBy(500);
    const second = capture(
      sut.execute(({ signal }) => {
        signals.push(signal);
        return never();
      }),
    );

    await clock.advanceBy(500);

    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
    expect(second.outcome.settled).toBe(false);
    await clock.advanceBy(500);
    expect(second.outcome.error).toBeInstanceOf(TimeoutError);
  });

  it('times out calls in the order of their deadlines under one shared timer', async () => {
    const sut = timeout(100, { clock });
    const calls = [capture(sut.execute(never))];
    await clock.advanceBy(30);
    calls.push(capture(sut.execute(never)));
    await clock.advanceBy(30);
    calls.push(capture(sut.execute(never)));

    await clock.advanceBy(40);
    const afterFirstDeadline = calls.map(({ outcome }) => outcome.settled);
    await clock.advanceBy(60);

    expect(afterFirstDeadline).toEqual([true, false, false]);
    expect(calls.every(({ outcome }) => outcome.settled)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps timing out the remaining calls after the earliest one finished', async () => {
    const sut = timeout(100, { clock });
    let finishFirst!: () => void;
    const first = capture(
      sut.execute(() => new Promise<void>((resolve) => (finishFirst = resolve))),
    );
    await clock.advanceBy(50);
    const second = capture(sut.execute(never));

    finishFirst();
    await clock.advanceBy(100);

    expect(first.outcome).toEqual({ settled: true, value: undefined });
    expect(second.outcome.error).toBeInstanceOf(TimeoutError);
  });

  it('holds no timer once a fast call has succeeded', async () => {
    const sut = timeout(5_000, { clock });

    await sut.execute(() => 42);
    await clock.settle();

    expect(clock.pendingTimers).toBe(0);
  });

  it('arms no timer for calls that settle before the next tick', async () => {
    const sut = timeout(5_000, { clock });
    const setTimeout = jest.spyOn(clock, 'setTimeout');

    for (let call = 0; call < 3; call++) await sut.execute(async () => call);
    await clock.settle();

    expect(setTimeout).not.toHaveBeenCalled();
  });

  it('clears its timer when the last pending call ends', async () => {
    const sut = timeout(5_000, { clock });
    const finishers: (() => void)[] = [];
    const pending = [1, 2].map(() =>
      sut.execute(() => new Promise<void>((resolve) => finishers.push(resolve))),
    );
    await clock.advanceBy(1_000);
    const timersWhilePending = clock.pendingTimers;

    finishers.forEach((finish) => finish());
    await Promise.all(pending);

    expect(timersWhilePending).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('still times out a later call after its timer was cleared', async () => {
    const sut = timeout(1_000, { clock });
    let finishFirst!: () => void;
    const first = sut.execute(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    await clock.advanceBy(500);
    finishFirst();
    await first;
    const second = capture(sut.execute(never));

    await clock.advanceBy(999);
    const settledEarly = second.outcome.settled;
    await clock.advanceBy(1);

    expect(settledEarly).toBe(false);
    expect(second.outcome.error).toBeInstanceOf(TimeoutError);
  });

  it("times out on the system clock under Jest's modern fake timers, which fake nextTick too", async () => {
    jest.useFakeTimers();
    try {
      const sut = timeout(1_000);
      const outcome = sut.execute(never).catch((error: unknown) => error);

      jest.advanceTimersByTime(1_000);

      await expect(outcome).resolves.toBeInstanceOf(TimeoutError);
    } finally {
      jest.useRealTimers();
    }
  });

  describe('dispose', () => {
    it('rejects a pending call with a PolicyDisposedError and aborts its signal', async () => {
      const sut = timeout(1_000, { clock });
      const { outcome, call } = captureHanging(sut);
      await clock.advanceBy(10);

      sut.dispose();
      await clock.settle();

      expect(isPolicyDisposedError(outcome.error)).toBe(true);
      expect(call.signal?.reason).toBe(outcome.error);
    });

    it('clears its timer', async () => {
      const sut = timeout(1_000, { clock });
      capture(sut.execute(never));
      await clock.advanceBy(10);

      sut.dispose();

      expect(clock.pendingTimers).toBe(0);
    });

    it('rejects later calls without running them', async () => {
      const sut = timeout(1_000, { clock });
      const call = jest.fn(async () => 42);
      sut.dispose();

      await expect(sut.execute(call)).rejects.toThrow('The timeout policy was disposed');
      expect(call).not.toHaveBeenCalled();
    });

    it("stops listening to the caller's signal", async () => {
      const sut = timeout(1_000, { clock });
      const caller = new AbortController();
      capture(sut.execute(never, caller.signal));
      const listenersWhilePending = getEventListeners(caller.signal, 'abort').length;

      sut.dispose();

      expect(listenersWhilePending).toBe(1);
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    });

    it('does nothing when called again', async () => {
      const sut = timeout(1_000, { clock });
      const { outcome } = capture(sut.execute(never));
      sut.dispose();
      await clock.settle();
      const firstError = outcome.error;

      sut.dispose();
      await clock.settle();

      expect(outcome.error).toBe(firstError);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  it('links the call signal to the caller signal and rejects promptly with its reason', async () => {
    const sut = timeout(1_000, { clock });
    const caller = new AbortController();
    const reason = new Error('client went away');
    let signal: AbortSignal | undefined;
    const { outcome } = capture(
      sut.execute((context) => {
        signal = context.signal;
        return never();
      }, caller.signal),
    );

    caller.abort(reason);
    await clock.settle();

    expect(outcome.error).toBe(reason);
    expect(signal?.reason).toBe(reason);
  });

  it('does not start a call whose caller already aborted', async () => {
    const sut = timeout(1_000, { clock });
    const caller = new AbortController();
    caller.abort();
    const call = jest.fn(never);

    await expect(sut.execute(call, caller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(call).not.toHaveBeenCalled();
  });

  it('aborts inner timeouts when an outer timeout fires first', async () => {
    const outer = timeout(100, { clock });
    const inner = timeout(1_000, { clock });
    let innerSignal: AbortSignal | undefined;
    const { outcome } = capture(
      outer.execute(({ signal }) =>
        inner.execute((context) => {
          innerSignal = context.signal;
          return never();
        }, signal),
      ),
    );

    await clock.advanceBy(100);

    expect(outcome.error).toMatchObject({ timeoutMs: 100 });
    expect(innerSignal?.reason).toMatchObject({ timeoutMs: 100 });
  });

  it('reports every timeout', async () => {
    const sut = timeout(10, { clock });
    const listener = jest.fn();
    sut.onTimeout(listener);
    capture(sut.execute(never));

    await clock.advanceBy(10);

    expect(listener).toHaveBeenCalledWith({ timeoutMs: 10 });
  });

  it('rejects a timeout that is not a positive number', () => {
    expect(() => timeout(0)).toThrow('timeoutMs must be a finite number > 0');
  });
});

describe(TimeoutError.name, () => {
  it('is recognised by its type guard', () => {
    expect(isTimeoutError(new TimeoutError(5))).toBe(true);
    expect(isTimeoutError(new Error('Operation timed out'))).toBe(false);
    expect(new TimeoutError(5).name).toBe('TimeoutError');
  });
});
