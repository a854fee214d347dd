import { Logger } from '@nestjs/common';
import { RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { isTracingStarted } from '../tracing/start-tracing';
import { MessageSpans } from '../tracing/message-spans';
import { coalesceAmqpWrites } from './coalesced-writes';

/**
 * Nest's RMQ server with five changes our services rely on:
 *
 * - A reply that cannot be sent is logged, not fatal. Nest publishes replies through
 *   amqp-connection-manager without handling the returned promise; when the broker drops the
 *   connection (missed heartbeats after a long pause, a broker restart, a TCP reset) every
 *   unconfirmed reply rejects with "channel closed", and an unhandled rejection ends the
 *   process. The request itself was not acknowledged, so the broker redelivers it once the
 *   service has reconnected and the idempotent handler answers again; the caller's deadline
 *   covers the lost reply.
 * - No exception per message. Nest first tries `JSON.parse` on every pattern, in case it is an
 *   object pattern sent as JSON; our patterns are plain strings (`products.get.v1`), so each
 *   message threw and caught a SyntaxError (about 2 % of a handler's CPU). A pattern that
 *   names a handler as it stands is that handler's route; anything else is still resolved by
 *   Nest.
 * - Replies are published without publisher confirms. Nothing waits for a reply's confirm: a
 *   reply lost with its connection is covered by the caller's deadline and the redelivered
 *   request, as above. A confirm channel made the broker send, and both sides track, one
 *   confirm per reply (without: about 6 % less broker CPU per request, 3–4 % more reads/s).
 *   Acknowledgements of the requests are unaffected; they never had confirms.
 * - The frames of one tick leave in one write ({@link coalesceAmqpWrites}).
 * - With tracing on, each handled message is a span, a child of the sender's (see
 *   {@link MessageSpans}); with tracing off, no hook is installed at all.
 */
export class ServiceServerRmq extends ServerRMQ {
  private readonly replyLogger = new Logger(ServiceServerRmq.name);
  private readonly spans = isTracingStarted() ? new MessageSpans() : undefined;

  constructor(options: NonNullable<RmqOptions['options']>) {
    super(options);
    const spans = this.spans;
    if (spans) {
      this.setOnProcessingStartHook((_transportId, context, done) =>
        spans.start(context as RmqContext, done),
      );
      this.setOnProcessingEndHook((_transportId, context) => spans.end(context as RmqContext));
    }
  }

  override createClient<T = AmqpConnectionManager>(): T {
    const manager = coalesceAmqpWrites(super.createClient<AmqpConnectionManager>());
    const createChannel = manager.createChannel.bind(manager);
    manager.createChannel = (options) => createChannel({ ...options, confirm: false });
    return manager as T;
  }

  protected override getRouteFromPattern(pattern: string): string {
    return this.messageHandlers.has(pattern) ? pattern : super.getRouteFromPattern(pattern);
  }

  override sendMessage<T = unknown>(
    message: T,
    replyTo: string,
    correlationId: string,
    context: RmqContext,
  ): void {
    const outgoing = this.serializer.serialize(message as never) as { options?: object };
    const { options } = outgoing;
    delete outgoing.options;
    if (this.spans) this.spans.end(context, (message as { err?: unknown }).err);
    else this.onProcessingEndHook?.(this.transportId, context);
    const sent: unknown = this.channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(outgoing)), {
      correlationId,
      ...options,
    });
    if (sent instanceof Promise) {
      sent.catch((error: unknown) =>
        this.replyLogger.warn(
          `Reply to ${context.getPattern()} not sent (${String(error)}); the request is redelivered`,
        ),
      );
    }
  }
}
