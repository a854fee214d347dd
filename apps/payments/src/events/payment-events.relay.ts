import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainEventPublisher, PeriodicTask } from '@shop/platform';
import { DataSource } from 'typeorm';
import { PaymentEventEntity } from './payment-event.entity';

// An indexed scan of a table that is empty almost always: once a second costs nothing.
const POLL_INTERVAL_MS = 1_000;
const BATCH_SIZE = 50;

/**
 * Publishes the outbox's events in the order they were written and deletes them once the
 * broker confirmed them. At least once: a crash between the two publishes again, so consumers
 * dedupe on paymentId + pattern. Replicas skip each other's locked rows instead of waiting.
 */
@Injectable()
export class PaymentEventsRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly polling = new PeriodicTask(
    'Publishing payment events',
    POLL_INTERVAL_MS,
    () => this.relayPending(),
    new Logger(PaymentEventsRelay.name),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: DomainEventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.polling.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.polling.stop();
    await this.publisher.close();
  }

  relayPending(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const events = await manager
        .createQueryBuilder(PaymentEventEntity, 'event')
        .orderBy('event.id')
        .limit(BATCH_SIZE)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const event of events)
        await this.publisher.publish(
          event.pattern,
          event.payload,
          event.correlationId ?? undefined,
        );
      if (events.length > 0)
        await manager.delete(
          PaymentEventEntity,
          events.map(({ id }) => id),
        );
      return events.length;
    });
  }
}
