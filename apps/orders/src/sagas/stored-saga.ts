import { SagaInstance, SagaStatus } from '@shop/resilience';

/**
 * A saga as its home document holds it, in the field named for it: what the store's filters
 * and updates name as fields of their own, the rest as one JSON string, rewritten whole on
 * every save. Our MongoDB stand-in (FerretDB v1) stores each nested object with a schema of
 * its own, and a place-order saga's history is a dozen objects: written as one string, a save
 * costs it about 40 % less CPU (bench/README.md, "Where an order's CPU goes"). Its status is
 * beside it at the top level of the document (see `statusKey`).
 */
export interface StoredSaga {
  owner: string | null;
  leaseExpiresAt: number | null;
  version: number;
  /** Kept readable for people looking at the store: when the saga last moved. */
  updatedAt: number;
  /** The rest of the saga, as JSON. */
  state: string;
}

type SagaState = Omit<SagaInstance, keyof Omit<StoredSaga, 'state'> | 'status'>;

export function toStoredSaga({
  owner,
  leaseExpiresAt,
  version,
  updatedAt,
  status: _status,
  ...state
}: SagaInstance): StoredSaga {
  return { owner, leaseExpiresAt, version, updatedAt, state: JSON.stringify(state) };
}

export function fromStoredSaga(
  { owner, leaseExpiresAt, version, updatedAt, state }: StoredSaga,
  status: SagaStatus,
): SagaInstance {
  return { ...(JSON.parse(state) as SagaState), status, owner, leaseExpiresAt, version, updatedAt };
}
