import { SagaHistoryEntry, SagaInstance } from '@shop/resilience';
import { isDeepStrictEqual } from 'node:util';

/** A saga as stored: its id is the document's `_id`. */
export type SagaDocument = Omit<SagaInstance, 'id'> & { _id: string };

export interface SagaDocumentUpdate {
  $set?: Partial<SagaDocument>;
  $push?: { history: { $each: SagaHistoryEntry[] } };
}

function isSame(left: unknown, right: unknown): boolean {
  return left === right || isDeepStrictEqual(left, right);
}

/**
 * The update that turns the stored `previous` into `next`: the fields that changed, and the
 * history entries added since. The store parses, applies and rewrites less than with the whole
 * saga (the history grows with every step, the data rarely changes), and the MongoDB stand-in
 * spends most of a saga write's time on exactly that.
 */
export function sagaDocumentUpdate(previous: SagaInstance, next: SagaInstance): SagaDocumentUpdate {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof SagaInstance)[]) {
    if (key !== 'id' && key !== 'history' && !isSame(previous[key], next[key]))
      changed[key] = next[key];
  }
  const kept = previous.history.length;
  const isAppended =
    next.history.length >= kept &&
    previous.history.every((entry, index) => isSame(entry, next.history[index]));
  if (!isAppended) changed.history = next.history;
  const added = isAppended ? next.history.slice(kept) : [];
  return {
    ...(Object.keys(changed).length > 0 && { $set: changed as Partial<SagaDocument> }),
    ...(added.length > 0 && { $push: { history: { $each: added } } }),
  };
}
