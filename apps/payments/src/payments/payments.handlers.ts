import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthorizePaymentCommand,
  CapturePaymentCommand,
  ListPaymentsQuery,
  PaymentsCommandEvents,
  PaymentsPatterns,
  RefundPaymentCommand,
  VoidPaymentCommand,
} from '@shop/contracts';
import { PaymentsService } from './payments.service';

@Controller()
export class PaymentsHandlers {
  constructor(private readonly payments: PaymentsService) {}

  @MessagePattern(PaymentsPatterns.authorize)
  authorize(@Payload() command: AuthorizePaymentCommand) {
    return this.payments.authorize(command);
  }

  @MessagePattern(PaymentsPatterns.capture)
  capture(@Payload() command: CapturePaymentCommand) {
    return this.payments.capture(command);
  }

  @MessagePattern(PaymentsPatterns.void)
  void(@Payload() command: VoidPaymentCommand) {
    return this.payments.void(command);
  }

  @EventPattern(PaymentsCommandEvents.voidRequested)
  async voidRequested(@Payload() command: VoidPaymentCommand): Promise<void> {
    await this.payments.void(command);
  }

  @MessagePattern(PaymentsPatterns.refund)
  refund(@Payload() command: RefundPaymentCommand) {
    return this.payments.refund(command);
  }

  @MessagePattern(PaymentsPatterns.list)
  list(@Payload() query: ListPaymentsQuery) {
    return this.payments.list(query);
  }
}
