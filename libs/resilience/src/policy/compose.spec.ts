import { CircuitBreaker } from '../breaker/circuit-breaker';
import { bulkhead } from '../bulkhead/bulkhead';
import { FakeClock } from '../clock/fake-clock';
import { constant } from '../retry/backoff';
import { retry } from '../retry/retry';
import { timeout } from '../timeout/timeout';
import { TimeoutError } from '../timeout/timeout.error';
import { compose } from './compose';
import { neverAbortedSignal, type PolicyContext } from './execution-context';
import type { Operation, Policy } from './policy';

describe(compose.name, () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(0);
  });

  it('runs the call through every policy, the first outermost', async () => {
    const order: string[] = [];
    const tracing = (name: string): Policy => ({
      async execute<T>(fn: Operation<T>, signal?: AbortSignal): Promise<T> {
        order.push(`${name}:in`);
        const result = await fn({ signal: signal ?? new AbortController().signal });
        order.push(`${name}:out`);
        return result;
      },
    });
    const sut = compose(tracing('outer'), retry(), tracing('inner'));

    await sut.execute(async () => order.push('call'));

    expect(order).toEqual(['outer:in', 'inner:in', 'call', 'inner:out', 'outer:out']);
  });

  it('passes the attempt number down to the call through inner policies', async () => {
    const attempts: (number | undefined)[] = [];
    const sut = compose(
      retry({ maxAttempts: 2, backoff: constant(0), clock }),
      new CircuitBreaker({ clock }),
      timeout(1_000, { clock }),
    );

    const outcome = sut.execute(async ({ attempt }) => {
      attempts.push(attempt);
      if (attempts.length === 1) throw new Error('transient');
      return 'ok';
    });
    await clock.advanceBy(0);

    await expect(outcome).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2]);
  });

  it('keeps the attempt number when a foreign policy sits between ours', async () => {
    const passThrough: Policy = {
      execute: (fn, signal) => Promise.resolve(fn({ signal: signal! })),
    };
    const sut = compose(retry({ maxAttempts: 1, clock }), passThrough);
    let context: PolicyContext | undefined;

    await sut.execute(async (received) => (context = received));

    expect(context?.attempt).toBe(1);
  });

  it('hands the caller signal to a foreign policy', async () => {
    let received: AbortSignal | undefined;
    const spy: Policy = {
      execute: (fn, signal) => {
        received = signal;
        return Promise.resolve(fn({ signal: signal! }));
      },
    };
    const caller = new AbortController();

    await compose(spy).execute(async () => 'ok', caller.signal);

    expect(received).toBe(caller.signal);
  });

  it('runs a call through a foreign policy that passes no context', async () => {
    const careless: Policy = {
      execute: (fn) => Promise.resolve(fn(undefined as unknown as PolicyContext)),
    };

    await expect(compose(careless).execute(async ({ signal }) => signal.aborted)).resolves.toBe(
      false,
    );
  });

  it('flattens nested compositions', async () => {
    const seen: string[] = [];
    const inner = compose(timeout(1_000, { clock }), bulkhead({ maxConcurrent: 1 }));
    const sut = compose(retry({ clock }), inner);

    await sut.execute(async () => seen.push('call'));

    expect(seen).toEqual(['call']);
  });

  it('gives the per-attempt timeout to every attempt and the overall timeout to the whole call', async () => {
    const sut = compose(
      timeout(1_000, { clock }),
      retry({ maxAttempts: 10, backoff: constant(50), clock }),
      timeout(200, { clock }),
    );
    const call = jest.fn(() => new Promise<never>(() => undefined));
    const outcome = sut.execute(call).catch((error: unknown) => error);

    await clock.advanceBy(1_000);

    await expect(outcome).resolves.toMatchObject({ timeoutMs: 1_000 });
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(call).toHaveBeenCalledTimes(4);
  });

  it('runs the call directly when given no policies', async () => {
    await expect(compose().execute(async () => 'bare')).resolves.toBe('bare');
  });

  describe('dispose', () => {
    it('disposes every part that holds something, leaving the breaker alone', async () => {
      const breaker = new CircuitBreaker({ clock });
      const perAttempt = timeout(1_000, { clock });
      const sut = compose(retry({ clock }), breaker, perAttempt);
      const pending = sut.execute(() => new Promise<never>(() => undefined));
      await clock.advanceBy(10);

      sut.dispose();

      await expect(pending).rejects.toThrow('The timeout policy was disposed');
      expect(clock.pendingTimers).toBe(0);
      await expect(breaker.execute(async () => 'still serving')).resolves.toBe('still serving');
    });

    it('rejects later calls with a PolicyDisposedError, and does nothing when called again', async () => {
      const sut = compose(new CircuitBreaker({ clock }));
      sut.dispose();
      sut.dispose();

      await expect(sut.execute(async () => 'never')).rejects.toThrow(
        'The composed policy was disposed',
      );
    });

    it('disposes a foreign policy that has a dispose method', () => {
      const foreign = {
        execute: <T>(fn: Operation<T>) => Promise.resolve(fn({ signal: neverAbortedSignal })),
        dispose: jest.fn(),
      };
      const withoutDispose: Policy = { execute: foreign.execute };

      compose(foreign, withoutDispose).dispose();

      expect(foreign.dispose).toHaveBeenCalledTimes(1);
    });
  });
});
