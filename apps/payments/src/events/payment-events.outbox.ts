import { Injectable } from '@nestjs/common';
import { PaymentEvent, PaymentEvents } from '@shop/contracts';
import { captureTraceContext } from '@shop/platform';
import { ClsService } from 'nestjs-cls';
import { EntityManager } from 'typeorm';
import { PaymentEventEntity } from './payment-event.entity';

type PaymentEventPattern = (typeof PaymentEvents)[keyof typeof PaymentEvents];

/**
 * Writes an event in the transaction that moves the money: the event exists exactly when the
 * capture or refund committed. `PaymentEventsRelay` publishes it afterwards.
 */
@Injectable()
export class PaymentEventsOutbox {
  constructor(private readonly cls: ClsService) {}

  async record(
    manager: EntityManager,
    pattern: PaymentEventPattern,
    payload: PaymentEvent,
  ): Promise<void> {
    await manager.insert(PaymentEventEntity, {
      pattern,
      payload,
      correlationId: this.cls.isActive() ? (this.cls.getId() ?? null) : null,
      traceContext: captureTraceContext() ?? null,
    });
  }
}
