import {
  type DynamicModule,
  type FactoryProvider,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import type { CircuitBreaker } from '../breaker/circuit-breaker';
import {
  CircuitBreakerRegistry,
  type CircuitBreakerOverrides,
} from '../breaker/circuit-breaker.registry';
import type { MessageClient, ResilientClient } from './resilient-client';
import { ResilientClientFactory, type ResilientClientSettings } from './resilient-client.factory';
import {
  ConfigurableResilienceModule,
  RESILIENCE_MODULE_OPTIONS,
  type ResilienceModuleOptions,
} from './resilience-module.options';
import { getCircuitBreakerToken, getResilientClientToken } from './resilience.tokens';
import { RetryInterceptor } from './retry.interceptor';

/** A ResilientClient for forFeature to build around a registered `ClientProxy`. */
export interface ResilientClientRegistration extends ResilientClientSettings {
  /** The injection token of the `ClientProxy` (the `name` given to `ClientsModule.register`). */
  readonly clientToken: string | symbol;
}

/** A named breaker for forFeature to register (with overrides of the module's defaults). */
export interface CircuitBreakerRegistration extends CircuitBreakerOverrides {
  readonly name: string;
}

export interface ResilienceFeatureOptions {
  /** Modules that provide the client tokens, typically `ClientsModule.register([...])`. */
  readonly imports?: ModuleMetadata['imports'];
  /** Injectable with `@InjectResilientClient(serviceName)`. */
  readonly clients?: readonly ResilientClientRegistration[];
  /** Injectable with `@InjectCircuitBreaker(name)`. */
  readonly breakers?: readonly (string | CircuitBreakerRegistration)[];
}

/** The module forFeature registrations live in (not ResilienceModule: that would copy its providers). */
@Module({})
export class ResilienceFeatureModule {}

/**
 * The Nest face of the library: `forRoot` (or `forRootAsync`) once, global by default, provides
 * the {@link CircuitBreakerRegistry}, the {@link ResilientClientFactory} and the
 * {@link RetryInterceptor}; `forFeature` registers named ResilientClients and breakers.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     ResilienceModule.forRootAsync({
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({ clientTimeoutMs: config.get('RPC_TIMEOUT_MS') }),
 *     }),
 *     ResilienceModule.forFeature({
 *       imports: [ClientsModule.register([{ name: PAYMENTS, ...rmqClientOptions('payments') }])],
 *       clients: [{ serviceName: 'payments', clientToken: PAYMENTS }],
 *     }),
 *   ],
 * })
 * export class OrdersAppModule {}
 * ```
 */
@Module({
  providers: [
    {
      provide: CircuitBreakerRegistry,
      inject: [RESILIENCE_MODULE_OPTIONS],
      useFactory: (options: ResilienceModuleOptions) =>
        new CircuitBreakerRegistry({ ...options.breakerDefaults, clock: options.clock }),
    },
    ResilientClientFactory,
    RetryInterceptor,
  ],
  exports: [
    CircuitBreakerRegistry,
    ResilientClientFactory,
    RetryInterceptor,
    RESILIENCE_MODULE_OPTIONS,
  ],
})
export class ResilienceModule extends ConfigurableResilienceModule {
  /** Registers named ResilientClients and breakers; needs `forRoot` (global) somewhere. */
  static forFeature(options: ResilienceFeatureOptions): DynamicModule {
    const clientProviders = (options.clients ?? []).map(
      ({ clientToken, ...settings }): FactoryProvider<ResilientClient> => ({
        provide: getResilientClientToken(settings.serviceName),
        inject: [ResilientClientFactory, clientToken],
        useFactory: (factory: ResilientClientFactory, client: MessageClient) =>
          factory.create(client, settings),
      }),
    );
    const breakerProviders = (options.breakers ?? []).map(
      (registration): FactoryProvider<CircuitBreaker> => {
        const { name, ...overrides } =
          typeof registration === 'string' ? { name: registration } : registration;
        return {
          provide: getCircuitBreakerToken(name),
          inject: [CircuitBreakerRegistry],
          useFactory: (registry: CircuitBreakerRegistry) => registry.get(name, overrides),
        };
      },
    );
    const providers = [...clientProviders, ...breakerProviders];
    return {
      module: ResilienceFeatureModule,
      imports: options.imports ?? [],
      providers,
      exports: providers.map(({ provide }) => provide),
    };
  }
}
