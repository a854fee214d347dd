import { hasBrand, nameAndBrand } from '../policy/error-brand';
import type { SagaInstance } from './saga.types';

/**
 * Where sagas live. Implementations must make every method atomic per saga (one conditional
 * update on one document is enough), so that several orchestrators can share a store.
 *
 * Run `describeSagaStoreContract` (from `@shop/resilience/saga/testing/saga-store.contract`)
 * against an implementation to check it.
 */
export interface SagaStore {
  /** Inserts a new saga; fails with {@link SagaAlreadyExistsError} when the id is taken. */
  create(instance: SagaInstance): Promise<void>;

  /** The saga, or undefined. Returns a copy the caller may keep. */
  load(id: string): Promise<SagaInstance | undefined>;

  /**
   * Replaces the saga with `instance` (whose `version` is `expectedVersion + 1`) if, and only
   * if, the stored saga still has `expectedVersion`, is not terminal, and is leased to
   * `instance.owner` with a lease that has not expired. Otherwise fails with
   * {@link SagaConflictError}: someone else moved the saga on, or took it over.
   *
   * `previous` is the saga as the caller last wrote or loaded it (version `expectedVersion`),
   * given so that a store may write only what changed, e.g. append the new history entries
   * instead of rewriting every one: since the write applies only to that version, the stored
   * saga is exactly `previous`. The result must be the same as replacing it with `instance`.
   */
  save(instance: SagaInstance, expectedVersion: number, previous?: SagaInstance): Promise<void>;

  /**
   * Atomically takes over up to `limit` non-terminal sagas whose lease expired at `nowMs` (or
   * that have none): sets `owner`, `leaseExpiresAt = nowMs + leaseMs`, increments `version`,
   * and returns them as stored. Two concurrent calls never return the same saga.
   */
  claimExpired(
    owner: string,
    nowMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<SagaInstance[]>;

  /**
   * Extends the lease of a saga `owner` still holds; fails with {@link SagaConflictError}
   * when the saga is terminal, owned by someone else, or its lease already expired.
   * Does not change `version`.
   */
  renew(id: string, owner: string, leaseExpiresAt: number): Promise<void>;
}

export type SagaConflictReason = 'version' | 'lease' | 'not-found' | 'terminal';

/** A write lost a race: the saga's version moved, or its lease is gone. */
export class SagaConflictError extends Error {
  declare readonly sagaId: string;
  declare readonly reason: SagaConflictReason;

  constructor(sagaId: string, reason: SagaConflictReason) {
    super(`Saga ${sagaId} was not written: ${conflictExplanations[reason]}`);
    Object.assign(this, { sagaId, reason });
  }
}

const conflictExplanations: Record<SagaConflictReason, string> = {
  version: 'its version moved (another writer got there first)',
  lease: 'the lease was lost (expired or taken over)',
  'not-found': 'it does not exist',
  terminal: 'it already ended',
};

/** `SagaStore.create` with an id that is taken. */
export class SagaAlreadyExistsError extends Error {
  declare readonly sagaId: string;

  constructor(sagaId: string) {
    super(`Saga ${sagaId} already exists`);
    Object.assign(this, { sagaId });
  }
}

const conflictBrand = nameAndBrand(SagaConflictError, 'SagaConflictError');
const alreadyExistsBrand = nameAndBrand(SagaAlreadyExistsError, 'SagaAlreadyExistsError');

export function isSagaConflictError(error: unknown): error is SagaConflictError {
  return hasBrand(error, conflictBrand);
}

export function isSagaAlreadyExistsError(error: unknown): error is SagaAlreadyExistsError {
  return hasBrand(error, alreadyExistsBrand);
}
