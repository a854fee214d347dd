/** RMQ patterns served by the payments service. The suffix is the contract version. */
export const PaymentsPatterns = {
  authorize: 'payments.authorize.v1',
  capture: 'payments.capture.v1',
  void: 'payments.void.v1',
  refund: 'payments.refund.v1',
  list: 'payments.list.v1',
  listInvoices: 'payments.list-invoices.v1',
} as const;

/**
 * Commands sent as events: the broker keeps them until the payments service takes them, so
 * a caller (a saga's compensation) need not wait for the service to be up.
 */
export const PaymentsCommandEvents = {
  voidRequested: 'payments.void-requested.v1',
} as const;

/** Domain events the payments service publishes once money moved (see `PaymentEvent`). */
export const PaymentEvents = {
  captured: 'payment.captured.v1',
  refunded: 'payment.refunded.v1',
} as const;

export const PAYMENTS_SERVICE = 'payments';
