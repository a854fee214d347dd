import { FakeClock } from '../clock/fake-clock';
import { constant } from '../retry/backoff';
import { retry, RetryPolicy } from '../retry/retry';
import { BrokenCircuitError, brokenCircuitBehind } from './broken-circuit.error';

/** What an adapter does with a rejection: its own error type, the rejection as `cause`. */
class ServiceUnavailableError extends Error {}

const rejection = new BrokenCircuitError('payments', 'OPEN', 5_000);
const wrapped = new ServiceUnavailableError('payments is unavailable', { cause: rejection });

describe(brokenCircuitBehind.name, () => {
  it('finds the rejection behind an adapter error', () => {
    expect(brokenCircuitBehind(wrapped)).toBe(rejection);
  });

  it('finds nothing behind an error with other causes', () => {
    const other = new Error('timeout', { cause: new Error('socket') });

    expect(brokenCircuitBehind(other)).toBeUndefined();
  });

  it('stops at a cycle of causes', () => {
    const cyclic = new Error('a') as Error & { cause?: unknown };
    cyclic.cause = cyclic;

    expect(brokenCircuitBehind(cyclic)).toBeUndefined();
  });
});

describe('a retry given a wrapped open-circuit rejection', () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(0);
  });

  it('does not retry it, even if its predicate calls the wrapper transient', async () => {
    const sut = retry({ maxAttempts: 5, backoff: constant(10), isTransient: () => true, clock });
    const call = jest.fn(() => Promise.reject(wrapped));

    await expect(sut.execute(call)).rejects.toBe(wrapped);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('waits out its retryAfterMs when it retries until success', async () => {
    const sut = new RetryPolicy(
      { maxAttempts: Number.POSITIVE_INFINITY, backoff: constant(10), clock },
      { waitsOutOpenCircuits: true },
    );
    let calls = 0;
    const call = jest.fn(() => (++calls === 1 ? Promise.reject(wrapped) : Promise.resolve('ok')));
    const outcome = sut.execute(call);

    await clock.advanceBy(4_999);
    expect(call).toHaveBeenCalledTimes(1);
    await clock.advanceBy(1);

    await expect(outcome).resolves.toBe('ok');
  });
});
