/**
 * A saga whose home document does not exist, or whose id names none, where the store makes
 * none (see `SagaHomes`). On a file of its own: the store and the homes both throw it, and the
 * homes import the saga definitions, which import the store.
 */
export class SagaHomeMissingError extends Error {
  constructor(
    readonly sagaId: string,
    why = 'has no document to live in',
  ) {
    super(`Saga ${sagaId} ${why}`);
  }
}
