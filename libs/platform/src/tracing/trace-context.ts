import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';

/** W3C trace context (`traceparent`, `tracestate`) as strings, as headers and documents keep it. */
export type TraceCarrier = Record<string, string>;

/**
 * Adds the current trace context to a message's headers. Without a tracing SDK this writes
 * nothing (the API's propagator is a no-op).
 */
export function withTraceContext<THeaders extends Record<string, string>>(
  headers: THeaders,
): THeaders {
  propagation.inject(context.active(), headers);
  return headers;
}

/**
 * The current trace context, to keep with work that continues later (an outbox event, a saga);
 * undefined when there is none to keep.
 */
export function captureTraceContext(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** Runs `work` in the trace context kept by {@link captureTraceContext} (or none). */
export function inTraceContext<T>(carrier: TraceCarrier | undefined, work: () => T): T {
  if (!carrier) return work();
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), work);
}
