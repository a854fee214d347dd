import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { timeout } from '@shop/resilience';
import { ChannelModel, connect } from 'amqplib';
import { BaseEnv } from '../config/base.env';
import { SERVICE_NAME } from '../health/ping.handler';
import { deadLetterQueueName, queueName } from '../messaging/rmq.options';
import { Metrics, QueueDepth } from './metrics';

// A scrape must answer even when the broker does not: past this, the gauge is left out.
const BROKER_DEADLINE_MS = 1_000;

/**
 * Asks the broker how many messages wait in the service's queue and in its dead-letter queue:
 * at scrape time for `rmq_queue_messages` (a backlog or a dead letter shows without the
 * management plugin), and for the service's health check (the broker answers and the queue
 * exists). A passive declare per queue costs one round trip on a connection kept for it; the
 * transport's own connection is not Nest's to lend.
 */
@Injectable()
export class QueueDepthProbe implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueDepthProbe.name);
  private readonly queues: string[];
  private readonly deadline = timeout(BROKER_DEADLINE_MS);
  private connection?: Promise<ChannelModel>;
  private failing = false;

  constructor(
    private readonly env: BaseEnv,
    @Inject(SERVICE_NAME) service: string,
    metrics: Metrics,
  ) {
    const queue = queueName(env.RMQ_QUEUE_PREFIX, service);
    this.queues = [queue, deadLetterQueueName(queue)];
    metrics.trackQueues(() => this.depths());
  }

  /** The service's queue and its dead-letter queue, in that order; rejects when the broker does not answer. */
  read(): Promise<QueueDepth[]> {
    return this.deadline.execute(() => this.askBroker());
  }

  /** For scrapes: what the broker said, or nothing. */
  async depths(): Promise<QueueDepth[]> {
    try {
      const depths = await this.read();
      if (this.failing) this.logger.log('Queue depths are readable again');
      this.failing = false;
      return depths;
    } catch (error) {
      // The next scrape reconnects; one line per outage, not one per scrape.
      if (!this.failing) this.logger.warn(`Cannot read queue depths: ${String(error)}`);
      this.failing = true;
      void this.dropConnection();
      return [];
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dropConnection();
  }

  private async askBroker(): Promise<QueueDepth[]> {
    const channel = await (await this.connect()).createChannel();
    // A missing queue closes the channel; the rejected checkQueue already reports it.
    channel.on('error', () => undefined);
    try {
      const depths: QueueDepth[] = [];
      for (const queue of this.queues) {
        const { messageCount } = await channel.checkQueue(queue);
        depths.push({ queue, messages: messageCount });
      }
      return depths;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private connect(): Promise<ChannelModel> {
    if (this.connection) return this.connection;
    // The socket timeout also ends a handshake the broker never answers, so no socket leaks.
    const opening = connect(this.env.RABBITMQ_URL, {
      timeout: BROKER_DEADLINE_MS,
      noDelay: true,
    }).then((connection) => {
      connection.on('error', () => undefined);
      connection.on('close', () => {
        if (this.connection === opening) this.connection = undefined;
      });
      return connection;
    });
    this.connection = opening;
    return opening;
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.then((open) => open.close()).catch(() => undefined);
  }
}
