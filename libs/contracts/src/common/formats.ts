/**
 * Formats of the values the API exchanges. The validators and the OpenAPI document both use
 * these, so a client generated from the document sends what the API accepts.
 */
export const Formats = {
  /** ISO 4217 alphabetic code, e.g. `EUR`. */
  currency: /^[A-Z]{3}$/,
  /** ISO 3166-1 alpha-2 code, e.g. `GB`. */
  country: /^[A-Z]{2}$/,
  /** A MongoDB ObjectId as 24 hexadecimal digits (class-validator's `isMongoId`). */
  objectId: /^[0-9a-fA-F]{24}$/,
  /** A payment token of the processor, e.g. `tok_visa`. */
  paymentToken: /^[A-Za-z0-9_]{1,64}$/,
  /**
   * An id or key that services exchange (an order id, `${sagaId}:authorize-payment`): no blanks,
   * so a stray space cannot make a second payment for the same order.
   */
  reference: /^[A-Za-z0-9._:-]+$/,
  /**
   * Text that is more than blanks. Trimmed fields (`@Transform(trimmed)` with `@MinLength(1)`)
   * refuse what trims to nothing; `minLength: 1` alone would let "   " through the document.
   */
  nonBlank: /\S/,
  /** The client's `Idempotency-Key` header. */
  idempotencyKey: /^[A-Za-z0-9._:-]{1,128}$/,
} as const;
