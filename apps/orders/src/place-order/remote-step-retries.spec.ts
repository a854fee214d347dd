import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { ClientProxy } from '@nestjs/microservices';
import { ServiceClient } from '@shop/platform';
import {
  CircuitBreakerRegistry,
  InMemorySagaStore,
  SagaDefinition,
  SagaInstance,
  SagaOrchestrator,
} from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { NEVER, Observable, throwError } from 'rxjs';
import { remoteStepRetry } from './place-order.saga';

const RPC_TIMEOUT_MS = 1_000;

/** A broker that takes every message and never answers, or refuses each one with `error`. */
class CountingProxy {
  sent = 0;

  constructor(private readonly reply: () => Observable<never> = () => NEVER) {}

  send(): Observable<never> {
    this.sent += 1;
    return this.reply();
  }

  emit(): Observable<never> {
    return this.send();
  }
}

function serviceClient(
  proxy: CountingProxy,
  breakers: CircuitBreakerRegistry,
  attemptsPerCall?: number,
) {
  return new ServiceClient(
    proxy as unknown as ClientProxy,
    new ClsService(new AsyncLocalStorage()),
    { service: 'payments', timeoutMs: RPC_TIMEOUT_MS, breakers, attemptsPerCall },
  );
}

function breakersThatOpenAfter(minimumNumberOfCalls: number) {
  return new CircuitBreakerRegistry({
    failureRateThreshold: 0.5,
    minimumNumberOfCalls,
    slidingWindow: { type: 'time', sizeMs: 60_000 },
    openDurationMs: 30_000,
    halfOpenTrialCalls: 1,
  });
}

/** Reserve (local, compensable), then a remote step as place-order configures it. */
function sagaCalling(payments: ServiceClient): SagaDefinition<{ orderId: string }> {
  return {
    name: 'remote-step',
    steps: [
      { name: 'reserve', action: async () => undefined, compensate: async () => undefined },
      {
        name: 'authorize',
        retry: remoteStepRetry,
        action: async ({ data }) => {
          await payments.send('payments.authorize.v1', data, { idempotent: true });
        },
      },
    ],
  };
}

function attemptsOfFailedStep(saga: SagaInstance): number | null | undefined {
  return saga.history.find((entry) => entry.outcome === 'FAILED')?.attempts;
}

async function runToEnd(
  definition: SagaDefinition<{ orderId: string }>,
): Promise<SagaInstance<{ orderId: string }>> {
  const orchestrator = new SagaOrchestrator({ store: new InMemorySagaStore() });
  const ended = orchestrator.run(definition, { orderId: 'order-1' });
  await jest.runAllTimersAsync();
  return ended;
}

describe('retries of a remote saga step', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends at most maxAttempts messages when the service never answers, then compensates', async () => {
    const proxy = new CountingProxy();
    const payments = serviceClient(proxy, breakersThatOpenAfter(100), 1);

    const saga = await runToEnd(sagaCalling(payments));

    expect({ sent: proxy.sent, status: saga.status }).toEqual({
      sent: remoteStepRetry.maxAttempts,
      status: 'COMPENSATED',
    });
  });

  it('stops calling as soon as the breaker opens and compensates at once', async () => {
    const proxy = new CountingProxy(() => throwError(() => new Error('connection reset')));
    const payments = serviceClient(proxy, breakersThatOpenAfter(2), 1);

    const saga = await runToEnd(sagaCalling(payments));

    expect({ sent: proxy.sent, attempts: attemptsOfFailedStep(saga), status: saga.status }).toEqual(
      { sent: 2, attempts: 3, status: 'COMPENSATED' },
    );
  });

  it('sends nothing into a breaker that is already open', async () => {
    const breakers = breakersThatOpenAfter(1);
    const failing = new CountingProxy(() => throwError(() => new Error('connection reset')));
    const opening = serviceClient(failing, breakers, 1).send('payments.authorize.v1', {});
    opening.catch(() => undefined);
    await jest.runAllTimersAsync();
    const proxy = new CountingProxy();

    const saga = await runToEnd(sagaCalling(serviceClient(proxy, breakers, 1)));

    expect({
      sent: proxy.sent,
      attempts: attemptsOfFailedStep(saga),
      reason: saga.failureReason,
    }).toEqual({
      sent: 0,
      attempts: 1,
      reason: 'authorize: RemoteError: The payments service is unavailable',
    });
  });

  it('gives a gateway call (three attempts per call) no retry into an open breaker', async () => {
    const breakers = breakersThatOpenAfter(1);
    const proxy = new CountingProxy(() => throwError(() => new Error('connection reset')));
    const gatewayClient = serviceClient(proxy, breakers);
    const first = gatewayClient.send('payments.list.v1', {}, { idempotent: true });
    const second = first.catch(() =>
      gatewayClient.send('payments.list.v1', {}, { idempotent: true }),
    );
    second.catch(() => undefined);
    await jest.runAllTimersAsync();

    await expect(second).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(proxy.sent).toBe(1);
  });
});
