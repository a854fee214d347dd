import { Injectable } from '@nestjs/common';
import { DomainEventPublisher, OutboxRelay } from '@shop/platform';
import { DataSource } from 'typeorm';
import { PaymentEventEntity } from './payment-event.entity';

const BATCH_SIZE = 50;

/**
 * Publishes the outbox's events in the order they were written and deletes them once the
 * broker confirmed them. At least once: a crash between the two publishes again, so consumers
 * dedupe on paymentId + pattern. Replicas skip each other's locked rows instead of waiting.
 */
@Injectable()
export class PaymentEventsRelay extends OutboxRelay {
  constructor(
    private readonly dataSource: DataSource,
    publisher: DomainEventPublisher,
  ) {
    super('payment events', publisher);
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
        await this.publisher.publish(event.pattern, event.payload, {
          correlationId: event.correlationId ?? undefined,
          traceContext: event.traceContext ?? undefined,
        });
      if (events.length > 0)
        await manager.delete(
          PaymentEventEntity,
          events.map(({ id }) => id),
        );
      return events.length;
    });
  }
}
