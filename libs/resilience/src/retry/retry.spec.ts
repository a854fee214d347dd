import { getEventListeners } from 'node:events';
import { BrokenCircuitError } from '../breaker/broken-circuit.error';
import { CircuitBreaker } from '../breaker/circuit-breaker';
import { FakeClock } from '../clock/fake-clock';
import { seededRandom } from '../clock/random';
import { compose } from '../policy/compose';
import { isPolicyDisposedError } from '../policy/policy-disposed.error';
import { timeout } from '../timeout/timeout';
import { TimeoutError } from '../timeout/timeout.error';
import { constant, exponential } from './backoff';
import { retry, RetryPolicy, type RetryOptions } from './retry';

const transient = new Error('connection reset');

function failingTimes<T>(
  failures: number,
  value: T,
  error: unknown = transient,
): jest.Mock<Promise<T>> {
  let calls = 0;
  return jest.fn(() => (++calls <= failures ? Promise.reject(error) : Promise.resolve(value)));
}

function capture<T>(promise: Promise<T>): { value?: T; error?: unknown; settled: boolean } {
  const outcome: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { value, settled: true }),
    (error: unknown) => Object.assign(outcome, { error, settled: true }),
  );
  return outcome;
}

describe(RetryPolicy.name, () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(0);
  });

  function createRetry(options: RetryOptions = {}): RetryPolicy {
    return retry({ backoff: constant(100), clock, random: seededRandom(1), ...options });
  }

  it('returns the first successful result without waiting', async () => {
    const sut = createRetry();
    const call = failingTimes(0, 'ok');

    await expect(sut.execute(call)).resolves.toBe('ok');
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('retries a failed call after the backoff delay and returns its result', async () => {
    const sut = createRetry();
    const call = failingTimes(2, 'ok');
    const outcome = capture(sut.execute(call));

    await clock.advanceBy(199);
    expect(call).toHaveBeenCalledTimes(2);
    await clock.advanceBy(1);

    expect(outcome.value).toBe('ok');
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const sut = createRetry({ maxAttempts: 3 });
    const outcome = capture(sut.execute(failingTimes(5, 'never')));

    await clock.advanceBy(1_000);

    expect(outcome.error).toBe(transient);
  });

  it('tells the call which attempt it is', async () => {
    const sut = createRetry();
    const attempts: (number | undefined)[] = [];
    capture(
      sut.execute(({ attempt }) => {
        attempts.push(attempt);
        return Promise.reject(transient);
      }),
    );

    await clock.advanceBy(1_000);

    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry errors that isTransient rejects', async () => {
    const permanent = new Error('validation failed');
    const sut = createRetry({ isTransient: (error) => error !== permanent });
    const call = failingTimes(1, 'ok', permanent);

    await expect(sut.execute(call)).rejects.toBe(permanent);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('does not retry when isTransient throws', async () => {
    const sut = createRetry({
      isTransient: () => {
        throw new TypeError('cannot classify');
      },
    });
    const call = failingTimes(1, 'ok');

    await expect(sut.execute(call)).rejects.toBe(transient);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('never retries an open circuit, even when isTransient says every error is transient', async () => {
    const sut = createRetry({ isTransient: () => true });
    const call = jest.fn(() => Promise.reject(new BrokenCircuitError('users', 'OPEN', 1_000)));

    await expect(sut.execute(call)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('stops at the breaker it is composed with once the breaker opens', async () => {
    const breaker = new CircuitBreaker({ minimumNumberOfCalls: 2, clock });
    const sut = compose(createRetry({ maxAttempts: 10 }), breaker);
    const call = jest.fn(() => Promise.reject(transient));
    const outcome = capture(sut.execute(call));

    await clock.advanceBy(1_000);

    expect(outcome.error).toBeInstanceOf(BrokenCircuitError);
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('waits out an open circuit instead of giving up, when told to retry until success', async () => {
    const sut = new RetryPolicy(
      { maxAttempts: Number.POSITIVE_INFINITY, backoff: constant(100), clock },
      { waitsOutOpenCircuits: true },
    );
    const call = failingTimes(1, 'ok', new BrokenCircuitError('payments', 'OPEN', 5_000));
    const outcome = capture(sut.execute(call));

    await clock.advanceBy(4_999);
    expect(call).toHaveBeenCalledTimes(1);
    await clock.advanceBy(1);

    expect(outcome.value).toBe('ok');
  });

  it('caps every delay at maxDelayMs', async () => {
    const sut = createRetry({ backoff: constant(10_000), maxDelayMs: 50 });
    const call = failingTimes(1, 'ok');
    const outcome = capture(sut.execute(call));

    await clock.advanceBy(50);

    expect(outcome.value).toBe('ok');
  });

  describe('with a deadline', () => {
    it('gives up with the last error instead of sleeping past the deadline', async () => {
      const sut = createRetry({ maxAttempts: 10, deadlineMs: 250 });
      const call = failingTimes(10, 'never');
      const outcome = capture(sut.execute(call));

      await clock.advanceBy(200);

      expect(outcome.error).toBe(transient);
      expect(call).toHaveBeenCalledTimes(3);
      expect(clock.pendingTimers).toBe(0);
    });

    it('does not sleep when the delay would end exactly at the deadline', async () => {
      const sut = createRetry({ maxAttempts: 10, deadlineMs: 100 });
      const call = failingTimes(10, 'never');

      await expect(sut.execute(call)).rejects.toBe(transient);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('counts the time attempts take against the deadline', async () => {
      const sut = createRetry({ maxAttempts: 10, deadlineMs: 1_000 });
      const call = jest.fn(async () => {
        clock.jumpTo(clock.now() + 450);
        throw transient;
      });
      const outcome = capture(sut.execute(call));

      await clock.advanceBy(1_000);

      expect(outcome.error).toBe(transient);
      expect(call).toHaveBeenCalledTimes(2);
    });

    it('never starts an attempt after the deadline, even when a timer fires late', async () => {
      const sut = createRetry({ maxAttempts: 10, deadlineMs: 500 });
      const call = failingTimes(10, 'never');
      const giveUp = jest.fn();
      sut.onGiveUp(giveUp);
      const outcome = capture(sut.execute(call));
      await clock.settle();

      clock.jumpTo(600);
      await clock.advanceBy(0);

      expect(outcome.error).toBe(transient);
      expect(call).toHaveBeenCalledTimes(1);
      expect(giveUp).toHaveBeenCalledWith({ attempts: 1, error: transient, reason: 'deadline' });
    });
  });

  describe('with an abort signal', () => {
    it('rejects promptly and clears its timer when aborted while sleeping in backoff', async () => {
      const sut = createRetry({ backoff: constant(60_000) });
      const caller = new AbortController();
      const call = failingTimes(5, 'never');
      const outcome = capture(sut.execute(call, caller.signal));
      await clock.settle();

      caller.abort(new Error('request cancelled'));
      await clock.settle();

      expect(outcome.error).toEqual(new Error('request cancelled'));
      expect(clock.pendingTimers).toBe(0);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('does not sleep at all when the caller aborted during the attempt', async () => {
      const sut = createRetry();
      const caller = new AbortController();
      const call = jest.fn(async () => {
        caller.abort();
        throw transient;
      });

      await expect(sut.execute(call, caller.signal)).rejects.toBe(transient);
      expect(clock.pendingTimers).toBe(0);
    });

    it('stops retrying when an outer timeout fires during the backoff', async () => {
      const sut = compose(timeout(150, { clock }), createRetry({ maxAttempts: 10 }));
      const call = failingTimes(10, 'never');
      const outcome = capture(sut.execute(call));

      await clock.advanceBy(1_000);

      expect(outcome.error).toBeInstanceOf(TimeoutError);
      expect(call).toHaveBeenCalledTimes(2);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('events', () => {
    it('reports each retry with the failed attempt, the delay and the error', async () => {
      const sut = createRetry({ backoff: exponential({ initialDelayMs: 100, jitter: 'none' }) });
      const listener = jest.fn();
      sut.onRetry(listener);
      capture(sut.execute(failingTimes(2, 'ok')));

      await clock.advanceBy(1_000);

      expect(listener.mock.calls).toEqual([
        [{ attempt: 1, delayMs: 100, error: transient }],
        [{ attempt: 2, delayMs: 200, error: transient }],
      ]);
    });

    it.each([
      ['max-attempts', { maxAttempts: 1 }, transient],
      ['not-transient', { isTransient: () => false }, transient],
      ['broken-circuit', {}, new BrokenCircuitError('users', 'OPEN', 5)],
    ] as const)('reports giving up for %s', async (reason, options, error) => {
      const sut = createRetry(options);
      const listener = jest.fn();
      sut.onGiveUp(listener);

      await sut.execute(() => Promise.reject(error)).catch(() => undefined);

      expect(listener).toHaveBeenCalledWith({ attempts: 1, error, reason });
    });

    it('reports giving up when aborted while sleeping', async () => {
      const sut = createRetry();
      const caller = new AbortController();
      const listener = jest.fn();
      sut.onGiveUp(listener);
      capture(sut.execute(() => Promise.reject(transient), caller.signal));
      await clock.settle();

      caller.abort();
      await clock.settle();

      expect(listener).toHaveBeenCalledWith({ attempts: 1, error: transient, reason: 'aborted' });
    });
  });

  describe('dispose', () => {
    it('wakes a call sleeping in backoff, clears its timer and rejects it with a PolicyDisposedError', async () => {
      const sut = createRetry({ backoff: constant(60_000) });
      const call = failingTimes(5, 'never');
      const outcome = capture(sut.execute(call));
      await clock.settle();

      sut.dispose();
      await clock.settle();

      expect(isPolicyDisposedError(outcome.error)).toBe(true);
      expect((outcome.error as Error).cause).toBe(transient);
      expect(clock.pendingTimers).toBe(0);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it("stops listening to the caller's signal of a sleeping call", async () => {
      const sut = createRetry({ backoff: constant(60_000) });
      const caller = new AbortController();
      capture(sut.execute(failingTimes(5, 'never'), caller.signal));
      await clock.settle();

      sut.dispose();

      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    });

    it('settles a running attempt with its own outcome and starts no other', async () => {
      const sut = createRetry();
      let failAttempt!: (error: unknown) => void;
      const call = jest.fn(() => new Promise<never>((_, reject) => (failAttempt = reject)));
      const outcome = capture(sut.execute(call));
      await clock.settle();

      sut.dispose();
      failAttempt(transient);
      await clock.advanceBy(1_000);

      expect(outcome.error).toBe(transient);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('reports the calls it ended as given up because of disposal', async () => {
      const sut = createRetry({ backoff: constant(60_000) });
      const listener = jest.fn();
      sut.onGiveUp(listener);
      capture(sut.execute(() => Promise.reject(transient)));
      await clock.settle();

      sut.dispose();
      await clock.settle();

      expect(listener).toHaveBeenCalledWith({ attempts: 1, error: transient, reason: 'disposed' });
    });

    it('rejects later calls without running them, and does nothing when called again', async () => {
      const sut = createRetry();
      const call = failingTimes(0, 'ok');
      sut.dispose();
      sut.dispose();

      await expect(sut.execute(call)).rejects.toThrow('The retry policy was disposed');
      expect(call).not.toHaveBeenCalled();
    });
  });

  it('retries until success when maxAttempts is Infinity', async () => {
    const sut = createRetry({ maxAttempts: Number.POSITIVE_INFINITY });
    const outcome = capture(sut.execute(failingTimes(50, 'finally')));

    await clock.advanceBy(5_000);

    expect(outcome.value).toBe('finally');
  });

  it('rejects invalid options', () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow('maxAttempts must be a positive integer');
    expect(() => retry({ deadlineMs: -5 })).toThrow('deadlineMs must be a finite number > 0');
    expect(() => retry({ maxDelayMs: -1 })).toThrow('maxDelayMs must be a finite number >= 0');
  });
});
