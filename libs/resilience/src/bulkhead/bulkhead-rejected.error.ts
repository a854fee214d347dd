import { hasBrand, nameAndBrand } from '../policy/error-brand';

/**
 * Thrown when a bulkhead has `maxConcurrent` calls running and `maxQueued` waiting.
 *
 * @example
 * ```ts
 * if (isBulkheadRejectedError(error)) reply.status(503).send({ message: error.message });
 * ```
 */
export class BulkheadRejectedError extends Error {
  declare readonly maxConcurrent: number;
  declare readonly maxQueued: number;

  constructor(maxConcurrent: number, maxQueued: number) {
    super(
      `Bulkhead is full: ${maxConcurrent} calls running (maxConcurrent) and ${maxQueued} waiting ` +
        `(maxQueued); the call was rejected without running`,
    );
    Object.assign(this, { maxConcurrent, maxQueued });
  }
}

const bulkheadRejectedBrand = nameAndBrand(BulkheadRejectedError, 'BulkheadRejectedError');

/** True when `error` is a {@link BulkheadRejectedError}. */
export function isBulkheadRejectedError(error: unknown): error is BulkheadRejectedError {
  return hasBrand(error, bulkheadRejectedBrand);
}
