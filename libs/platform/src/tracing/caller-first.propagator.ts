import {
  Context,
  TextMapGetter,
  TextMapPropagator,
  TextMapSetter,
  defaultTextMapGetter,
  defaultTextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export const TRACEPARENT_HEADER = 'traceparent';

export interface PropagatorOptions {
  /**
   * False at the public edge (the gateway): what an internet client sends in `traceparent`
   * would pick our trace ids and, with its sampled flag, override our sampler; the edge starts
   * every trace itself. Services behind it continue their callers' traces.
   */
  continuesIncomingTraces: boolean;
}

/**
 * W3C trace context (no baggage: nothing here reads it, and a client's baggage would ride every
 * message and be stored with sagas and outbox rows), except that a carrier which already holds
 * a `traceparent` is left as it is. Our messaging code writes the context into a message's headers when it builds
 * the message (ServiceClient, DomainEventPublisher). amqp-connection-manager publishes from a
 * queue: while a channel is busy or reconnecting, a later publish runs in whatever context
 * flushes that queue, and the amqplib instrumentation would then overwrite the right parent
 * with an unrelated one. The message's own context wins.
 */
export function callerFirstPropagator(
  { continuesIncomingTraces }: PropagatorOptions = { continuesIncomingTraces: true },
): TextMapPropagator {
  const w3c = new W3CTraceContextPropagator();
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter = defaultTextMapSetter) {
      if (hasTraceparent(carrier)) return;
      w3c.inject(context, carrier, setter);
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter = defaultTextMapGetter) {
      return continuesIncomingTraces ? w3c.extract(context, carrier, getter) : context;
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
