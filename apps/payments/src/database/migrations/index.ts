import { CreatePaymentsAndInvoices1764115200000 } from './1764115200000-create-payments-and-invoices';

/** Listed, not globbed: the webpack bundle has no migration files to find. */
export const paymentsMigrations = [CreatePaymentsAndInvoices1764115200000];
