import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';
import { CLS_ID, ClsService } from 'nestjs-cls';
import { NEVER, Observable, tap } from 'rxjs';
import { RequestContext, correlationIdFrom } from '../context/correlation';
import { isDatabaseUnavailable } from '../errors/database-unavailable';
import { isDomainError } from '../errors/domain.error';
import { endSpanOfMessageLeftForRedelivery } from '../tracing/message-spans';
import { MessageDrain } from './message-drain';
import { MessageHeaders } from '@shop/contracts';

/** Told of every handled message: the log line and the metrics are two of these. */
export interface MessageObserver {
  handled(pattern: string, seconds: number, error?: unknown): void;
}

export interface MessageHandlingOptions {
  /** Stops taking messages while the app shuts down. */
  drain?: MessageDrain;
  /** Runs each handler in a context holding the caller's correlation id and user. */
  cls?: ClsService<RequestContext>;
  observers?: MessageObserver[];
}

/**
 * How long an event that met its database down waits before it goes back to the queue: 1 s,
 * doubling with each delivery, up to 30 s. A quorum queue counts every requeue against
 * RMQ_DELIVERY_LIMIT (x-delivery-count), so the default 10 deliveries ride out about three
 * minutes of outage before the broker dead-letters the event.
 */
function transientRequeueDelayMs(message: Message): number {
  const deliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
  return Math.min(1_000 * 2 ** Math.min(deliveries, 5), 30_000);
}

function isExpectedOutcome(error: unknown): boolean {
  return isDomainError(error) || (error instanceof HttpException && error.getStatus() < 500);
}

/**
 * What our services do around every RMQ message, in one interceptor because Nest wraps each
 * interceptor in an async resource, a deferred observable and a promise per message: context,
 * log line, metrics and acknowledgement as four interceptors cost about 5 % of a handler's CPU
 * in that wrapping alone.
 *
 * - The handler runs in a nestjs-cls context with the caller's correlation id and user (from
 *   the message headers), so its log lines and outgoing messages carry them.
 * - A message is acknowledged only once its handler has finished, so a crash mid-way leaves it
 *   in the queue (at-least-once). A handler that fails for an unexpected reason: an event is
 *   redelivered once, then dead-lettered (never dropped, never looping); a request has already
 *   told its caller, so it is dead-lettered at once for inspection. Expected outcomes (business
 *   errors, bad input) are answers and are acknowledged. A database that cannot be reached is
 *   neither: a request was answered 503 and is acknowledged, an event goes back to the queue a
 *   second later.
 * - The observers learn each message's pattern, duration and error, if any.
 */
@Injectable()
export class MessageHandlingInterceptor implements NestInterceptor {
  private readonly logger = new Logger(MessageHandlingInterceptor.name);
  private readonly drain?: MessageDrain;
  private readonly cls?: ClsService<RequestContext>;
  private readonly observers: MessageObserver[];

  constructor({ drain, cls, observers = [] }: MessageHandlingOptions = {}) {
    this.drain = drain;
    this.cls = cls;
    this.observers = observers;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpcContext =
      context.getType() === 'rpc' ? context.switchToRpc().getContext<unknown>() : undefined;
    if (!(rpcContext instanceof RmqContext)) return next.handle();
    // Shutting down: neither answer nor acknowledge; the broker hands it to another consumer.
    if (this.drain?.isDraining) {
      endSpanOfMessageLeftForRedelivery();
      return NEVER;
    }
    const cls = this.cls;
    if (!cls) return this.handle(rpcContext, next);
    const headers = (rpcContext.getMessage() as Message).properties.headers ?? {};
    return new Observable((subscriber) =>
      cls.run(() => {
        cls.set(CLS_ID, correlationIdFrom(headers[MessageHeaders.correlationId]));
        const userId: unknown = headers[MessageHeaders.userId];
        if (typeof userId === 'string') cls.set('userId', userId);
        return this.handle(rpcContext, next).subscribe(subscriber);
      }),
    );
  }

  private handle(rpcContext: RmqContext, next: CallHandler): Observable<unknown> {
    const channel = rpcContext.getChannelRef() as Channel;
    const message = rpcContext.getMessage() as Message;
    const pattern = rpcContext.getPattern();
    const startedAt = process.hrtime.bigint();
    const finished = this.drain?.track(channel, message);
    let settled = false;
    const settle = (action: () => void, error?: unknown) => {
      if (settled) return;
      settled = true;
      try {
        action();
      } catch (settleError) {
        // The channel closed while the handler ran (broker restart, missed heartbeats): the
        // broker has put the message back already and redelivers it on the new channel.
        this.logger.warn(
          `Could not settle ${pattern} (${String(settleError)}); the broker redelivers it`,
        );
      } finally {
        finished?.();
      }
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      for (const observer of this.observers) observer.handled(pattern, seconds, error);
    };

    return next.handle().pipe(
      tap({
        next: () => settle(() => channel.ack(message)),
        complete: () => settle(() => channel.ack(message)),
        error: (error: unknown) => {
          if (isDatabaseUnavailable(error) && !message.properties.replyTo) {
            // An event that met its database down is no poison: hand it back once the outage
            // had a moment, instead of spinning on it or dead-lettering it at once.
            setTimeout(
              () => settle(() => channel.nack(message, false, true), error),
              transientRequeueDelayMs(message),
            );
            return;
          }
          settle(() => {
            // A request whose database was unreachable was answered 503; the caller retries.
            if (isExpectedOutcome(error) || isDatabaseUnavailable(error))
              return channel.ack(message);
            const isRequest = Boolean(message.properties.replyTo);
            const requeue = !isRequest && !message.fields.redelivered;
            if (!requeue) this.logger.warn(`Dead-lettering ${pattern} after an unexpected failure`);
            channel.nack(message, false, requeue);
          }, error);
        },
      }),
    );
  }
}
