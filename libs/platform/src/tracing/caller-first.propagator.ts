import {
  Context,
  TextMapGetter,
  TextMapPropagator,
  TextMapSetter,
  defaultTextMapGetter,
  defaultTextMapSetter,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';

export const TRACEPARENT_HEADER = 'traceparent';

/**
 * W3C trace context and baggage, except that a carrier which already holds a `traceparent` is
 * left as it is. Our messaging code writes the context into a message's headers when it builds
 * the message (ServiceClient, DomainEventPublisher). amqp-connection-manager publishes from a
 * queue: while a channel is busy or reconnecting, a later publish runs in whatever context
 * flushes that queue, and the amqplib instrumentation would then overwrite the right parent
 * with an unrelated one. The message's own context wins.
 */
export function callerFirstPropagator(): TextMapPropagator {
  const w3c = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter = defaultTextMapSetter) {
      if (hasTraceparent(carrier)) return;
      w3c.inject(context, carrier, setter);
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter = defaultTextMapGetter) {
      return w3c.extract(context, carrier, getter);
    },
    fields: () => w3c.fields(),
  };
}

function hasTraceparent(carrier: unknown): boolean {
  return (
    typeof carrier === 'object' &&
    carrier !== null &&
    typeof (carrier as Record<string, unknown>)[TRACEPARENT_HEADER] === 'string'
  );
}
