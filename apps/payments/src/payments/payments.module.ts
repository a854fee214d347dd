import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentEventsModule } from '../events/payment-events.module';
import { InvoicesModule } from '../invoices/invoices.module';
import { ProcessorModule } from '../processor/processor.module';
import { PaymentEntity } from './payment.entity';
import { PaymentsHandlers } from './payments.handlers';
import { PaymentsService } from './payments.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([PaymentEntity]),
    InvoicesModule,
    ProcessorModule,
    PaymentEventsModule,
  ],
  controllers: [PaymentsHandlers],
  providers: [PaymentsService],
})
export class PaymentsModule {}
