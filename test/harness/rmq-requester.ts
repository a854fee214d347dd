import { Channel, ChannelModel, ConsumeMessage, connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { rabbitmqUrl } from './isolated-environment';

const DIRECT_REPLY_QUEUE = 'amq.rabbitmq.reply-to';

/** A service's answer: Nest's RMQ reply, `err` set when the handler failed. */
export interface RpcReply {
  err?: unknown;
  response?: unknown;
}

/**
 * Sends commands straight to a service's queue in Nest's wire format, bypassing the gateway
 * and every typed client: what another client, or an old gateway, could send.
 */
export class RmqRequester {
  private readonly pending = new Map<string, (reply: RpcReply) => void>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    private readonly queuePrefix: string,
  ) {}

  static async open(queuePrefix: string): Promise<RmqRequester> {
    const connection = await connect(rabbitmqUrl);
    const channel = await connection.createChannel();
    const requester = new RmqRequester(connection, channel, queuePrefix);
    await channel.consume(DIRECT_REPLY_QUEUE, (message) => requester.settle(message), {
      noAck: true,
    });
    return requester;
  }

  send(service: string, pattern: string, data: unknown, timeoutMs = 5_000): Promise<RpcReply> {
    const id = randomUUID();
    return new Promise<RpcReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${pattern} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.channel.sendToQueue(
        `${this.queuePrefix}${service}`,
        Buffer.from(JSON.stringify({ pattern, data, id })),
        { replyTo: DIRECT_REPLY_QUEUE, correlationId: id, persistent: true },
      );
    });
  }

  /** An event: no answer is expected. */
  emit(service: string, pattern: string, data: unknown): void {
    this.channel.sendToQueue(
      `${this.queuePrefix}${service}`,
      Buffer.from(JSON.stringify({ pattern, data })),
      { persistent: true },
    );
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private settle(message: ConsumeMessage | null): void {
    if (!message) return;
    const reply = JSON.parse(message.content.toString()) as RpcReply & {
      id?: string;
      isDisposed?: boolean;
    };
    // Nest sends a separate "disposed" frame after a streamed answer; the first one counts.
    const id = reply.id ?? String(message.properties.correlationId);
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    resolve(reply);
  }
}
