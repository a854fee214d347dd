/**
 * The payment service provider as the payments service needs it. The simulated processor
 * implements it today; a real PSP adapter replaces it by providing `PAYMENT_PROCESSOR`.
 *
 * Contract for adapters:
 * - Every call is idempotent per `idempotencyKey`: asked twice, the PSP acts once and answers alike.
 * - A decline is a result (`approved: false`), never an exception.
 * - A transient failure (PSP down, timeout, rate limit) throws
 *   `DomainError(ErrorCodes.paymentProcessorUnavailable, ...)`; the caller retries the command.
 * - Calls are bounded in time by the adapter: the payments service holds its order's row lock
 *   while it waits for an answer.
 */
export interface PaymentProcessor {
  authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
  capture(request: SettlementRequest): Promise<void>;
  void(request: ProcessorReferenceRequest): Promise<void>;
  refund(request: SettlementRequest): Promise<void>;
}

export const PAYMENT_PROCESSOR = Symbol('PAYMENT_PROCESSOR');

export interface AuthorizationRequest {
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  /** The processor's token of a card or wallet, e.g. `tok_visa`. */
  paymentMethod: string;
}

export type AuthorizationResult =
  { approved: true; reference: string } | { approved: false; reason: string };

/** Acts on an earlier authorization, named by the reference the processor gave it. */
export interface ProcessorReferenceRequest {
  idempotencyKey: string;
  reference: string;
}

export interface SettlementRequest extends ProcessorReferenceRequest {
  amountMinor: number;
  currency: string;
}
