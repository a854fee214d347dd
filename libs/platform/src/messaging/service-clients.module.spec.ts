import { Global, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { ErrorCodes, OrdersClient, ProductsClient, UsersClient } from '@shop/contracts';
import { CircuitBreakerRegistry } from '@shop/resilience';
import { ClsModule } from 'nestjs-cls';
import { BaseEnv } from '../config/base.env';
import { Metrics } from '../metrics/metrics';
import { DownstreamServices, ServiceClientsModule } from './service-clients.module';

/** What an app's EnvModule and MetricsModule provide to every module. */
@Global()
@Module({
  providers: [
    { provide: BaseEnv, useValue: new BaseEnv() },
    { provide: Metrics, useValue: new Metrics('test') },
  ],
  exports: [BaseEnv, Metrics],
})
class AppWideProviders {}

describe(ServiceClientsModule.name, () => {
  let moduleRef: TestingModule;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        AppWideProviders,
        ClsModule.forRoot({ global: true }),
        ServiceClientsModule.register([UsersClient, ProductsClient, OrdersClient]),
      ],
    }).compile();
  });

  afterEach(() => moduleRef.close());

  it('connects to each service the registered clients name, once', () => {
    const downstream = moduleRef.get(DownstreamServices);

    expect([...downstream.byName.keys()]).toEqual(['users', 'orders']);
  });

  it("sends each client's calls to the service its class names", async () => {
    const breakers = moduleRef.get(CircuitBreakerRegistry);
    // Open breakers answer at once, with the name of the service behind them: no broker needed.
    breakers.get('users').isolate();
    breakers.get('orders').isolate();

    const userId = '0b0c4f6e-3a52-4f0e-9d7c-2f1c8a7e5b10';
    const calls = [
      moduleRef.get(UsersClient).findById(userId),
      moduleRef.get(ProductsClient).get('product-1'),
      moduleRef
        .get(OrdersClient)
        .get({ orderId: 'order-1', requester: { userId, role: 'customer' } }),
    ];

    await expect(Promise.allSettled(calls)).resolves.toMatchObject([
      { reason: { service: 'users', code: ErrorCodes.serviceUnavailable } },
      { reason: { service: 'orders', code: ErrorCodes.serviceUnavailable } },
      { reason: { service: 'orders', code: ErrorCodes.serviceUnavailable } },
    ]);
  });
});
