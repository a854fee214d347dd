import { Logger, OnModuleInit } from '@nestjs/common';
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
import { SagaHomeMissingError } from './saga-home-missing.error';
import type { SagaHome, SagaHomes } from './saga-homes';
import { StoredSaga, fromStoredSaga, toStoredSaga } from './stored-saga';

const activeStatuses: SagaStatus[] = ['RUNNING', 'COMPENSATING'];

/** A document that is home to sagas, each in a field of its own (see {@link SagaHomes}). */
export type SagaHomeDocument = mongo.Document & { _id: SagaHome['_id'] };

/** The saga's status, kept beside it at the top level of its home document. */
function statusKey(field: string): string {
  return `${field}Status`;
}

/**
 * Raised while the document holds an active saga: recovery finds them by this one equality
 * on a top-level field, which our MongoDB stand-in (FerretDB v1) pushes down to PostgreSQL. It
 * reads and decodes every document of the collection for a dotted path or an `$in`, and
 * still scans the table for this, so one query per round costs a quarter of one per field
 * and status.
 */
const HAS_ACTIVE_SAGA = 'hasActiveSaga';

/**
 * Sagas kept inside the documents of the records they act for (see {@link SagaHomes}). Every
 * write is a single conditional update of one document (version, owner and lease of its saga
 * in the filter), which MongoDB applies atomically, so any number of orders replicas can share
 * the store.
 */
export class MongoSagaStore implements SagaStore, OnModuleInit {
  private readonly logger = new Logger(MongoSagaStore.name);

  constructor(
    private readonly documents: mongo.Collection<SagaHomeDocument>,
    private readonly homes: SagaHomes,
  ) {}

  /** Leases are judged by this clock; tests of the store contract replace it. */
  now: () => number = Date.now;

  async onModuleInit(): Promise<void> {
    // Recovery looks for documents with an active saga.
    await this.documents.createIndex({ [HAS_ACTIVE_SAGA]: 1 });
  }

  /** The home document's fields for the saga in `field`. */
  private fieldsOf(instance: SagaInstance, field: string): Record<string, unknown> {
    return {
      [field]: toStoredSaga(instance),
      [statusKey(field)]: instance.status,
      [HAS_ACTIVE_SAGA]: !isTerminalSagaStatus(instance.status),
    };
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
      ...this.fieldsOf(instance, this.homes.of(instance.id).field),
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
        { $set: this.fieldsOf(instance, field) },
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
      $set: { ...this.fieldsOf(instance, field), ...this.homes.changesOnSave?.(instance) },
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
    // Few documents hold an active saga: they are read whole, and the lease is judged here.
    const active = await this.documents.find({ [HAS_ACTIVE_SAGA]: true }).toArray();
    for (const candidate of active) {
      for (const field of this.homes.fields) {
        if (claimed.length >= limit) return claimed;
        const saga = this.readableSagaIn(candidate, field);
        if (!saga || isTerminalSagaStatus(saga.status)) continue;
        if (saga.leaseExpiresAt !== null && saga.leaseExpiresAt > nowMs) continue;
        const lease = `${field}.leaseExpiresAt`;
        // The saga as judged expired, or nothing: two claimers race for one write and one
        // wins; a renewal in between (a skewed clock) keeps the saga with its owner.
        const taken = await this.documents.findOneAndUpdate(
          {
            _id: candidate._id,
            [statusKey(field)]: saga.status,
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
    return claimed;
  }

  async renew(id: string, owner: string, leaseExpiresAt: number): Promise<void> {
    const home = this.homes.of(id);
    const { modifiedCount } = await this.documents.updateOne(this.leasedTo(home, owner), {
      $set: { [`${home.field}.leaseExpiresAt`]: leaseExpiresAt },
    });
    if (modifiedCount === 0) throw new SagaConflictError(id, await this.whyNotWritten(id));
  }

  /**
   * The saga, or undefined if its stored form cannot be read (edited by hand, say): recovery
   * goes on with the others instead of failing every round on one document.
   */
  private readableSagaIn(document: mongo.Document, field: string): SagaInstance | undefined {
    try {
      return this.sagaIn(document, field);
    } catch (error) {
      this.logger.error(
        `Skipping the unreadable saga in ${field} of ${String(document._id)}: ${String(error)}`,
      );
      return undefined;
    }
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
