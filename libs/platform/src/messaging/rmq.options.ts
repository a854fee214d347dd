import { RmqOptions, Transport } from '@nestjs/microservices';
import type { BaseEnv } from '../config/base.env';

/** RabbitMQ's replicated, poison-safe queue type, or the classic one for brokers without it. */
export const QueueTypes = ['quorum', 'classic'] as const;
export type QueueType = (typeof QueueTypes)[number];

export const DEFAULT_QUEUE_TYPE: QueueType = 'quorum';
/**
 * Deliveries after the first before a quorum queue dead-letters a message that never got
 * settled. Each consumer that dies holding a message (a crash, a kill, a SIGTERM while it sat
 * in the prefetch buffer) counts one, so it must stay above what a rolling restart can cause,
 * yet end the crash loop of a poison message soon.
 */
export const DEFAULT_DELIVERY_LIMIT = 10;

export interface RmqEndpoint {
  url: string;
  queuePrefix: string;
  /** The owning service's name; its queue is `${queuePrefix}${service}`. */
  service: string;
  prefetchCount: number;
  /** Default {@link DEFAULT_QUEUE_TYPE}. */
  queueType?: QueueType;
  /** Quorum queues only; default {@link DEFAULT_DELIVERY_LIMIT}. */
  deliveryLimit?: number;
}

export function queueName(queuePrefix: string, service: string): string {
  return `${queuePrefix}${service}`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead`;
}

/** How a queue is declared: servers, clients and `npm run queues:migrate` must agree exactly. */
export interface QueueDeclaration {
  queue: string;
  options: { durable: true; arguments: Record<string, string | number> };
}

export interface ServiceQueueDeclarations {
  serviceQueue: QueueDeclaration;
  deadLetterQueue: QueueDeclaration;
}

/** The service queue and its dead-letter queue, as every app declares them. */
export function serviceQueueDeclarations({
  queuePrefix,
  service,
  queueType = DEFAULT_QUEUE_TYPE,
  deliveryLimit = DEFAULT_DELIVERY_LIMIT,
}: Pick<
  RmqEndpoint,
  'queuePrefix' | 'service' | 'queueType' | 'deliveryLimit'
>): ServiceQueueDeclarations {
  const queue = queueName(queuePrefix, service);
  const deadLetters = deadLetterQueueName(queue);
  return {
    deadLetterQueue: {
      queue: deadLetters,
      options: { durable: true, arguments: { 'x-queue-type': queueType } },
    },
    serviceQueue: {
      queue,
      options: {
        durable: true,
        arguments: {
          'x-queue-type': queueType,
          // Messages that keep failing go here instead of being dropped or looping forever.
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': deadLetters,
          // The broker's own count ends a poison message that kills every consumer before it
          // can be settled, which no handler code can do; classic queues lack the argument.
          ...(queueType === 'quorum' && { 'x-delivery-limit': deliveryLimit }),
        },
      },
    },
  };
}

/** The endpoint of a service's queue as this app's environment configures it. */
export function rmqEndpoint(env: BaseEnv, service: string): RmqEndpoint {
  return {
    url: env.RABBITMQ_URL,
    queuePrefix: env.RMQ_QUEUE_PREFIX,
    service,
    prefetchCount: env.RMQ_PREFETCH,
    queueType: env.RMQ_QUEUE_TYPE,
    deliveryLimit: env.RMQ_DELIVERY_LIMIT,
  };
}

/**
 * The one place that sets RMQ up for at-least-once delivery. Servers and clients of a queue
 * must declare it with identical arguments, so both take their options from here.
 */
export function rmqServerOptions(endpoint: RmqEndpoint): RmqOptions {
  return rmqOptions(endpoint, 'server');
}

export function rmqClientOptions(endpoint: RmqEndpoint): RmqOptions {
  return rmqOptions(endpoint, 'client');
}

function rmqOptions(endpoint: RmqEndpoint, side: 'server' | 'client'): RmqOptions {
  const { queue, options: queueOptions } = serviceQueueDeclarations(endpoint).serviceQueue;
  return {
    transport: Transport.RMQ,
    options: {
      urls: [endpoint.url],
      queue,
      queueOptions,
      persistent: true,
      // Servers acknowledge explicitly (MessageHandlingInterceptor), after the work is done. A client's
      // noAck applies to its replies, read from direct reply-to, which refuses acknowledgements.
      noAck: side === 'client',
      prefetchCount: endpoint.prefetchCount,
      // With manual acks, Nagle's algorithm meets delayed ACKs and stalls each reply ~40 ms.
      socketOptions: { connectionOptions: { noDelay: true } },
    },
  };
}
