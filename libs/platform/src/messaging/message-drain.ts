import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Channel, Message } from 'amqplib';

const DRAIN_DEADLINE_MS = 10_000;

/**
 * Graceful shutdown for RMQ services: on SIGTERM, stop taking messages (cancel the consumers),
 * let the handlers in flight finish and acknowledge, and only then let Nest close the
 * connection. Messages delivered but not yet handled go back to the queue with the channel.
 */
@Injectable()
export class MessageDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageDrain.name);
  private readonly consumers = new Map<string, Channel>();
  private inFlight = 0;
  private onIdle?: () => void;
  private drained?: Promise<void>;

  /** True once shutdown began: messages still arriving from the client buffer are left unhandled. */
  get isDraining(): boolean {
    return this.drained !== undefined;
  }

  /** Call when a handler starts; call the returned function when it has settled the message. */
  track(channel: Channel, message: Message): () => void {
    const { consumerTag } = message.fields as { consumerTag?: string };
    if (consumerTag) this.consumers.set(consumerTag, channel);
    this.inFlight += 1;
    let isDone = false;
    return () => {
      if (isDone) return;
      isDone = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.onIdle?.();
    };
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  /** Stops consuming and waits for the handlers in flight; safe to call more than once. */
  drain(): Promise<void> {
    this.drained ??= this.stopAndWait();
    return this.drained;
  }

  private async stopAndWait(): Promise<void> {
    await Promise.all(
      [...this.consumers].map(([consumerTag, channel]) =>
        channel.cancel(consumerTag).catch(() => undefined),
      ),
    );
    if (this.inFlight === 0) return;
    this.logger.log(`Finishing ${this.inFlight} message(s) in flight before shutting down`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.onIdle = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_DEADLINE_MS))),
    ]);
    clearTimeout(timer);
    if (this.inFlight > 0)
      this.logger.warn(
        `Shutting down with ${this.inFlight} message(s) unfinished; the broker redelivers them`,
      );
  }
}
