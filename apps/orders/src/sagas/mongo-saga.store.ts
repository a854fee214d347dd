import { OnModuleInit } from '@nestjs/common';
import {
  SagaAlreadyExistsError,
  SagaConflictError,
  SagaConflictReason,
  SagaInstance,
  SagaStatus,
  SagaStore,
  isTerminalSagaStatus,
} from '@shop/resilience';
import { mongo } from 'mongoose';
import { isDuplicateKey } from '../database/duplicate-key';
import { SagaHome, SagaHomes } from './saga-homes';
import { StoredSaga, fromStoredSaga, toStoredSaga } from './stored-saga';

const activeStatuses: SagaStatus[] = ['RUNNING', 'COMPENSATING'];

/** A document that is home to sagas, each in a field of its own (see {@link SagaHomes}). */
export type SagaHomeDocument = mongo.Document & { _id: SagaHome['_id'] };

/** `create` of a saga whose home document does not exist, with homes that do not create one. */
export class SagaHomeMissingError extends Error {
  constructor(readonly sagaId: string) {
    super(`Saga ${sagaId} has no document to live in`);
  }
}

/**
 * The saga's status, copied to the top level of its home document: our MongoDB stand-in
 * (FerretDB v1) pushes equality on top-level fields down to PostgreSQL, but reads and decodes
 * every document of the collection for a dotted path, so recovery finds active sagas by this.
 */
function statusKey(field: string): string {
  return `${field}Status`;
}

/**
 * Sagas kept inside the documents of the records they act for (see {@link SagaHomes}). Every
 * write is a single conditional update of one document (version, owner and lease of its saga
 * in the filter), which MongoDB applies atomically, so any number of orders replicas can share
 * the store.
 */
export class MongoSagaStore implements SagaStore, OnModuleInit {
  constructor(
    private readonly documents: mongo.Collection<SagaHomeDocument>,
    private readonly homes: SagaHomes,
  ) {}

  /** Leases are judged by this clock; tests of the store contract replace it. */
  now: () => number = Date.now;

  async onModuleInit(): Promise<void> {
    // Recovery looks for active sagas by status and lease expiry.
    for (const field of this.homes.fields)
      await this.documents.createIndex({ [statusKey(field)]: 1, [`${field}.leaseExpiresAt`]: 1 });
  }

  private fieldsOf(instance: SagaInstance): Record<string, unknown> {
    const { field } = this.homes.of(instance.id);
    return { [field]: toStoredSaga(instance), [statusKey(field)]: instance.status };
  }

  /** The saga in `field` of a home document, if it holds one. */
  private sagaIn(
    document: mongo.Document | null | undefined,
    field: string,
  ): SagaInstance | undefined {
    const stored = document?.[field] as StoredSaga | undefined | null;
    return stored ? fromStoredSaga(stored, document![statusKey(field)] as SagaStatus) : undefined;
  }

  /**
   * Inserts a new home document with the saga in it: the record and its saga in one write, so
   * neither exists without the other. Fails as the insert does (a duplicate key included).
   */
  async createIn(document: object, instance: SagaInstance): Promise<void> {
    await this.documents.insertOne({
      ...document,
      ...this.fieldsOf(instance),
    } as SagaHomeDocument);
  }

  /** The sagas a home document holds, as a load of each would return them. */
  sagasIn(document: object): SagaInstance[] {
    return this.homes.fields
      .map((field) => this.sagaIn(document, field))
      .filter((saga): saga is SagaInstance => saga !== undefined);
  }

