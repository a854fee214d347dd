import { Module } from '@nestjs/common';
import { domainEventPublisherProvider } from '@shop/platform';
import { PaymentEventsOutbox } from './payment-events.outbox';
import { PaymentEventsRelay } from './payment-events.relay';

@Module({
  providers: [PaymentEventsOutbox, PaymentEventsRelay, domainEventPublisherProvider],
  exports: [PaymentEventsOutbox],
})
export class PaymentEventsModule {}
