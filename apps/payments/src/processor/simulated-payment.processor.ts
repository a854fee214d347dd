import { Injectable } from '@nestjs/common';
import { ErrorCodes } from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { createHash } from 'node:crypto';
import {
  AuthorizationRequest,
  AuthorizationResult,
  PaymentProcessor,
  ProcessorReferenceRequest,
  SettlementRequest,
} from './payment-processor.port';

/** Test payment methods of the simulated processor (documented in apps/payments/README.md). */
export const SimulatedPaymentMethods = {
  approves: 'tok_visa',
  declines: 'tok_declined',
  insufficientFunds: 'tok_insufficient_funds',
  /** Fails transiently on the first attempts of each idempotency key, then approves. */
  flaky: 'tok_flaky',
} as const;

export const FLAKY_FAILED_ATTEMPTS = 2;

// Bounds the memory of flaky attempts in a long-running service; the oldest keys go first.
const MAX_REMEMBERED_FLAKY_KEYS = 10_000;

/**
 * A processor without a network: answers from the payment method token, like a PSP's test
 * mode. The reference is derived from the idempotency key, so a repeated authorization gets
 * the same reference without any state, as a real PSP's idempotency would give.
 */
@Injectable()
export class SimulatedPaymentProcessor implements PaymentProcessor {
  private readonly flakyAttempts = new Map<string, number>();

  async authorize({
    idempotencyKey,
    paymentMethod,
  }: AuthorizationRequest): Promise<AuthorizationResult> {
    switch (paymentMethod) {
      case SimulatedPaymentMethods.approves:
        return { approved: true, reference: referenceFor(idempotencyKey) };
      case SimulatedPaymentMethods.declines:
        return { approved: false, reason: 'card_declined' };
      case SimulatedPaymentMethods.insufficientFunds:
        return { approved: false, reason: 'insufficient_funds' };
      case SimulatedPaymentMethods.flaky:
        return this.authorizeFlaky(idempotencyKey);
      default:
        return { approved: false, reason: 'unsupported_payment_method' };
    }
  }

  // A test-mode PSP settles every authorization it gave; nothing can fail here.
  async capture(_request: SettlementRequest): Promise<void> {}

  async void(_request: ProcessorReferenceRequest): Promise<void> {}

  async refund(_request: SettlementRequest): Promise<void> {}

  private authorizeFlaky(idempotencyKey: string): AuthorizationResult {
    const failedAttempts = this.flakyAttempts.get(idempotencyKey) ?? 0;
    if (failedAttempts >= FLAKY_FAILED_ATTEMPTS) {
      return { approved: true, reference: referenceFor(idempotencyKey) };
    }
    this.rememberFlakyAttempt(idempotencyKey, failedAttempts + 1);
    throw new DomainError(
      ErrorCodes.paymentProcessorUnavailable,
      'The payment processor is temporarily unavailable; try again',
    );
  }

  private rememberFlakyAttempt(idempotencyKey: string, failedAttempts: number): void {
    this.flakyAttempts.delete(idempotencyKey);
    this.flakyAttempts.set(idempotencyKey, failedAttempts);
    if (this.flakyAttempts.size > MAX_REMEMBERED_FLAKY_KEYS) {
      const oldest = this.flakyAttempts.keys().next().value;
      if (oldest !== undefined) this.flakyAttempts.delete(oldest);
    }
  }
}

function referenceFor(idempotencyKey: string): string {
  return `sim_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}
