import { ChannelModel, connect } from 'amqplib';
import { IsolatedEnvironment } from './isolated-environment';

export interface TappedEvent {
  pattern: string;
  data: Record<string, unknown>;
  correlationId?: string;
}

/**
 * Every domain event published in one isolated environment, in arrival order: a queue of its
 * own bound to the environment's `shop.events` exchange, gone when the tap closes.
 */
export class DomainEventsTap {
  readonly events: TappedEvent[] = [];

  private constructor(private readonly connection: ChannelModel) {}

  static async open(environment: IsolatedEnvironment): Promise<DomainEventsTap> {
    const connection = await connect(environment.variables.RABBITMQ_URL);
    const tap = new DomainEventsTap(connection);
    const channel = await connection.createChannel();
    const exchange = `${environment.queuePrefix}shop.events`;
    // The publishers declare it the same way; whoever comes first creates it.
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, '#');
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const { pattern, data } = JSON.parse(message.content.toString()) as Omit<
          TappedEvent,
          'correlationId'
        >;
        const correlationId = message.properties.headers?.['x-correlation-id'] as
          string | undefined;
        tap.events.push({ pattern, data, correlationId });
      },
      { noAck: true },
    );
    return tap;
  }

  about(field: string, value: string): TappedEvent[] {
    return this.events.filter((event) => event.data[field] === value);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
