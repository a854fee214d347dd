import { Channel, ChannelModel, ConsumeMessage, connect } from 'amqplib';

/** Our queue settings (libs/platform/src/messaging/rmq.options.ts), written by hand. */
export const FLOOR_PREFETCH = Number(process.env.RMQ_PREFETCH ?? 32);
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * The hand-written floor's request/reply: one connection with Nagle off, replies through
 * direct reply-to (no reply queue, no acks), persistent requests, a deadline per call.
 */
export class AmqpRpcClient {
  private nextId = 0;
  private readonly pending = new Map<
    string,
    { resolve: (body: Buffer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async connect(url: string): Promise<AmqpRpcClient> {
    const connection = await connect(url, { noDelay: true });
    const channel = await connection.createChannel();
    const client = new AmqpRpcClient(connection, channel);
    await channel.consume(DIRECT_REPLY_TO, (message) => client.onReply(message), { noAck: true });
    return client;
  }

  call(queue: string, body: Buffer, timeoutMs = 10_000): Promise<Buffer> {
    const correlationId = String(this.nextId++);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`no reply from ${queue} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
      this.channel.sendToQueue(queue, body, {
        replyTo: DIRECT_REPLY_TO,
        correlationId,
        persistent: true,
        contentType: 'application/json',
      });
    });
  }

  async close(): Promise<void> {
    for (const [, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new Error('closed'));
    }
    this.pending.clear();
    await this.connection.close().catch(() => undefined);
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const call = this.pending.get(message.properties.correlationId as string);
    if (!call) return;
    this.pending.delete(message.properties.correlationId as string);
    clearTimeout(call.timer);
    call.resolve(message.content);
  }
}
