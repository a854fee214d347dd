import { EMPTY, NEVER, Observable, of, throwError } from 'rxjs';
import { BrokenCircuitError } from '../breaker/broken-circuit.error';
import { CircuitBreakerRegistry } from '../breaker/circuit-breaker.registry';
import { CircuitState } from '../breaker/circuit-state';
import { BulkheadRejectedError } from '../bulkhead/bulkhead-rejected.error';
import { FakeClock } from '../clock/fake-clock';
import { seededRandom } from '../clock/random';
import { isPolicyDisposedError } from '../policy/policy-disposed.error';
import { constant } from '../retry/backoff';
import { TimeoutError } from '../timeout/timeout.error';
import {
  type MessageClient,
  ResilientClient,
  type ResilientClientOptions,
} from './resilient-client';

type Reply = () => Observable<unknown>;

/** A ClientProxy double: answers each call with the next scripted reply and records subscriptions. */
class ScriptedClient implements MessageClient {
  readonly sent: { pattern: unknown; data: unknown }[] = [];
  unsubscribed = 0;
  private readonly replies: Reply[] = [];

  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  send<TResult>(pattern: unknown, data: unknown): Observable<TResult> {
    this.sent.push({ pattern, data });
    return this.next() as Observable<TResult>;
  }

  emit<TResult>(pattern: unknown, data: unknown): Observable<TResult> {
    return this.send<TResult>(pattern, data);
  }

  private next(): Observable<unknown> {
    const reply = this.replies.length > 1 ? this.replies.shift()! : this.replies[0];
    return new Observable((subscriber) => {
      let hasEnded = false;
      const subscription = reply().subscribe({
        next: (reply) => subscriber.next(reply),
        error: (error: unknown) => {
          hasEnded = true;
          subscriber.error(error);
        },
        complete: () => {
          hasEnded = true;
          subscriber.complete();
        },
      });
      return () => {
        if (!hasEnded) this.unsubscribed++;
        subscription.unsubscribe();
      };
    });
  }
}

const value =
  (reply: unknown): Reply =>
  () =>
    of(reply);
const failure =
  (error: unknown): Reply =>
  () =>
    throwError(() => error);
const silence: Reply = () => NEVER;
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function capture<T>(promise: Promise<T>): { value?: T; error?: unknown; settled: boolean } {
  const outcome: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (result) => Object.assign(outcome, { value: result, settled: true }),
    (error: unknown) => Object.assign(outcome, { error, settled: true }),
  );
  return outcome;
}

