import { EventEmitter } from '../policy/events';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
} from './circuit-breaker';

/** Options of one breaker in a registry: the registry's defaults, overridden field by field. */
export type CircuitBreakerOverrides = Omit<CircuitBreakerOptions, 'name'>;

/**
 * The named circuit breakers of a process: one per downstream service, shared by every caller
 * of that service, so they all see the same state.
 *
 * @example
 * ```ts
 * const registry = new CircuitBreakerRegistry({ openDurationMs: 10_000 });
 * const payments = registry.get('payments', { failureRateThreshold: 0.3 });
 * registry.get('payments') === payments; // true
 * health.report(registry.snapshots());
 * ```
 */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly createdEmitter = new EventEmitter<CircuitBreaker>();

  /** Every breaker the registry creates (to wire metrics to its events). */
  readonly onCreated = this.createdEmitter.event;

  constructor(private readonly defaults: CircuitBreakerOverrides = {}) {}

  /**
   * The breaker named `name`, created from the defaults and `overrides` on first use. Later
   * calls return the same breaker and ignore their overrides.
   */
  get(name: string, overrides: CircuitBreakerOverrides = {}): CircuitBreaker {
    let breaker = this.breakers.get(name);
    if (!breaker) {
      breaker = new CircuitBreaker({ ...this.defaults, ...overrides, name });
      this.breakers.set(name, breaker);
      this.createdEmitter.emit(breaker);
    }
    return breaker;
  }

  /** The breaker named `name`, if one was created. */
  find(name: string): CircuitBreaker | undefined {
    return this.breakers.get(name);
  }

  list(): CircuitBreaker[] {
    return [...this.breakers.values()];
  }

  /** Snapshots of every breaker, by name. */
  snapshots(): CircuitBreakerSnapshot[] {
    return this.list().map((breaker) => breaker.snapshot());
  }
}
