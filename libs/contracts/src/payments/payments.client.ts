import { RpcSender, idempotent } from '../common/rpc-sender';
import { PAYMENTS_SERVICE, PaymentsCommandEvents, PaymentsPatterns } from './payments.patterns';
import {
  AuthorizePaymentCommand,
  CapturePaymentCommand,
  InvoiceView,
  ListInvoicesQuery,
  ListPaymentsQuery,
  PaymentView,
  RefundPaymentCommand,
  VoidPaymentCommand,
} from './payments.dto';

/**
 * Typed client of the payments service: feature code never names a pattern.
 * Every command addresses the one payment of an order and is idempotent: a repeat answers
 * with the first result. A declined authorization is a result (`status: 'DECLINED'`), not an error.
 */
export class PaymentsClient {
  static readonly service = PAYMENTS_SERVICE;

  constructor(private readonly rpc: RpcSender) {}

  authorize(command: AuthorizePaymentCommand): Promise<PaymentView> {
    return this.rpc.send(PaymentsPatterns.authorize, command, idempotent);
  }

  capture(command: CapturePaymentCommand): Promise<PaymentView> {
    return this.rpc.send(PaymentsPatterns.capture, command, idempotent);
  }

  void(command: VoidPaymentCommand): Promise<PaymentView> {
    return this.rpc.send(PaymentsPatterns.void, command, idempotent);
  }

  /**
   * Voids the order's authorization once the payments service takes the message, even if it
   * is down now; leaves a tombstone when no authorization exists (yet).
   */
  requestVoid(command: VoidPaymentCommand): Promise<void> {
    return this.rpc.emit(PaymentsCommandEvents.voidRequested, command);
  }

  refund(command: RefundPaymentCommand): Promise<PaymentView> {
    return this.rpc.send(PaymentsPatterns.refund, command, idempotent);
  }

  list(query: ListPaymentsQuery): Promise<PaymentView[]> {
    return this.rpc.send(PaymentsPatterns.list, query, idempotent);
  }

  listInvoices(query: ListInvoicesQuery): Promise<InvoiceView[]> {
    return this.rpc.send(PaymentsPatterns.listInvoices, query, idempotent);
  }
}
