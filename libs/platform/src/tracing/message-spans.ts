import {
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { RmqContext } from '@nestjs/microservices';
import { MessageHeaders } from '@shop/contracts';
import type { Message } from 'amqplib';
import type { MessageObserver } from '../messaging/message-handling.interceptor';

const tracer = trace.getTracer('@shop/platform');

/**
 * A span per handled message, a child of the context the sender wrote into the message's
 * headers: the gateway's request span is the parent of the service's handler span, a saga
 * step's span the parent of the call it makes. The handler runs inside the span, so its
 * database calls, log lines and outgoing messages belong to it.
 */
export class MessageSpans {
  private readonly spans = new WeakMap<RmqContext, Span>();

  /** Nest's processing-start hook: runs the handler inside a new span. */
  start<T>(rmqContext: RmqContext, handle: () => T): T {
    const message = rmqContext.getMessage() as Message;
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const pattern = rmqContext.getPattern();
    const correlationId = headers[MessageHeaders.correlationId];
    const span = tracer.startSpan(
      `process ${pattern}`,
      {
        kind: message.properties.replyTo ? SpanKind.SERVER : SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.fields.routingKey,
          'messaging.message.pattern': pattern,
          ...(typeof correlationId === 'string' && { 'shop.correlation_id': correlationId }),
        },
      },
      parent,
    );
    this.spans.set(rmqContext, span);
    return context.with(trace.setSpan(parent, span), handle);
  }

  /** Nest's processing-end hook: the reply is on its way, or the event was handled. */
  end(rmqContext: RmqContext, error?: unknown): void {
    const span = this.spans.get(rmqContext);
    if (!span) return;
    this.spans.delete(rmqContext);
    if (error !== undefined && error !== null) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeRpcError(error) });
    }
    span.end();
  }
}

/**
 * Marks a message's span as failed when its handler failed. A request's span also learns it
 * from the reply; an event's span is ended by Nest with no error, so it learns it only here.
 */
export function messageSpanOutcomes(): MessageObserver {
  return {
    handled(_pattern, _seconds, error) {
      if (error !== undefined)
        trace
          .getActiveSpan()
          ?.setStatus({ code: SpanStatusCode.ERROR, message: describeRpcError(error) });
    },
  };
}

/**
 * Ends the span of a message taken while the app shuts down: it is neither answered nor
 * acknowledged, so Nest never ends its span, and the trace would miss why it was redelivered.
 */
export function endSpanOfMessageLeftForRedelivery(): void {
  const span = trace.getActiveSpan();
  span?.addEvent('left unhandled: shutting down, the broker redelivers it');
  span?.end();
}

function describeRpcError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof message === 'string')
      return code === undefined ? message : `${String(code)}: ${message}`;
  }
  return String(error);
}
