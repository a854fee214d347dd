import { RmqOptions, Transport } from '@nestjs/microservices';

export interface RmqEndpoint {
  url: string;
  queuePrefix: string;
  /** The owning service's name; its queue is `${queuePrefix}${service}`. */
  service: string;
  prefetchCount: number;
}

export function queueName(queuePrefix: string, service: string): string {
  return `${queuePrefix}${service}`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead`;
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

function rmqOptions(
  { url, queuePrefix, service, prefetchCount }: RmqEndpoint,
  side: 'server' | 'client',
): RmqOptions {
  const queue = queueName(queuePrefix, service);
  return {
    transport: Transport.RMQ,
    options: {
      urls: [url],
      queue,
      queueOptions: {
        durable: true,
        arguments: {
          // Messages that keep failing go here instead of being dropped or looping forever.
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': deadLetterQueueName(queue),
        },
      },
      persistent: true,
      // Servers acknowledge explicitly (RmqAckInterceptor), after the work is done. A client's
      // noAck applies to its replies, read from direct reply-to, which refuses acknowledgements.
      noAck: side === 'client',
      prefetchCount,
      // With manual acks, Nagle's algorithm meets delayed ACKs and stalls each reply ~40 ms.
      socketOptions: { connectionOptions: { noDelay: true } },
    },
  };
}
