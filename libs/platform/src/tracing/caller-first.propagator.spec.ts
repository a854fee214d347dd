import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
} from '@opentelemetry/api';
import { callerFirstPropagator } from './caller-first.propagator';

const sampled = (spanId: string) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId,
    traceFlags: 1,
  });

describe(callerFirstPropagator.name, () => {
  const sut = callerFirstPropagator();

  it('writes the W3C traceparent of the context into empty headers', () => {
    const headers: Record<string, string> = {};

    sut.inject(sampled('00f067aa0ba902b7'), headers, defaultTextMapSetter);

    expect(headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  it('leaves the traceparent the message was built with when a later publish injects again', () => {
    const headers: Record<string, string> = {};
    sut.inject(sampled('00f067aa0ba902b7'), headers, defaultTextMapSetter);

    sut.inject(sampled('1111111111111111'), headers, defaultTextMapSetter);

    expect(headers.traceparent).toContain('00f067aa0ba902b7');
  });

  it('reads the context back from the headers', () => {
    const headers: Record<string, string> = {};
    sut.inject(sampled('00f067aa0ba902b7'), headers, defaultTextMapSetter);

    const extracted = trace.getSpanContext(
      sut.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    );

    expect(extracted?.spanId).toBe('00f067aa0ba902b7');
  });

  it('starts its own trace at the public edge, whatever traceparent a client sends', () => {
    const edge = callerFirstPropagator({ continuesIncomingTraces: false });
    const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };

    const extracted = edge.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);

    expect(trace.getSpanContext(extracted)).toBeUndefined();
  });

  it('carries no baggage header', () => {
    expect(sut.fields()).toEqual(['traceparent', 'tracestate']);
  });
});
