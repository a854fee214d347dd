/** RMQ patterns served by the payments service. The suffix is the contract version. */
export const PaymentsPatterns = {
  authorize: 'payments.authorize.v1',
  capture: 'payments.capture.v1',
  void: 'payments.void.v1',
  refund: 'payments.refund.v1',
  list: 'payments.list.v1',
  listInvoices: 'payments.list-invoices.v1',
} as const;

export const PAYMENTS_SERVICE = 'payments';
