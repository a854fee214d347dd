import {
  ClientProxy,
  ClientProxyFactory,
  RmqRecordBuilder,
  Transport,
} from '@nestjs/microservices';
import { ClsService } from 'nestjs-cls';
import { lastValueFrom } from 'rxjs';
import { RequestContext, outgoingHeaders } from '../context/correlation';

/** The topic exchange domain events are published to; consumers bind their own queues. */
export function domainEventsExchange(queuePrefix: string): string {
  return `${queuePrefix}shop.events`;
}

/**
 * Publishes domain events (`order.confirmed.v1`, ...) to a durable topic exchange with the
 * event's pattern as routing key, as persistent messages.
 */
export class DomainEventPublisher {
  private readonly client: ClientProxy;

  constructor(
    url: string,
    queuePrefix: string,
    private readonly cls: ClsService<RequestContext>,
  ) {
    this.client = ClientProxyFactory.create({
      transport: Transport.RMQ,
      options: {
        urls: [url],
        exchange: domainEventsExchange(queuePrefix),
        exchangeType: 'topic',
        wildcards: true,
        persistent: true,
        socketOptions: { connectionOptions: { noDelay: true } },
      },
    });
  }

  async publish(pattern: string, payload: unknown, correlationId?: string): Promise<void> {
    const headers = outgoingHeaders(this.cls);
    if (correlationId) headers['x-correlation-id'] = correlationId;
    const record = new RmqRecordBuilder(payload).setOptions({ headers }).build();
    await lastValueFrom(this.client.emit(pattern, record), { defaultValue: undefined });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
