import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  InvoiceView,
  ListInvoicesFilter,
  ListPaymentsFilter,
  PAYMENTS_SERVICE,
  PaymentView,
  PaymentsClient,
} from '@shop/contracts';
import { AuthenticatedUser, CurrentUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrors, ApiUnavailable } from '../docs/api-errors';

/** Payments and invoices of the caller's own orders; the payments service filters by owner. */
@ApiTags('billing')
@ApiBearerAuth()
@ApiErrors(400, 401, 500)
@ApiUnavailable(PAYMENTS_SERVICE)
@UseGuards(JwtAuthGuard)
@Controller()
export class BillingController {
  constructor(private readonly payments: PaymentsClient) {}

  @Get('payments')
  @ApiOperation({ summary: 'List the payments of the own orders' })
  @ApiOkResponse({ type: [PaymentView] })
  listPayments(
    @CurrentUser() user: AuthenticatedUser,
    @Query() filter: ListPaymentsFilter,
  ): Promise<PaymentView[]> {
    return this.payments.list({ ...filter, userId: user.id });
  }

  @Get('invoices')
  @ApiOperation({ summary: 'List the invoices of the own orders' })
  @ApiOkResponse({ type: [InvoiceView] })
  listInvoices(
    @CurrentUser() user: AuthenticatedUser,
    @Query() page: ListInvoicesFilter,
  ): Promise<InvoiceView[]> {
    return this.payments.listInvoices({ ...page, userId: user.id });
  }
}
