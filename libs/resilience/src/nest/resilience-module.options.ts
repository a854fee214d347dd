import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CircuitBreakerOverrides } from '../breaker/circuit-breaker.registry';
import type { Clock } from '../clock/clock';
import type { Random } from '../clock/random';
import type { RetryOptions } from '../retry/retry';
import type { ResilientClientRetryOptions } from './resilient-client';

/**
 * Options of {@link ResilienceModule.forRoot}. Every field has a default.
 */
export interface ResilienceModuleOptions {
  /**
   * Defaults of every breaker the registry creates. Default: the `CircuitBreaker` defaults
   * (count window of 100, failure rate 0.5 after 10 calls, open 30 s, 1 trial call).
   */
  readonly breakerDefaults?: CircuitBreakerOverrides;
  /**
   * Retry of ResilientClients. Default: 3 attempts, exponential backoff from 100 ms to 2 s with
   * full jitter.
   */
  readonly clientRetry?: ResilientClientRetryOptions;
  /** Per-attempt timeout of ResilientClient calls. Default `5_000`. */
  readonly clientTimeoutMs?: number;
  /** Deadline of a whole ResilientClient call, retries included. Default: none. */
  readonly clientDeadlineMs?: number;
  /**
   * Retry of handlers marked `@Retryable()` (each decorator may override it). Default: 3
   * attempts, exponential backoff from 100 ms, full jitter, every error retried.
   */
  readonly handlerRetry?: Omit<RetryOptions, 'clock' | 'random'>;
  /** Default: the system clock. Tests pass a `FakeClock`. */
  readonly clock?: Clock;
  /** Default: `Math.random`. Tests pass `seededRandom(seed)`. */
  readonly random?: Random;
}

export const {
  ConfigurableModuleClass: ConfigurableResilienceModule,
  MODULE_OPTIONS_TOKEN: RESILIENCE_MODULE_OPTIONS,
  OPTIONS_TYPE: RESILIENCE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RESILIENCE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ResilienceModuleOptions>()
  .setClassMethodName('forRoot')
  // Global by default: forFeature modules and interceptors anywhere need the registry.
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
