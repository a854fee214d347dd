import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ListInvoicesQuery, PaymentsPatterns } from '@shop/contracts';
import { InvoicesService } from './invoices.service';

@Controller()
export class InvoicesHandlers {
  constructor(private readonly invoices: InvoicesService) {}

  @MessagePattern(PaymentsPatterns.listInvoices)
  listInvoices(@Payload() query: ListInvoicesQuery) {
    return this.invoices.list(query);
  }
}
