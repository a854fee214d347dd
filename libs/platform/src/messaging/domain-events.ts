import { FactoryProvider } from '@nestjs/common';
import {
  ClientProxy,
  ClientProxyFactory,
  RmqRecordBuilder,
  Transport,
} from '@nestjs/microservices';
import { timeout } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { lastValueFrom } from 'rxjs';
import { BaseEnv } from '../config/base.env';
import { RequestContext, outgoingHeaders } from '../context/correlation';
import { TraceCarrier, inTraceContext, withTraceContext } from '../tracing/trace-context';

// A relay must not wait on a broker that is gone: it gives up, rolls back and tries again.
const PUBLISH_DEADLINE_MS = 5_000;

/** The request that caused an event, kept with it in an outbox until the event is published. */
export interface EventOrigin {
  correlationId?: string;
  /** Its trace context (see `captureTraceContext`): the event continues that trace. */
  traceContext?: TraceCarrier;
}

/** The topic exchange domain events are published to; consumers bind their own queues. */
export function domainEventsExchange(queuePrefix: string): string {
  return `${queuePrefix}shop.events`;
}

/**
 * Publishes domain events (`order.confirmed.v1`, ...) to a durable topic exchange with the
 * event's pattern as routing key, as persistent messages. `publish` resolves once the broker
 * confirmed the message.
 */
export class DomainEventPublisher {
  private readonly client: ClientProxy;
  private readonly deadline = timeout(PUBLISH_DEADLINE_MS);

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

  publish(pattern: string, payload: unknown, origin: EventOrigin = {}): Promise<void> {
    return inTraceContext(origin.traceContext, async () => {
      const headers = withTraceContext(outgoingHeaders(this.cls));
      if (origin.correlationId) headers['x-correlation-id'] = origin.correlationId;
      const record = new RmqRecordBuilder(payload).setOptions({ headers }).build();
      await this.deadline.execute(() =>
        lastValueFrom(this.client.emit(pattern, record), { defaultValue: undefined }),
      );
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The app's publisher, on the broker and queue prefix of its env; close it on shutdown. */
export const domainEventPublisherProvider: FactoryProvider<DomainEventPublisher> = {
  provide: DomainEventPublisher,
  inject: [BaseEnv, ClsService],
  useFactory: (env: BaseEnv, cls: ClsService<RequestContext>) =>
    new DomainEventPublisher(env.RABBITMQ_URL, env.RMQ_QUEUE_PREFIX, cls),
};
