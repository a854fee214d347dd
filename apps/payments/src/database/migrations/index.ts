import { CreatePaymentsAndInvoices1764115200000 } from './1764115200000-create-payments-and-invoices';
import { CreatePaymentEvents1764201600000 } from './1764201600000-create-payment-events';

/** Listed, not globbed: the webpack bundle has no migration files to find. */
export const paymentsMigrations = [
  CreatePaymentsAndInvoices1764115200000,
  CreatePaymentEvents1764201600000,
];
