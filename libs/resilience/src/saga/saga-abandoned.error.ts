import { hasBrand, nameAndBrand } from '../policy/error-brand';

/**
 * Why an orchestrator let go of a saga without finishing it. The saga itself is safe: it stays
 * in the store, and once its lease expires recovery (here or in another process) resumes it.
 * - `lease-lost`: another orchestrator took it over, or a write lost a version race.
 * - `stopped`: `stop()` was called (shutdown).
 * - `store-unavailable`: the store kept failing.
 * - `unknown-definition`: no definition of that name is registered here.
 */
export type SagaAbandonReason =
  'lease-lost' | 'stopped' | 'store-unavailable' | 'unknown-definition';

/** Rejects `run()` / `waitFor()` when this process let go of the saga before it ended. */
export class SagaAbandonedError extends Error {
  declare readonly sagaId: string;
  declare readonly reason: SagaAbandonReason;

  constructor(sagaId: string, reason: SagaAbandonReason, options?: { cause?: unknown }) {
    super(`Saga ${sagaId} was left to recovery: ${reason}`, options);
    Object.assign(this, { sagaId, reason });
  }
}

const abandonedBrand = nameAndBrand(SagaAbandonedError, 'SagaAbandonedError');

export function isSagaAbandonedError(error: unknown): error is SagaAbandonedError {
  return hasBrand(error, abandonedBrand);
}
