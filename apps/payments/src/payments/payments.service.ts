import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  AuthorizePaymentCommand,
  CapturePaymentCommand,
  DEFAULT_PAGE_SIZE,
  ErrorCodes,
  ListPaymentsQuery,
  PaymentEvents,
  PaymentView,
  RefundPaymentCommand,
  VoidPaymentCommand,
} from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { entityFromRow } from '../database/entity-from-row';
import { PaymentEventsOutbox } from '../events/payment-events.outbox';
import { InvoiceSubject, InvoicesService } from '../invoices/invoices.service';
import {
  AuthorizationResult,
  PAYMENT_PROCESSOR,
  PaymentProcessor,
} from '../processor/payment-processor.port';
import { PaymentEntity } from './payment.entity';
import { PaymentOperation, planTransition, transitionOf } from './payment-transitions';

/**
 * How long a command waits for another one on the same order (in practice: for its processor
 * call) before answering "try again". Below the callers' RPC deadline, so the answer arrives.
 */
const LOCK_WAIT_LIMIT_MS = 3_000;

/**
 * How long a transaction may sit idle while the processor answers. A processor adapter bounds
 * its own calls well below this; this is the backstop that frees the order's row if one hangs.
 */
const PROCESSOR_WAIT_LIMIT_MS = 15_000;

// PostgreSQL's lock_not_available: the wait above ran out.
const LOCK_NOT_AVAILABLE = '55P03';

// The transaction and both limits in one round trip: every statement costs this machine
// system calls in two processes, and TypeORM's transaction() would spend two on this.
const BEGIN_ORDER_TRANSACTION = `BEGIN; SET LOCAL lock_timeout = ${LOCK_WAIT_LIMIT_MS}; SET LOCAL idle_in_transaction_session_timeout = ${PROCESSOR_WAIT_LIMIT_MS}`;

/** Where an operation left the payment: moved on by this transaction, or answered as it is. */
interface Transition {
  isMoved: boolean;
  payment: PaymentEntity;
}

/** A payment the processor approved: it has a payer, an amount and the processor's reference. */
interface ChargedPayment {
  id: string;
  orderId: string;
  userId: string;
  amountMinor: number;
  currency: string;
  processorReference: string;
}

function chargedPaymentOf(payment: PaymentEntity): ChargedPayment {
  const { id, orderId, userId, amountMinor, currency, processorReference } = payment;
  if (userId === null || amountMinor === null || currency === null || processorReference === null) {
    throw new Error(
      `Payment ${id} is ${payment.status} but lacks its payer, amount or processor reference`,
    );
  }
  return { id, orderId, userId, amountMinor, currency, processorReference };
}

/** What an invoice and a payment event name of a charged payment. */
function billedPaymentOf({
  id,
  orderId,
  userId,
  amountMinor,
  currency,
}: ChargedPayment): InvoiceSubject {
  return { paymentId: id, orderId, userId, amountMinor, currency };
}

function outcomeOf(
  result: AuthorizationResult,
): Pick<PaymentEntity, 'status' | 'processorReference' | 'declineReason'> {
  return result.approved
    ? { status: 'AUTHORIZED', processorReference: result.reference, declineReason: null }
    : { status: 'DECLINED', processorReference: null, declineReason: result.reason };
}

/**
 * The processor is keyed by payment and operation, not by the caller's key: a payment is
 * captured, voided or refunded at most once, whoever asks and however often.
 */
function processorKey(payment: ChargedPayment, operation: PaymentOperation): string {
  return `${payment.id}:${operation}`;
}

function isLockWaitTimeout(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: unknown }).code === LOCK_NOT_AVAILABLE
  );
}

