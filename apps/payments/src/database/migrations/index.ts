import { CreatePaymentsAndInvoices1764115200000 } from './1764115200000-create-payments-and-invoices';
import { CreatePaymentEvents1764201600000 } from './1764201600000-create-payment-events';
import { AddPaymentEventTraceContext1796601600000 } from './1796601600000-add-payment-event-trace-context';

/** Listed, not globbed: the webpack bundle has no migration files to find. */
export const paymentsMigrations = [
  CreatePaymentsAndInvoices1764115200000,
  CreatePaymentEvents1764201600000,
  AddPaymentEventTraceContext1796601600000,
];