describe(ResilientClient.name, () => {
  let clock: FakeClock;
  let proxy: ScriptedClient;

  beforeEach(() => {
    clock = new FakeClock(0);
    proxy = new ScriptedClient();
  });

  function createClient(options: Partial<ResilientClientOptions> = {}): ResilientClient {
    return new ResilientClient(proxy, {
      serviceName: 'payments',
      timeoutMs: 1_000,
      retry: { maxAttempts: 3, backoff: constant(100) },
      breaker: { minimumNumberOfCalls: 2, openDurationMs: 10_000 },
      clock,
      random: seededRandom(3),
      ...options,
    });
  }

  describe('send', () => {
    it('resolves with the reply and sends pattern and data unchanged', async () => {
      proxy.reply(value({ status: 'AUTHORIZED' }));
      const sut = createClient();

      await expect(sut.send('payments.authorize.v1', { orderId: 'o-1' })).resolves.toEqual({
        status: 'AUTHORIZED',
      });
      expect(proxy.sent).toEqual([{ pattern: 'payments.authorize.v1', data: { orderId: 'o-1' } }]);
    });

    it('resolves with the last value of a reply that streams several', async () => {
      proxy.reply(() => of(1, 2, 3));

      await expect(createClient().send('numbers', {})).resolves.toBe(3);
    });

    it('resolves undefined when the handler returns nothing', async () => {
      proxy.reply(() => EMPTY);

      await expect(createClient().send('noop', {})).resolves.toBeUndefined();
    });

    it('passes an RPC error of the remote handler through as it arrived, without retrying it', async () => {
      const declined = { code: 'PAYMENT_DECLINED', message: 'Card declined', statusCode: 402 };
      proxy.reply(failure(declined));

      await expect(
        createClient().send('payments.authorize.v1', {}, { idempotent: true }),
      ).rejects.toBe(declined);
      expect(proxy.sent).toHaveLength(1);
    });

    it('does not count business errors (4xx) against the breaker', async () => {
      proxy.reply(failure({ statusCode: 409, message: 'Already captured' }));
      const sut = createClient();

      for (let i = 0; i < 5; i++) await sut.send('payments.capture.v1', {}).catch(() => undefined);

      expect(sut.snapshot()).toMatchObject({ state: CircuitState.Closed, failures: 0 });
    });

    it('fails at once with a BrokenCircuitError carrying retryAfterMs once the breaker opened', async () => {
      proxy.reply(failure({ statusCode: 500, message: 'Internal server error' }));
      const sut = createClient();
      await sut.send('payments.capture.v1', {}).catch(() => undefined);
      await sut.send('payments.capture.v1', {}).catch(() => undefined);
      await clock.advanceBy(4_000);

      const error = await sut
        .send('payments.capture.v1', {})
        .catch((rejection: unknown) => rejection);

      expect(error).toBeInstanceOf(BrokenCircuitError);
      expect(error).toMatchObject({ breakerName: 'payments', retryAfterMs: 6_000 });
      expect(proxy.sent).toHaveLength(2);
    });

    it('shares the breaker of a service with every client of the registry', () => {
      const registry = new CircuitBreakerRegistry({ clock });

      const first = createClient({ registry });
      const second = createClient({ registry });

      expect(first.breaker).toBe(second.breaker);
      expect(registry.find('payments')).toBe(first.breaker);
    });

    it('times an attempt out and unsubscribes, so Nest drops the pending reply', async () => {
      proxy.reply(silence);
      const outcome = capture(
        createClient({ retry: { maxAttempts: 1 } }).send('payments.status.v1', {}),
      );

      await clock.advanceBy(1_000);

      expect(outcome.error).toBeInstanceOf(TimeoutError);
      expect(proxy.unsubscribed).toBe(1);
    });

    it('lets a call choose its own timeout', async () => {
      proxy.reply(silence);
      const outcome = capture(
        createClient({ retry: { maxAttempts: 1 } }).send('slow', {}, { timeoutMs: 5_000 }),
      );

      await clock.advanceBy(1_000);
      expect(outcome.settled).toBe(false);
      await clock.advanceBy(4_000);

      expect(outcome.error).toMatchObject({ timeoutMs: 5_000 });
    });

    it('retries a timed-out idempotent call', async () => {
      proxy.reply(silence, value('ok'));
      const outcome = capture(
        createClient().send('payments.authorize.v1', {}, { idempotent: true }),
      );

      await clock.advanceBy(1_100);

      expect(outcome.value).toBe('ok');
      expect(proxy.sent).toHaveLength(2);
    });

    it('does not retry a timed-out call that is not idempotent: the message may have been handled', async () => {
      proxy.reply(silence, value('ok'));
      const outcome = capture(createClient().send('payments.authorize.v1', {}));

      await clock.advanceBy(2_000);

      expect(outcome.error).toBeInstanceOf(TimeoutError);
      expect(proxy.sent).toHaveLength(1);
    });

    it('retries a call that is not idempotent when the error proves the message was never delivered', async () => {
      proxy.reply(
        failure(refused),
        failure('Error: Connection lost. Trying to reconnect...'),
        value('ok'),
      );
      const sut = createClient({ breaker: { minimumNumberOfCalls: 10 } });
      const outcome = capture(sut.send('payments.authorize.v1', {}));

      await clock.advanceBy(200);

      expect(outcome.value).toBe('ok');
      expect(proxy.sent).toHaveLength(3);
    });

    it("uses the application's own transient and delivery predicates", async () => {
      const busy = { code: 'SERVICE_BUSY', message: 'Try again', statusCode: 503 };
      proxy.reply(failure(busy), value('ok'));
      const sut = createClient({
        isTransient: (error) => (error as { code?: string }).code === 'SERVICE_BUSY',
        wasNeverDelivered: () => true,
      });
      const outcome = capture(sut.send('payments.authorize.v1', {}));

      await clock.advanceBy(100);

      expect(outcome.value).toBe('ok');
    });

    it('gives up when the deadline of the whole call passes', async () => {
      proxy.reply(silence);
      const outcome = capture(
        createClient({
          deadlineMs: 1_500,
          retry: { maxAttempts: 10, backoff: constant(100) },
        }).send('payments.status.v1', {}, { idempotent: true }),
      );

      await clock.advanceBy(1_500);

      expect(outcome.error).toMatchObject({ timeoutMs: 1_500 });
      expect(proxy.sent).toHaveLength(2);
    });

    it('stops the call and its retries when the caller aborts', async () => {
      proxy.reply(silence);
      const caller = new AbortController();
      const outcome = capture(
        createClient().send('payments.status.v1', {}, { idempotent: true, signal: caller.signal }),
      );
      await clock.settle();

      caller.abort(new Error('client disconnected'));
      await clock.settle();

      expect(outcome.error).toEqual(new Error('client disconnected'));
      expect(proxy.unsubscribed).toBe(1);
      expect(clock.pendingTimers).toBeLessThanOrEqual(1);
    });

    it('rejects calls beyond its bulkhead without sending them', async () => {
      proxy.reply(silence);
      const sut = createClient({ bulkhead: { maxConcurrent: 1 }, retry: { maxAttempts: 1 } });
      capture(sut.send('payments.status.v1', {}));

      await expect(sut.send('payments.status.v1', {})).rejects.toBeInstanceOf(
        BulkheadRejectedError,
      );
      expect(proxy.sent).toHaveLength(1);
    });
  });

  describe('emit', () => {
    it('resolves once the transport accepted the event', async () => {
      proxy.reply(() => EMPTY);

      await expect(
        createClient().emit('order.confirmed.v1', { orderId: 'o-1' }),
      ).resolves.toBeUndefined();
      expect(proxy.sent).toEqual([{ pattern: 'order.confirmed.v1', data: { orderId: 'o-1' } }]);
    });

    it('rejects when the transport refuses the event, after retrying what was never delivered', async () => {
      proxy.reply(failure(refused));
      const outcome = capture(
        createClient({ breaker: { minimumNumberOfCalls: 10 } }).emit('order.confirmed.v1', {}),
      );

      await clock.advanceBy(200);

      expect(outcome.error).toBe(refused);
      expect(proxy.sent).toHaveLength(3);
    });
  });

  describe('dispose', () => {
    it('rejects a call waiting for its reply and holds no timer afterwards', async () => {
      proxy.reply(silence);
      const sut = createClient({ deadlineMs: 5_000 });
      const outcome = capture(sut.send('payments.status.v1', {}));
      await clock.advanceBy(10);

      sut.dispose();
      await clock.settle();

      expect(isPolicyDisposedError(outcome.error)).toBe(true);
      expect(clock.pendingTimers).toBe(0);
    });

    it('rejects later sends and emits without sending anything', async () => {
      const sut = createClient();
      sut.dispose();
      sut.dispose();

      const outcomes = await Promise.all([
        sut.send('payments.status.v1', {}).catch((error: unknown) => error),
        sut.emit('order.confirmed.v1', {}).catch((error: unknown) => error),
      ]);

      expect(outcomes.map(isPolicyDisposedError)).toEqual([true, true]);
      expect(proxy.sent).toHaveLength(0);
    });

    it('leaves the shared breaker to the registry', async () => {
      proxy.reply(value('ok'));
      const registry = new CircuitBreakerRegistry({ clock });
      const sut = createClient({ registry, bulkhead: { maxConcurrent: 1 } });
      await sut.send('payments.status.v1', {});

      sut.dispose();

      await expect(registry.get('payments').execute(async () => 'still serving')).resolves.toBe(
        'still serving',
      );
    });
  });

  it('rejects a timeout that is not positive', () => {
    expect(() => createClient({ timeoutMs: 0 })).toThrow('timeoutMs must be a finite number > 0');
  });
});
