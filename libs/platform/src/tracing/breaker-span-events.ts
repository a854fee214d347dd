import { trace } from '@opentelemetry/api';
import { CircuitBreakerRegistry } from '@shop/resilience';

/**
 * Breaker state changes and rejections become events of the span of the call that saw them
 * (the breaker emits them synchronously, inside that call): a gateway request answered 503, a
 * saga step that failed at once, each says why in its trace.
 */
export function recordBreakerEventsOnSpans(registry: CircuitBreakerRegistry): void {
  registry.onCreated((breaker) => {
    breaker.onStateChange(({ breakerName, from, to, reason }) =>
      trace.getActiveSpan()?.addEvent('circuit breaker state change', {
        'breaker.name': breakerName,
        'breaker.from': from,
        'breaker.to': to,
        'breaker.reason': reason,
      }),
    );
    breaker.onRejected(({ breakerName }) =>
      trace.getActiveSpan()?.addEvent('circuit breaker rejected the call', {
        'breaker.name': breakerName,
      }),
    );
  });
}