export function toPaymentView(payment: PaymentEntity): PaymentView {
  const { status } = payment;
  if (status === 'PENDING') throw new Error(`Payment ${payment.id} is still being authorized`);
  return {
    id: payment.id,
    orderId: payment.orderId,
    ...(payment.userId !== null && { userId: payment.userId }),
    status,
    ...(payment.amountMinor !== null && { amountMinor: payment.amountMinor }),
    ...(payment.currency !== null && { currency: payment.currency }),
    ...(payment.declineReason !== null && { declineReason: payment.declineReason }),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

/**
 * One payment per order. Every command runs in one transaction that holds the order's row
 * while the processor is asked, so commands on an order are serialized, the processor's
 * answer and our row change together or not at all, and a repeat finds the first result.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>,
    @Inject(PAYMENT_PROCESSOR) private readonly processor: PaymentProcessor,
    private readonly invoices: InvoicesService,
    private readonly events: PaymentEventsOutbox,
  ) {}

  /**
   * Concurrent duplicates: the PENDING row is inserted, not committed, before the processor is
   * asked. The unique order_id makes every other insert for that order wait on the uncommitted
   * row (PostgreSQL's speculative insertion) instead of calling the processor. When the first
   * commits, they find its AUTHORIZED or DECLINED row and answer with it; when it rolls back
   * (transient processor failure, crash, lost connection) the row vanishes and the next insert
   * asks the processor again, so a PENDING row can never block a retry. PENDING is never seen
   * outside its transaction. The cost is a pooled connection held for one processor call.
   */
  async authorize(command: AuthorizePaymentCommand): Promise<PaymentView> {
    const authorized = await this.inOrderTransaction(async (manager) => {
      const { orderId, idempotencyKey, userId, amountMinor, currency, paymentMethod } = command;
      const { raw } = await manager
        .createQueryBuilder()
        .insert()
        .into(PaymentEntity)
        .values({ orderId, idempotencyKey, userId, amountMinor, currency, status: 'PENDING' })
        .orIgnore()
        .returning(['id'])
        .execute();
      const [inserted] = raw as { id: string }[];
      // The order has a payment already, in whatever status: answered below, never charged twice.
      if (!inserted) return undefined;
      const result = await this.processor.authorize({
        idempotencyKey,
        amountMinor,
        currency,
        paymentMethod,
      });
      return this.change(manager, { id: inserted.id }, outcomeOf(result));
    });
    return toPaymentView(authorized ?? (await this.existingFor(command)));
  }

  async capture({ orderId }: CapturePaymentCommand): Promise<PaymentView> {
    const captured = await this.inOrderTransaction(async (manager) => {
      const { isMoved, payment } = await this.transition(manager, 'capture', orderId);
      if (!isMoved) return payment;
      // Captured in this transaction: if the processor fails, the rollback undoes it.
      const charged = chargedPaymentOf(payment);
      await this.processor.capture({
        idempotencyKey: processorKey(charged, 'capture'),
        reference: charged.processorReference,
        amountMinor: charged.amountMinor,
        currency: charged.currency,
      });
      const billed = billedPaymentOf(charged);
      const invoiceNumber = await this.invoices.issue(manager, billed);
      await this.events.record(manager, PaymentEvents.captured, { ...billed, invoiceNumber });
      return payment;
    });
    return toPaymentView(captured);
  }

  async void({ orderId, reason }: VoidPaymentCommand): Promise<PaymentView> {
    const voided = await this.inOrderTransaction(async (manager) => {
      // No payment yet: a tombstone, so that an authorization arriving late is refused.
      const { raw } = await manager
        .createQueryBuilder()
        .insert()
        .into(PaymentEntity)
        .values({ orderId, status: 'VOIDED', statusReason: reason ?? null })
        .orIgnore()
        .returning('*')
        .execute();
      const [tombstone] = raw as Record<string, unknown>[];
      if (tombstone) return entityFromRow(manager, PaymentEntity, tombstone);

      const { isMoved, payment } = await this.transition(manager, 'void', orderId, {
        statusReason: reason ?? null,
      });
      if (!isMoved) return payment;
      const charged = chargedPaymentOf(payment);
      await this.processor.void({
        idempotencyKey: processorKey(charged, 'void'),
        reference: charged.processorReference,
      });
      return payment;
    });
    return toPaymentView(voided);
  }

  async refund({ orderId, reason }: RefundPaymentCommand): Promise<PaymentView> {
    const refunded = await this.inOrderTransaction(async (manager) => {
      const { isMoved, payment } = await this.transition(manager, 'refund', orderId, {
        statusReason: reason ?? null,
      });
      if (!isMoved) return payment;
      const charged = chargedPaymentOf(payment);
      await this.processor.refund({
        idempotencyKey: processorKey(charged, 'refund'),
        reference: charged.processorReference,
        amountMinor: charged.amountMinor,
        currency: charged.currency,
      });
      const invoiceNumber = await this.invoices.markRefunded(manager, payment.id);
      await this.events.record(manager, PaymentEvents.refunded, {
        ...billedPaymentOf(charged),
        invoiceNumber,
      });
      return payment;
    });
    return toPaymentView(refunded);
  }

  async list({
    userId,
    orderId,
    limit = DEFAULT_PAGE_SIZE,
    offset = 0,
  }: ListPaymentsQuery): Promise<PaymentView[]> {
    const payments = await this.payments.find({
      where: { userId, ...(orderId !== undefined && { orderId }) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return payments.map(toPaymentView);
  }

  private async existingFor({ orderId }: AuthorizePaymentCommand): Promise<PaymentEntity> {
    const payment = await this.payments.findOneBy({ orderId });
    // Nothing for this order, so the insert met the idempotency key of another order's payment.
    if (!payment)
      throw new DomainError(ErrorCodes.conflict, 'This idempotency key was used for another order');
    return payment;
  }

  /**
   * Moves the order's payment on if it is in the one status `operation` applies to: a single
   * statement that changes the row, holds it locked until the transaction ends, and reads it
   * back. A payment in another status is answered as it is, or refused, as planned by
   * {@link planTransition}.
   */
  private async transition(
    manager: EntityManager,
    operation: PaymentOperation,
    orderId: string,
    changes: Partial<PaymentEntity> = {},
  ): Promise<Transition> {
    const { from, to } = transitionOf(operation);
    const moved = await this.change(manager, { orderId, status: from }, { ...changes, status: to });
    if (moved) return { isMoved: true, payment: moved };
    const payment = await this.lockPaymentOf(manager, orderId);
    const plan = planTransition(operation, payment.status);
    if (plan.kind === 'refuse') throw new DomainError(ErrorCodes.conflict, plan.message);
    if (plan.kind === 'keep') return { isMoved: false, payment };
    // An authorization committed between the two statements; the row is locked now.
    const locked = await this.change(manager, { id: payment.id }, { ...changes, status: to });
    return { isMoved: true, payment: locked ?? payment };
  }

  /** Changes the payment that matches, if any, and answers it as changed. */
  private async change(
    manager: EntityManager,
    where: Partial<PaymentEntity>,
    changes: Partial<PaymentEntity>,
  ): Promise<PaymentEntity | undefined> {
    const { raw } = await manager
      .createQueryBuilder()
      .update(PaymentEntity)
      .set(changes)
      .where(where)
      .returning('*')
      .execute();
    const [row] = raw as Record<string, unknown>[];
    return row && entityFromRow(manager, PaymentEntity, row);
  }

  private async lockPaymentOf(manager: EntityManager, orderId: string): Promise<PaymentEntity> {
    const [row] = (await manager.query('SELECT * FROM payments WHERE order_id = $1 FOR UPDATE', [
      orderId,
    ])) as Record<string, unknown>[];
    if (!row) throw new DomainError(ErrorCodes.notFound, 'No payment for this order');
    return entityFromRow(manager, PaymentEntity, row);
  }

  private async inOrderTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query(BEGIN_ORDER_TRANSACTION);
      try {
        const result = await work(runner.manager);
        await runner.query('COMMIT');
        return result;
      } catch (error) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      if (isLockWaitTimeout(error)) {
        throw new DomainError(
          ErrorCodes.paymentProcessorUnavailable,
          'This payment is waiting for the processor; try again',
        );
      }
      throw error;
    } finally {
      await runner.release();
    }
  }
}
