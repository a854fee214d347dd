import { getEventListeners } from 'node:events';
import { FakeClock } from '../clock/fake-clock';
import { isPolicyDisposedError } from '../policy/policy-disposed.error';
import { BulkheadRejectedError, isBulkheadRejectedError } from './bulkhead-rejected.error';
import { bulkhead, BulkheadPolicy } from './bulkhead';

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe(BulkheadPolicy.name, () => {
  const clock = new FakeClock();

  it('runs calls up to maxConcurrent at once', async () => {
    const sut = bulkhead({ maxConcurrent: 2 });
    const blocker = gate();

    const calls = [sut.execute(() => blocker.promise), sut.execute(() => blocker.promise)];

    expect(sut.snapshot()).toEqual({ running: 2, queued: 0, maxConcurrent: 2, maxQueued: 0 });
    blocker.open();
    await Promise.all(calls);
    expect(sut.snapshot().running).toBe(0);
  });

  it('rejects at once, without running the call, when slots and queue are full', async () => {
    const sut = bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const blocker = gate();
    const running = sut.execute(() => blocker.promise);
    const queued = sut.execute(() => blocker.promise);
    const call = jest.fn(async () => 'never');

    await expect(sut.execute(call)).rejects.toThrow(
      'Bulkhead is full: 1 calls running (maxConcurrent) and 1 waiting (maxQueued); the call was rejected without running',
    );
    expect(call).not.toHaveBeenCalled();
    blocker.open();
    await Promise.all([running, queued]);
  });

  it('runs queued calls in arrival order as slots free up', async () => {
    const sut = bulkhead({ maxConcurrent: 1, maxQueued: 2 });
    const blocker = gate();
    const order: string[] = [];
    const first = sut.execute(async () => {
      await blocker.promise;
      order.push('first');
    });
    const second = sut.execute(async () => order.push('second'));
    const third = sut.execute(async () => order.push('third'));
    expect(sut.snapshot()).toMatchObject({ running: 1, queued: 2 });

    blocker.open();
    await Promise.all([first, second, third]);

    expect(order).toEqual(['first', 'second', 'third']);
    expect(sut.snapshot()).toMatchObject({ running: 0, queued: 0 });
  });

  it('frees the slot of a call that failed', async () => {
    const sut = bulkhead({ maxConcurrent: 1 });

    await expect(sut.execute(() => Promise.reject(new Error('failed')))).rejects.toThrow('failed');

    await expect(sut.execute(async () => 'next')).resolves.toBe('next');
  });

  it('removes a queued call from the queue when its signal aborts', async () => {
    const sut = bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const blocker = gate();
    const running = sut.execute(() => blocker.promise);
    const caller = new AbortController();
    const call = jest.fn(async () => 'never');
    const queued = sut.execute(call, caller.signal);

    caller.abort(new Error('gave up waiting'));

    await expect(queued).rejects.toThrow('gave up waiting');
    expect(sut.snapshot().queued).toBe(0);
    blocker.open();
    await running;
    expect(call).not.toHaveBeenCalled();
  });

  it('does not queue a call whose signal already aborted', async () => {
    const sut = bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const caller = new AbortController();
    caller.abort();

    await expect(sut.execute(async () => 'never', caller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('reports rejected calls', async () => {
    const sut = bulkhead({ maxConcurrent: 1 });
    const listener = jest.fn();
    sut.onRejected(listener);
    const blocker = gate();
    const running = sut.execute(() => blocker.promise);

    await sut.execute(async () => 'never').catch(() => undefined);

    expect(listener).toHaveBeenCalledWith(expect.any(BulkheadRejectedError));
    blocker.open();
    await running;
  });

  it('rejects invalid limits', () => {
    expect(() => bulkhead({ maxConcurrent: 0 })).toThrow(
      'maxConcurrent must be a positive integer',
    );
    expect(() => bulkhead({ maxConcurrent: 1, maxQueued: -1 })).toThrow(
      'maxQueued must be an integer >= 0',
    );
  });

  describe('dispose', () => {
    it('rejects queued calls with a PolicyDisposedError without running them', async () => {
      const sut = bulkhead({ maxConcurrent: 1, maxQueued: 1 });
      const blocker = gate();
      const running = sut.execute(() => blocker.promise);
      const queuedCall = jest.fn(async () => 'never');
      const queued = sut.execute(queuedCall);

      sut.dispose();

      await expect(queued).rejects.toThrow('The bulkhead was disposed');
      expect(queuedCall).not.toHaveBeenCalled();
      blocker.open();
      await running;
    });

    it('lets running calls finish', async () => {
      const sut = bulkhead({ maxConcurrent: 1 });
      const blocker = gate();
      const running = sut.execute(async () => {
        await blocker.promise;
        return 'finished';
      });

      sut.dispose();
      blocker.open();

      await expect(running).resolves.toBe('finished');
      expect(sut.snapshot()).toMatchObject({ running: 0, queued: 0 });
    });

    it("stops listening to a queued call's signal", async () => {
      const sut = bulkhead({ maxConcurrent: 1, maxQueued: 1 });
      const blocker = gate();
      const running = sut.execute(() => blocker.promise);
      const caller = new AbortController();
      const queued = sut.execute(async () => 'never', caller.signal).catch(() => undefined);

      sut.dispose();

      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
      blocker.open();
      await Promise.all([running, queued]);
    });

    it('rejects later calls, and does nothing when called again', async () => {
      const sut = bulkhead({ maxConcurrent: 1 });
      sut.dispose();
      sut.dispose();

      const outcome = await sut.execute(async () => 'never').catch((error: unknown) => error);

      expect(isPolicyDisposedError(outcome)).toBe(true);
    });
  });

  it('keeps no timers', () => {
    expect(clock.pendingTimers).toBe(0);
  });
});

describe(BulkheadRejectedError.name, () => {
  it('is recognised by its type guard and names its limits', () => {
    const sut = new BulkheadRejectedError(4, 8);

    expect(isBulkheadRejectedError(sut)).toBe(true);
    expect(isBulkheadRejectedError(new Error('Bulkhead is full'))).toBe(false);
    expect(sut).toMatchObject({ name: 'BulkheadRejectedError', maxConcurrent: 4, maxQueued: 8 });
  });
});
