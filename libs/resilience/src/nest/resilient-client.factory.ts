import { Inject, Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from '../breaker/circuit-breaker.registry';
import {
  RESILIENCE_MODULE_OPTIONS,
  type ResilienceModuleOptions,
} from './resilience-module.options';
import {
  type MessageClient,
  ResilientClient,
  type ResilientClientOptions,
} from './resilient-client';

/** Per-client settings; the module supplies the registry, clock, randomness and defaults. */
export type ResilientClientSettings = Omit<ResilientClientOptions, 'registry' | 'clock' | 'random'>;

/**
 * Builds ResilientClients from the module's defaults and breaker registry.
 *
 * @example
 * ```ts
 * @Injectable()
 * class PaymentsClient {
 *   private readonly client: ResilientClient;
 *   constructor(factory: ResilientClientFactory, @Inject(PAYMENTS) proxy: ClientProxy) {
 *     this.client = factory.create(proxy, { serviceName: 'payments' });
 *   }
 * }
 * ```
 */
@Injectable()
export class ResilientClientFactory {
  constructor(
    private readonly registry: CircuitBreakerRegistry,
    @Inject(RESILIENCE_MODULE_OPTIONS) private readonly options: ResilienceModuleOptions,
  ) {}

  create(client: MessageClient, settings: ResilientClientSettings): ResilientClient {
    const { clientRetry, clientTimeoutMs, clientDeadlineMs, clock, random } = this.options;
    return new ResilientClient(client, {
      timeoutMs: clientTimeoutMs,
      deadlineMs: clientDeadlineMs,
      ...settings,
      retry: { ...clientRetry, ...settings.retry },
      registry: this.registry,
      clock,
      random,
    });
  }
}
