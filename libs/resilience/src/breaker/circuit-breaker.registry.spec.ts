import { FakeClock } from '../clock/fake-clock';
import { CircuitState } from './circuit-state';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';

describe(CircuitBreakerRegistry.name, () => {
  const clock = new FakeClock(0);

  it('creates a breaker per name once and returns it afterwards', () => {
    const sut = new CircuitBreakerRegistry({ clock });

    const first = sut.get('payments');

    expect(sut.get('payments')).toBe(first);
    expect(sut.get('users')).not.toBe(first);
    expect(sut.find('payments')).toBe(first);
    expect(sut.find('orders')).toBeUndefined();
  });

  it('builds breakers from the defaults with per-name overrides', async () => {
    const sut = new CircuitBreakerRegistry({
      clock,
      minimumNumberOfCalls: 100,
      openDurationMs: 1_000,
    });
    const breaker = sut.get('payments', { minimumNumberOfCalls: 1 });

    await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);

    expect(breaker.snapshot()).toMatchObject({
      name: 'payments',
      state: CircuitState.Open,
      retryAfterMs: 1_000,
    });
  });

  it('lists the snapshots of every breaker', () => {
    const sut = new CircuitBreakerRegistry({ clock });
    sut.get('payments');
    sut.get('users');

    expect(sut.snapshots().map(({ name, state }) => [name, state])).toEqual([
      ['payments', CircuitState.Closed],
      ['users', CircuitState.Closed],
    ]);
  });

  it('reports each breaker it creates, once', () => {
    const sut = new CircuitBreakerRegistry({ clock });
    const created = jest.fn();
    sut.onCreated(created);

    sut.get('payments');
    sut.get('payments');

    expect(created).toHaveBeenCalledTimes(1);
    expect(created).toHaveBeenCalledWith(sut.find('payments'));
  });
});
