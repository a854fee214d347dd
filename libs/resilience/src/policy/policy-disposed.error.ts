import { hasBrand, nameAndBrand } from './error-brand';

/**
 * Thrown by a policy after its `dispose()`: for calls made afterwards, and for calls it was still
 * holding (waiting on its timer, sleeping in backoff, queued for a slot) when it was disposed.
 *
 * @example
 * ```ts
 * perAttempt.dispose();
 * await perAttempt.execute(() => 42).catch((error) => isPolicyDisposedError(error)); // true
 * ```
 */
export class PolicyDisposedError extends Error {
  /** Which policy: `'timeout'`, `'retry'`, `'bulkhead'`, `'composed policy'`, `'resilient client'`. */
  declare readonly policyName: string;

  constructor(policyName: string, options?: { readonly cause?: unknown }) {
    super(`The ${policyName} was disposed: it runs no more calls`, options);
    (this as { policyName: string }).policyName = policyName;
  }
}

const policyDisposedBrand = nameAndBrand(PolicyDisposedError, 'PolicyDisposedError');

/** True when `error` is a {@link PolicyDisposedError}. */
export function isPolicyDisposedError(error: unknown): error is PolicyDisposedError {
  return hasBrand(error, policyDisposedBrand);
}
