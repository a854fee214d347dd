import { INestApplication, Type } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { bootstrapService } from '@shop/platform';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { OrdersAppModule } from '../../apps/orders/src/orders-app.module';
import { PaymentsAppModule } from '../../apps/payments/src/payments-app.module';
import { UsersAppModule } from '../../apps/users/src/users-app.module';
import {
  IsolatedEnvironment,
  applyEnvironment,
  createIsolatedEnvironment,
} from './isolated-environment';

export type AppName = 'gateway' | 'users';

/** The RMQ services a test can boot next to the gateway. */
export type ServiceName = 'users' | 'orders' | 'payments';

const serviceModules: Record<ServiceName, Type<unknown>> = {
  users: UsersAppModule,
  orders: OrdersAppModule,
  payments: PaymentsAppModule,
};

export interface RunningPlatform {
  environment: IsolatedEnvironment;
  gateway: INestApplication;
  /** The gateway's HTTP server, for supertest. */
  http: ReturnType<INestApplication['getHttpServer']>;
  /** Where the gateway listens, for clients that are not supertest. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The whole platform in this process with a first admin and a rate limit that many requests
 * from one address do not reach: for suites that drive every route.
 */
export function startShopPlatform(
  admin: { email: string; password: string },
  extraVariables: Record<string, string> = {},
): Promise<RunningPlatform> {
  return startPlatform(
    {
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ...extraVariables,
    },
    ['users', 'orders', 'payments'],
  );
}

/**
 * Boots the gateway and the given services in this process against the real broker and
 * databases, each test file in its own isolated environment. Users only by default: most
 * suites need no more, and every service costs seconds of start-up.
 */
export async function startPlatform(
  extraVariables: Record<string, string> = {},
  serviceNames: ServiceName[] = ['users'],
): Promise<RunningPlatform> {
  const environment = await createIsolatedEnvironment();
  applyEnvironment({ ...environment.variables, ...extraVariables });
  const services = await Promise.all(
    serviceNames.map((service) =>
      bootstrapService(serviceModules[service], { service, httpPort: 0 }),
    ),
  );
  const gateway = await createGatewayApp();
  await gateway.listen(0);
  return {
    environment,
    gateway,
    http: gateway.getHttpServer(),
    url: `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`,
    async stop() {
      await gateway.close();
      for (const service of services) await service.close();
      await environment.dispose();
    },
  };
}
