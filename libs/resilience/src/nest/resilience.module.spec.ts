import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { of } from 'rxjs';
import { CircuitBreaker } from '../breaker/circuit-breaker';
import { CircuitBreakerRegistry } from '../breaker/circuit-breaker.registry';
import { FakeClock } from '../clock/fake-clock';
import { type MessageClient, ResilientClient } from './resilient-client';
import { ResilientClientFactory } from './resilient-client.factory';
import { RESILIENCE_MODULE_OPTIONS } from './resilience-module.options';
import { ResilienceModule } from './resilience.module';
import { InjectCircuitBreaker, InjectResilientClient } from './resilience.tokens';
import { RetryInterceptor } from './retry.interceptor';

const PAYMENTS = Symbol('PAYMENTS_CLIENT');

const paymentsProxy: MessageClient = {
  send: <TResult>() => of({ status: 'AUTHORIZED' } as TResult),
  emit: <TResult>() => of(undefined as TResult),
};

@Module({ providers: [{ provide: PAYMENTS, useValue: paymentsProxy }], exports: [PAYMENTS] })
class PaymentsClientModule {}

@Injectable()
class CheckoutService {
  constructor(
    @InjectResilientClient('payments') readonly payments: ResilientClient,
    @InjectCircuitBreaker('geocoder') readonly geocoder: CircuitBreaker,
    @Inject(ResilientClientFactory) readonly factory: ResilientClientFactory,
  ) {}
}

describe(ResilienceModule.name, () => {
  const clock = new FakeClock(0);

  it('provides the registry, the client factory and the interceptor from forRoot', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ResilienceModule.forRoot({ breakerDefaults: { openDurationMs: 1_234 }, clock })],
    }).compile();

    const registry = moduleRef.get(CircuitBreakerRegistry);

    expect(registry.get('users').snapshot()).toMatchObject({ name: 'users', state: 'CLOSED' });
    expect(moduleRef.get(ResilientClientFactory)).toBeInstanceOf(ResilientClientFactory);
    expect(moduleRef.get(RetryInterceptor)).toBeInstanceOf(RetryInterceptor);
  });

  it('injects named clients and breakers registered by forFeature, sharing the root registry', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ResilienceModule.forRoot({ clientTimeoutMs: 2_000, clock }),
        ResilienceModule.forFeature({
          imports: [PaymentsClientModule],
          clients: [{ serviceName: 'payments', clientToken: PAYMENTS }],
          breakers: [{ name: 'geocoder', failureRateThreshold: 0.2 }],
        }),
      ],
      providers: [CheckoutService],
    }).compile();

    const checkout = moduleRef.get(CheckoutService);
    const registry = moduleRef.get(CircuitBreakerRegistry);

    await expect(checkout.payments.send('payments.authorize.v1', {})).resolves.toEqual({
      status: 'AUTHORIZED',
    });
    expect(checkout.payments.breaker).toBe(registry.find('payments'));
    expect(checkout.geocoder).toBe(registry.find('geocoder'));
    expect(checkout.geocoder.snapshot().failureRateThreshold).toBe(0.2);
  });

  it('builds clients from a factory with the module defaults', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ResilienceModule.forRootAsync({
          useFactory: async () => ({ clientTimeoutMs: 50, clientRetry: { maxAttempts: 1 }, clock }),
        }),
        ResilienceModule.forFeature({ breakers: ['search'] }),
      ],
    }).compile();
    const factory = moduleRef.get(ResilientClientFactory);
    const silent: MessageClient = {
      send: () => new (jest.requireActual('rxjs').Observable)(),
      emit: () => of(),
    };

    const client = factory.create(silent, { serviceName: 'search' });
    const call = client.send('search.query.v1', {}).catch((error: unknown) => error);
    await clock.advanceBy(50);

    expect(await call).toMatchObject({ name: 'TimeoutError', timeoutMs: 50 });
    expect(client.breaker).toBe(moduleRef.get(CircuitBreakerRegistry).find('search'));
    expect(moduleRef.get(RESILIENCE_MODULE_OPTIONS)).toMatchObject({ clientTimeoutMs: 50 });
  });
});
