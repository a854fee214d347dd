import { FakeClock } from '../clock/fake-clock';
import { BrokenCircuitError, isBrokenCircuitError } from './broken-circuit.error';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitStateChange,
} from './circuit-breaker';
import { CircuitState } from './circuit-state';

const boom = new Error('downstream failed');
const succeed = (): Promise<string> => Promise.resolve('ok');
const fail = (): Promise<never> => Promise.reject(boom);

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => error,
  );
}

describe(CircuitBreaker.name, () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(1_000_000);
  });

  function createBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
    return new CircuitBreaker({
      name: 'payments',
      slidingWindow: { type: 'count', size: 10 },
      minimumNumberOfCalls: 4,
      failureRateThreshold: 0.5,
      openDurationMs: 5_000,
      clock,
      ...options,
    });
  }

  async function openBreaker(sut: CircuitBreaker, failures = 4): Promise<void> {
    for (let i = 0; i < failures; i++) await settle(sut.execute(fail));
    expect(sut.state).toBe(CircuitState.Open);
  }

  describe('while closed', () => {
    it('returns the result of the call', async () => {
      const sut = createBreaker();

      await expect(sut.execute(succeed)).resolves.toBe('ok');
    });

    it('passes the error of a failed call through unchanged', async () => {
      const sut = createBreaker();

      await expect(sut.execute(fail)).rejects.toBe(boom);
    });

    it('treats a synchronous throw as a failed call', async () => {
      const sut = createBreaker({ minimumNumberOfCalls: 1, failureRateThreshold: 1 });

      await expect(
        sut.execute(() => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(sut.state).toBe(CircuitState.Open);
    });

    it('stays closed below minimumNumberOfCalls even when every call fails', async () => {
      const sut = createBreaker({ minimumNumberOfCalls: 5 });

      for (let i = 0; i < 4; i++) await settle(sut.execute(fail));

      expect(sut.state).toBe(CircuitState.Closed);
    });

    it('opens when the failure rate of the window reaches the threshold', async () => {
      const sut = createBreaker();
      await sut.execute(succeed);
      await sut.execute(succeed);

      await settle(sut.execute(fail));
      expect(sut.state).toBe(CircuitState.Closed);
      await settle(sut.execute(fail));

      expect(sut.state).toBe(CircuitState.Open);
    });

    it('forgets outcomes that slid out of a count window', async () => {
      const sut = createBreaker({
        slidingWindow: { type: 'count', size: 4 },
        failureRateThreshold: 0.75,
      });
      await settle(sut.execute(fail));
      await settle(sut.execute(fail));
      for (let i = 0; i < 4; i++) await sut.execute(succeed);

      await settle(sut.execute(fail));
      await settle(sut.execute(fail));

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, calls: 4, failures: 2 });
    });

    it('does not count errors that countsAsFailure rejects, and records them as successes', async () => {
      const businessError = { code: 'PAYMENT_DECLINED', statusCode: 422 };
      const sut = createBreaker({ countsAsFailure: (error) => error !== businessError });

      for (let i = 0; i < 6; i++) await settle(sut.execute(() => Promise.reject(businessError)));

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, calls: 6, failures: 0 });
    });

    it('counts an error as a failure when countsAsFailure itself throws', async () => {
      const sut = createBreaker({
        minimumNumberOfCalls: 1,
        countsAsFailure: () => {
          throw new TypeError('cannot classify');
        },
      });

      await settle(sut.execute(fail));

      expect(sut.state).toBe(CircuitState.Open);
    });
  });

  describe('with a time-based window', () => {
    const timeWindow = { type: 'time', sizeMs: 10_000, bucketCount: 10 } as const;

    it('opens on failures within the window', async () => {
      const sut = createBreaker({ slidingWindow: timeWindow });

      await openBreaker(sut);

      expect(sut.snapshot().failures).toBe(4);
    });

    it('forgets failures older than the window', async () => {
      const sut = createBreaker({ slidingWindow: timeWindow });
      for (let i = 0; i < 3; i++) await settle(sut.execute(fail));

      clock.jumpTo(clock.now() + 10_000);
      await settle(sut.execute(fail));

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, calls: 1, failures: 1 });
    });

    it('expires buckets one at a time as time passes', async () => {
      const sut = createBreaker({ slidingWindow: timeWindow, minimumNumberOfCalls: 100 });
      await settle(sut.execute(fail));
      clock.jumpTo(clock.now() + 5_000);
      await settle(sut.execute(fail));
      await sut.execute(succeed);

      clock.jumpTo(clock.now() + 5_000);

      expect(sut.snapshot()).toMatchObject({ calls: 2, failures: 1, failureRate: 0.5 });
    });

    it('keeps counting into the current bucket when the clock steps backwards', async () => {
      const sut = createBreaker({ slidingWindow: timeWindow, minimumNumberOfCalls: 100 });
      await settle(sut.execute(fail));

      clock.jumpTo(clock.now() - 60_000);
      await settle(sut.execute(fail));

      expect(sut.snapshot().failures).toBe(2);
    });
  });

  describe('slow calls', () => {
    function slowCall(durationMs: number): () => Promise<string> {
      return async () => {
        clock.jumpTo(clock.now() + durationMs);
        return 'late';
      };
    }

    it('opens when the slow-call rate reaches its threshold, even though every call succeeds', async () => {
      const sut = createBreaker({ slowCallDurationMs: 1_000, slowCallRateThreshold: 0.5 });

      for (let i = 0; i < 4; i++) await sut.execute(slowCall(1_500));

      expect(sut.snapshot()).toMatchObject({
        state: CircuitState.Open,
        slowCalls: 4,
        slowCallRate: 1,
      });
    });

    it('does not treat a call of exactly slowCallDurationMs as slow', async () => {
      const sut = createBreaker({ slowCallDurationMs: 1_000, slowCallRateThreshold: 0.5 });

      for (let i = 0; i < 4; i++) await sut.execute(slowCall(1_000));

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, slowCalls: 0 });
    });

    it('reopens when a trial call is slow', async () => {
      const sut = createBreaker({ slowCallDurationMs: 1_000 });
      await openBreaker(sut);
      clock.jumpTo(clock.now() + 5_000);

      await sut.execute(slowCall(2_000));

      expect(sut.state).toBe(CircuitState.Open);
    });
  });

  describe('while open', () => {
    it('rejects at once without running the call', async () => {
      const sut = createBreaker();
      await openBreaker(sut);
      const call = jest.fn(succeed);

      await expect(sut.execute(call)).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(call).not.toHaveBeenCalled();
    });

    it('tells the caller when to retry', async () => {
      const sut = createBreaker();
      await openBreaker(sut);
      clock.jumpTo(clock.now() + 1_200);

      const error = await settle(sut.execute(succeed));

      expect(error).toMatchObject({
        breakerName: 'payments',
        state: CircuitState.Open,
        retryAfterMs: 3_800,
      });
    });

    it('half-opens once openDurationMs has passed', async () => {
      const sut = createBreaker();
      await openBreaker(sut);

      clock.jumpTo(clock.now() + 5_000);

      expect(sut.state).toBe(CircuitState.HalfOpen);
    });

    it('reports when it will half-open', async () => {
      const sut = createBreaker();
      const openedAtMs = clock.now();
      await openBreaker(sut);

      expect(sut.snapshot()).toMatchObject({
        state: CircuitState.Open,
        openedAtMs,
        halfOpensAtMs: openedAtMs + 5_000,
        retryAfterMs: 5_000,
        failureRate: 1,
      });
    });
  });

  describe('while half-open', () => {
    async function halfOpenBreaker(options: CircuitBreakerOptions = {}): Promise<CircuitBreaker> {
      const sut = createBreaker(options);
      await openBreaker(sut);
      clock.jumpTo(clock.now() + 5_000);
      return sut;
    }

    it('closes when the trial call succeeds', async () => {
      const sut = await halfOpenBreaker();

      await sut.execute(succeed);

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, calls: 0 });
    });

    it('opens again when the trial call fails', async () => {
      const sut = await halfOpenBreaker();

      await settle(sut.execute(fail));

      expect(sut.snapshot()).toMatchObject({
        state: CircuitState.Open,
        halfOpensAtMs: clock.now() + 5_000,
      });
    });

    it('rejects callers beyond the trial at once instead of queueing them', async () => {
      const sut = await halfOpenBreaker();
      const trial = deferred<string>();
      const trialCall = sut.execute(() => trial.promise);
      const other = jest.fn(succeed);

      const rejection = await settle(sut.execute(other));

      expect(rejection).toMatchObject({ state: CircuitState.HalfOpen, retryAfterMs: 5_000 });
      expect(other).not.toHaveBeenCalled();
      trial.resolve('ok');
      await trialCall;
    });

    it('lets halfOpenTrialCalls trials through and closes only when all of them succeed', async () => {
      const sut = await halfOpenBreaker({ halfOpenTrialCalls: 2 });
      const first = deferred<string>();
      const second = deferred<string>();
      const calls = [sut.execute(() => first.promise), sut.execute(() => second.promise)];

      first.resolve('ok');
      await calls[0];
      expect(sut.snapshot()).toMatchObject({ state: CircuitState.HalfOpen, trialCallsInFlight: 1 });
      second.resolve('ok');
      await calls[1];

      expect(sut.state).toBe(CircuitState.Closed);
    });

    it('ignores the success of a call that started before the breaker opened', async () => {
      const sut = createBreaker();
      const straggler = deferred<string>();
      const stragglerCall = sut.execute(() => straggler.promise);
      await openBreaker(sut);
      clock.jumpTo(clock.now() + 5_000);
      expect(sut.state).toBe(CircuitState.HalfOpen);

      straggler.resolve('late');
      await stragglerCall;

      expect(sut.state).toBe(CircuitState.HalfOpen);
    });

    it('ignores the failure of a call that started before the breaker closed', async () => {
      const sut = await halfOpenBreaker({ halfOpenTrialCalls: 2 });
      const slowTrial = deferred<string>();
      const slowTrialCall = settle(sut.execute(() => slowTrial.promise));
      await sut.execute(succeed);
      sut.reset();

      slowTrial.reject(boom);
      await slowTrialCall;

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, failures: 0 });
    });
  });

  describe('events', () => {
    it('reports every transition with its reason', async () => {
      const sut = createBreaker();
      const changes: CircuitStateChange[] = [];
      sut.onStateChange((change) => changes.push(change));

      await openBreaker(sut);
      clock.jumpTo(clock.now() + 5_000);
      await sut.execute(succeed);

      expect(changes.map(({ from, to, reason }) => [from, to, reason])).toEqual([
        [CircuitState.Closed, CircuitState.Open, 'failure-rate'],
        [CircuitState.Open, CircuitState.HalfOpen, 'open-duration-elapsed'],
        [CircuitState.HalfOpen, CircuitState.Closed, 'trials-succeeded'],
      ]);
    });

    it('reports successes and failures with their duration', async () => {
      const sut = createBreaker();
      const success = jest.fn();
      const failure = jest.fn();
      sut.onSuccess(success);
      sut.onFailure(failure);

      await sut.execute(succeed);
      await settle(sut.execute(fail));

      expect(success).toHaveBeenCalledWith({
        breakerName: 'payments',
        state: CircuitState.Closed,
        durationMs: 0,
      });
      expect(failure).toHaveBeenCalledWith(
        expect.objectContaining({ error: boom, countedAsFailure: true, durationMs: 0 }),
      );
    });

    it('reports errors that do not count as failures as uncounted failures', async () => {
      const sut = createBreaker({ countsAsFailure: () => false });
      const failure = jest.fn();
      sut.onFailure(failure);

      await settle(sut.execute(fail));

      expect(failure).toHaveBeenCalledWith(expect.objectContaining({ countedAsFailure: false }));
    });

    it('reports rejected calls', async () => {
      const sut = createBreaker();
      await openBreaker(sut);
      const rejected = jest.fn();
      sut.onRejected(rejected);

      await settle(sut.execute(succeed));

      expect(rejected).toHaveBeenCalledWith({
        breakerName: 'payments',
        error: expect.any(BrokenCircuitError),
      });
      expect(sut.snapshot().rejectedCalls).toBe(1);
    });

    it('stops calling a listener once its subscription is disposed', async () => {
      const sut = createBreaker();
      const success = jest.fn();
      const subscription = sut.onSuccess(success);

      subscription.dispose();
      subscription.dispose();
      await sut.execute(succeed);

      expect(success).not.toHaveBeenCalled();
    });
  });

  describe('manual control', () => {
    it('holds the breaker isolated until every isolation handle is disposed', async () => {
      const sut = createBreaker();
      const first = sut.isolate();
      const second = sut.isolate();

      first.dispose();
      first.dispose();
      const whileHeld = await settle(sut.execute(succeed));
      second.dispose();

      expect(whileHeld).toMatchObject({ state: CircuitState.Isolated, retryAfterMs: 5_000 });
      expect(sut.state).toBe(CircuitState.Closed);
    });

    it('closes an isolated breaker on reset', () => {
      const sut = createBreaker();
      const hold = sut.isolate();

      sut.reset();
      hold.dispose();

      expect(sut.state).toBe(CircuitState.Closed);
    });

    it('keeps outcomes of calls that began before a reset out of the new window', async () => {
      const sut = createBreaker();
      const inFlight = deferred<string>();
      const call = settle(sut.execute(() => inFlight.promise));

      sut.reset();
      inFlight.reject(boom);
      await call;

      expect(sut.snapshot()).toMatchObject({ calls: 0, failures: 0 });
    });

    it('clears the window of a closed breaker on reset', async () => {
      const sut = createBreaker();
      await settle(sut.execute(fail));

      sut.reset();

      expect(sut.snapshot()).toMatchObject({ calls: 0, failures: 0, failureRate: 0 });
    });
  });

  describe('options', () => {
    it.each<[string, CircuitBreakerOptions]>([
      ['failureRateThreshold', { failureRateThreshold: 0 }],
      ['failureRateThreshold', { failureRateThreshold: 1.5 }],
      ['minimumNumberOfCalls', { minimumNumberOfCalls: 0 }],
      ['openDurationMs', { openDurationMs: -1 }],
      ['slowCallDurationMs', { slowCallDurationMs: Number.NaN }],
      ['halfOpenTrialCalls', { halfOpenTrialCalls: 1.5 }],
      ['slidingWindow.size', { slidingWindow: { type: 'count', size: 0 } }],
      ['slidingWindow.sizeMs', { slidingWindow: { type: 'time', sizeMs: 0 } }],
    ])('rejects an invalid %s', (name, options) => {
      expect(() => new CircuitBreaker(options)).toThrow(name);
    });

    it('reports the slow-call threshold only when slow calls are tracked', () => {
      expect(new CircuitBreaker().snapshot().slowCallRateThreshold).toBeUndefined();
      expect(new CircuitBreaker({ slowCallDurationMs: 10 }).snapshot().slowCallRateThreshold).toBe(
        1,
      );
    });
  });
});

