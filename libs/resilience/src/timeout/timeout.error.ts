import { hasBrand, nameAndBrand } from '../policy/error-brand';

/**
 * Thrown by a timeout policy when the call did not finish within `timeoutMs`. The call's signal
 * is aborted with this error as its reason.
 *
 * @example
 * ```ts
 * if (isTimeoutError(error)) logger.warn(`gave up after ${error.timeoutMs} ms`);
 * ```
 */
export class TimeoutError extends Error {
  declare readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`Operation timed out after ${timeoutMs} ms`);
    (this as { timeoutMs: number }).timeoutMs = timeoutMs;
  }
}

const timeoutBrand = nameAndBrand(TimeoutError, 'TimeoutError');

/** True when `error` is a {@link TimeoutError}. */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return hasBrand(error, timeoutBrand);
}
