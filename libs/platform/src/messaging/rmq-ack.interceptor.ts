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
import { NEVER, Observable, tap } from 'rxjs';
import { isDatabaseUnavailable } from '../errors/database-unavailable';
import { isDomainError } from '../errors/domain.error';
import { MessageDrain } from './message-drain';

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
 * Acknowledges a message only once its handler has finished, so a crash mid-way leaves it
 * in the queue (at-least-once). A handler that fails for an unexpected reason:
 * - an event is redelivered once, then dead-lettered (never dropped, never looping);
 * - a request has already told its caller, so it is dead-lettered at once for inspection.
 * Expected outcomes (business errors, bad input) are answers and are acknowledged. A database
 * that cannot be reached is neither: a request was answered 503 and is acknowledged, an event
 * goes back to the queue a second later.
 */
@Injectable()
export class RmqAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger(RmqAckInterceptor.name);

  constructor(private readonly drain?: MessageDrain) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpcContext =
      context.getType() === 'rpc' ? context.switchToRpc().getContext<unknown>() : undefined;
    if (!(rpcContext instanceof RmqContext)) return next.handle();

    const channel = rpcContext.getChannelRef() as Channel;
    const message = rpcContext.getMessage() as Message;
    // Shutting down: neither answer nor acknowledge; the broker hands it to another consumer.
    if (this.drain?.isDraining) return NEVER;
    const finished = this.drain?.track(channel, message);
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      try {
        action();
      } catch (error) {
        // The channel closed while the handler ran (broker restart, missed heartbeats): the
        // broker has put the message back already and redelivers it on the new channel.
        this.logger.warn(
          `Could not settle ${rpcContext.getPattern()} (${String(error)}); the broker redelivers it`,
        );
      } finally {
        finished?.();
      }
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
              () => settle(() => channel.nack(message, false, true)),
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
            if (!requeue)
              this.logger.warn(
                `Dead-lettering ${rpcContext.getPattern()} after an unexpected failure`,
              );
            channel.nack(message, false, requeue);
          });
        },
      }),
    );
  }
}
