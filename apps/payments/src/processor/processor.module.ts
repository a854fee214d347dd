import { Module } from '@nestjs/common';
import { PAYMENT_PROCESSOR } from './payment-processor.port';
import { SimulatedPaymentProcessor } from './simulated-payment.processor';

/** The processor behind the `PAYMENT_PROCESSOR` port; a real PSP adapter is provided here instead. */
@Module({
  providers: [{ provide: PAYMENT_PROCESSOR, useClass: SimulatedPaymentProcessor }],
  exports: [PAYMENT_PROCESSOR],
})
export class ProcessorModule {}