describe(BrokenCircuitError.name, () => {
  it('is recognised by its type guard, also when built without a stack', () => {
    expect(isBrokenCircuitError(new BrokenCircuitError('users', 'OPEN', 10))).toBe(true);
    expect(isBrokenCircuitError(BrokenCircuitError.withoutStack('users', 'OPEN', 10))).toBe(true);
    expect(isBrokenCircuitError(new Error('other'))).toBe(false);
    expect(isBrokenCircuitError(undefined)).toBe(false);
  });

  it('describes itself like any error when built without a stack', () => {
    const sut = BrokenCircuitError.withoutStack('users', 'OPEN', 1_500);

    expect(sut).toBeInstanceOf(Error);
    expect(sut.name).toBe('BrokenCircuitError');
    expect(sut.message).toBe('Circuit breaker "users" is OPEN; retry after 1500 ms');
    expect(sut.stack).toContain('BrokenCircuitError: Circuit breaker "users" is OPEN');
  });

  it('accepts a new message or stack, as loggers sometimes assign them', () => {
    const sut = BrokenCircuitError.withoutStack('users', 'OPEN', 1_500);

    sut.message = 'users unavailable';
    sut.stack = 'custom';

    expect([sut.message, sut.stack]).toEqual(['users unavailable', 'custom']);
  });
});
