import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  InvoiceView,
  ListInvoicesFilter,
  ListPaymentsFilter,
  PaymentView,
  PaymentsClient,
} from '@shop/contracts';
import { AuthenticatedUser, CurrentUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ErrorResponse } from '../docs/error-response';

/** Payments and invoices of the caller's own orders; the payments service filters by owner. */
@ApiTags('billing')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: 'Missing, malformed, wrongly signed or expired token',
})
@UseGuards(JwtAuthGuard)
@Controller()
export class BillingController {
  constructor(private readonly payments: PaymentsClient) {}

  @Get('payments')
  @ApiOkResponse({ type: [PaymentView] })
  @ApiBadRequestResponse({ type: ErrorResponse })
  listPayments(
    @CurrentUser() user: AuthenticatedUser,
    @Query() filter: ListPaymentsFilter,
  ): Promise<PaymentView[]> {
    return this.payments.list({ ...filter, userId: user.id });
  }

  @Get('invoices')
  @ApiOkResponse({ type: [InvoiceView] })
  @ApiBadRequestResponse({ type: ErrorResponse })
  listInvoices(
    @CurrentUser() user: AuthenticatedUser,
    @Query() page: ListInvoicesFilter,
  ): Promise<InvoiceView[]> {
    return this.payments.listInvoices({ ...page, userId: user.id });
  }
}
