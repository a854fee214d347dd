import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ClientProxy, ClientsModule } from '@nestjs/microservices';
import { RpcSender, TypedClientClass } from '@shop/contracts';
import { CircuitBreakerRegistry } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { BaseEnv } from '../config/base.env';
import { Metrics } from '../metrics/metrics';
import { recordBreakerEventsOnSpans } from '../tracing/breaker-span-events';
import { isTracingStarted } from '../tracing/start-tracing';
import { rmqClientOptions, rmqEndpoint } from './rmq.options';
import { ServiceClient } from './service-client';
import { ServiceClientRmq } from './service.client-rmq';

/** Every downstream service of the app by name, for cross-cutting calls such as readiness pings. */
export class DownstreamServices {
  constructor(readonly byName: ReadonlyMap<string, RpcSender>) {}
}

const proxyToken = (service: string) => `rmq-proxy:${service}`;
const senderToken = (service: string) => `rpc-sender:${service}`;

export interface ServiceClientsOptions {
  /**
   * Attempts of one call, the first included. Default 3: the client owns the retries of its
   * calls (only transient errors; a timed-out call only when it is idempotent). An app whose
   * callers retry themselves (the orders service's saga steps) says 1, so that attempts do not
   * multiply. No layer ever retries a call an open breaker rejected.
   */
  attemptsPerCall?: number;
}

/**
 * Registers the typed clients of other services an app uses, once, for the whole app. Each
 * client class names its service (`UsersClient.service`), whose queue its calls go to.
 *
 * @example
 * ServiceClientsModule.register([UsersClient, PaymentsClient], { attemptsPerCall: 1 });
 */
@Module({})
export class ServiceClientsModule {
  static register(
    clientClasses: TypedClientClass[],
    { attemptsPerCall }: ServiceClientsOptions = {},
  ): DynamicModule {
    const services = [...new Set(clientClasses.map(({ service }) => service))];
    // One connection and one sender per downstream service, shared by its typed clients.
    const proxies = ClientsModule.registerAsync(
      services.map((service) => ({
        name: proxyToken(service),
        inject: [BaseEnv],
        useFactory: (env: BaseEnv) => ({
          customClass: ServiceClientRmq,
          options: rmqClientOptions(rmqEndpoint(env, service)).options,
        }),
      })),
    );
    const breakers: Provider = {
      provide: CircuitBreakerRegistry,
      inject: [BaseEnv, Metrics],
      useFactory: (env: BaseEnv, metrics: Metrics) => {
        const registry = new CircuitBreakerRegistry({
          failureRateThreshold: 0.5,
          minimumNumberOfCalls: env.BREAKER_MINIMUM_CALLS,
          slidingWindow: { type: 'time', sizeMs: 10_000 },
          openDurationMs: env.BREAKER_OPEN_MS,
          halfOpenTrialCalls: 1,
        });
        metrics.trackBreakers(() => registry.snapshots());
        // Listeners cost each breaker its fast path; with no tracing there is no span to tell.
        if (isTracingStarted()) recordBreakerEventsOnSpans(registry);
        return registry;
      },
    };
    const senders: Provider[] = services.map((service) => ({
      provide: senderToken(service),
      inject: [proxyToken(service), ClsService, BaseEnv, CircuitBreakerRegistry],
      useFactory: (
        proxy: ClientProxy,
        cls: ClsService,
        env: BaseEnv,
        registry: CircuitBreakerRegistry,
      ) =>
        new ServiceClient(proxy, cls, {
          service,
          timeoutMs: env.RPC_TIMEOUT_MS,
          breakers: registry,
          attemptsPerCall,
        }),
    }));
    const clients: Provider[] = clientClasses.map((clientClass) => ({
      provide: clientClass,
      inject: [senderToken(clientClass.service)],
      useFactory: (rpc: RpcSender) => new clientClass(rpc),
    }));
    const downstream: Provider = {
      provide: DownstreamServices,
      inject: services.map(senderToken),
      useFactory: (...rpcs: RpcSender[]) =>
        new DownstreamServices(new Map(services.map((service, index) => [service, rpcs[index]]))),
    };
    const providers = [breakers, ...senders, ...clients, downstream];
    return {
      module: ServiceClientsModule,
      global: true,
      imports: [proxies],
      providers,
      exports: providers,
    };
  }
}
