import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ClientProxy, ClientsModule } from '@nestjs/microservices';
import { RpcSender } from '@shop/contracts';
import { ClsService } from 'nestjs-cls';
import { BaseEnv } from '../config/base.env';
import { rmqClientOptions } from './rmq.options';
import { ServiceClient } from './service-client';

export interface ServiceClientRegistration<TClient> {
  /** The typed client class of `libs/contracts`, e.g. `UsersClient`. */
  client: new (rpc: RpcSender) => TClient;
  /** The downstream service, e.g. `'users'`. */
  service: string;
}

function proxyToken(service: string): string {
  return `rmq-proxy:${service}`;
}

/** Registers typed clients of other services, each over its own RMQ connection. */
@Module({})
export class ServiceClientsModule {
  static register(registrations: ServiceClientRegistration<unknown>[]): DynamicModule {
    const proxies = ClientsModule.registerAsync(
      registrations.map(({ service }) => ({
        name: proxyToken(service),
        inject: [BaseEnv],
        useFactory: (env: BaseEnv) => ({
          ...rmqClientOptions({ url: env.RABBITMQ_URL, queuePrefix: env.RMQ_QUEUE_PREFIX, service, prefetchCount: env.RMQ_PREFETCH }),
        }),
      })),
    );
    const clients: Provider[] = registrations.map(({ client, service }) => ({
      provide: client,
      inject: [proxyToken(service), ClsService, BaseEnv],
      useFactory: (proxy: ClientProxy, cls: ClsService, env: BaseEnv) =>
        new client(new ServiceClient(proxy, cls, { service, timeoutMs: env.RPC_TIMEOUT_MS })),
    }));
    return { module: ServiceClientsModule, imports: [proxies], providers: clients, exports: clients };
  }
}