  /**
   * Adds the saga to its home document; creates that document only if the homes say so
   * (`createsHomes`): a saga of an order that does not exist is an error, not a new order.
   */
  async create(instance: SagaInstance): Promise<void> {
    const { _id, field } = this.homes.of(instance.id);
    try {
      const { matchedCount, upsertedCount } = await this.documents.updateOne(
        { _id, [field]: { $exists: false } },
        { $set: this.fieldsOf(instance) },
        { upsert: this.homes.createsHomes === true },
      );
      if (matchedCount + upsertedCount > 0) return;
    } catch (error) {
      // The document has this saga already, so the upsert's insert met its _id.
      if (isDuplicateKey(error)) throw new SagaAlreadyExistsError(instance.id);
      throw error;
    }
    if ((await this.documents.countDocuments({ _id }, { limit: 1 })) > 0)
      throw new SagaAlreadyExistsError(instance.id);
    throw new SagaHomeMissingError(instance.id);
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    const { _id, field } = this.homes.of(id);
    const document = await this.documents.findOne(
      { _id },
      { projection: { [field]: 1, [statusKey(field)]: 1 } },
    );
    return this.sagaIn(document, field);
  }

  async save(instance: SagaInstance, expectedVersion: number): Promise<void> {
    const home = this.homes.of(instance.id);
    const { field } = home;
    // Rewritten whole: `previous` would only tell which parts changed, and the stand-in
    // rewrites the whole document either way.
    const update: mongo.UpdateFilter<SagaHomeDocument> = {
      $set: { ...this.fieldsOf(instance), ...this.homes.alongside?.(instance) },
    };
    const { modifiedCount } = await this.documents.updateOne(
      {
        ...this.leasedTo(home, instance.owner),
        [`${field}.version`]: expectedVersion,
      },
      update,
    );
    if (modifiedCount === 0)
      throw new SagaConflictError(
        instance.id,
        await this.whyNotWritten(instance.id, expectedVersion),
      );
  }

  async claimExpired(
    owner: string,
    nowMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<SagaInstance[]> {
    const claimed: SagaInstance[] = [];
    // One query per field and status, each an equality on a top-level field (see statusKey).
    for (const field of this.homes.fields) {
      for (const status of activeStatuses) {
        if (claimed.length >= limit) return claimed;
        const lease = `${field}.leaseExpiresAt`;
        const expired = await this.documents
          .find(
            { [statusKey(field)]: status, $or: [{ [lease]: null }, { [lease]: { $lte: nowMs } }] },
            { projection: { [field]: 1, [statusKey(field)]: 1 } },
          )
          .limit(limit - claimed.length)
          .toArray();
        for (const candidate of expired) {
          const saga = this.sagaIn(candidate, field)!;
          // The saga as judged expired, or nothing: two claimers race for one write and one
          // wins; a renewal in between (a skewed clock) keeps the saga with its owner.
          const taken = await this.documents.findOneAndUpdate(
            {
              _id: candidate._id,
              [`${field}.version`]: saga.version,
              [lease]: saga.leaseExpiresAt,
            },
            {
              $set: { [`${field}.owner`]: owner, [lease]: nowMs + leaseMs },
              $inc: { [`${field}.version`]: 1 },
            },
            { returnDocument: 'after' },
          );
          const claim = this.sagaIn(taken, field);
          if (claim) claimed.push(claim);
        }
      }
    }
    return claimed;
  }

  async renew(id: string, owner: string, leaseExpiresAt: number): Promise<void> {
    const home = this.homes.of(id);
    const { modifiedCount } = await this.documents.updateOne(this.leasedTo(home, owner), {
      $set: { [`${home.field}.leaseExpiresAt`]: leaseExpiresAt },
    });
    if (modifiedCount === 0) throw new SagaConflictError(id, await this.whyNotWritten(id));
  }

  /** The home document while its saga is active and leased to `owner`. */
  private leasedTo({ _id, field }: SagaHome, owner: string | null): mongo.Filter<SagaHomeDocument> {
    return {
      _id,
      [statusKey(field)]: { $in: activeStatuses },
      [`${field}.owner`]: owner,
      [`${field}.leaseExpiresAt`]: { $gt: this.now() },
    };
  }

  private async whyNotWritten(id: string, expectedVersion?: number): Promise<SagaConflictReason> {
    const stored = await this.load(id);
    if (!stored) return 'not-found';
    if (expectedVersion !== undefined && stored.version !== expectedVersion) return 'version';
    if (isTerminalSagaStatus(stored.status)) return 'terminal';
    return 'lease';
  }
}
