import { Inject } from '@nestjs/common';

/** Metadata key of `@Retryable()`, read by the RetryInterceptor. */
export const RETRYABLE_OPTIONS = 'shop:resilience:retryable';

/** The injection token of the ResilientClient registered for `serviceName` by forFeature. */
export function getResilientClientToken(serviceName: string): string {
  return `ResilientClient:${serviceName}`;
}

/** The injection token of the circuit breaker registered for `name` by forFeature. */
export function getCircuitBreakerToken(name: string): string {
  return `CircuitBreaker:${name}`;
}

/**
 * Injects the ResilientClient that `ResilienceModule.forFeature` registered for a service.
 *
 * @example
 * ```ts
 * constructor(@InjectResilientClient('payments') private readonly payments: ResilientClient) {}
 * ```
 */
export const InjectResilientClient = (serviceName: string): ParameterDecorator =>
  Inject(getResilientClientToken(serviceName));

/**
 * Injects a circuit breaker that `ResilienceModule.forFeature` registered.
 *
 * @example
 * ```ts
 * constructor(@InjectCircuitBreaker('geocoder') private readonly geocoder: CircuitBreaker) {}
 * ```
 */
export const InjectCircuitBreaker = (name: string): ParameterDecorator =>
  Inject(getCircuitBreakerToken(name));
