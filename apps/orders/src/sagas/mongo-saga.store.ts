import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import {
  SagaAlreadyExistsError,
  SagaConflictError,
  SagaConflictReason,
  SagaInstance,
  SagaStore,
  isTerminalSagaStatus,
} from '@shop/resilience';
import { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '../database/duplicate-key';
import { SagaDocument, sagaDocumentUpdate } from './saga-document-update';

const activeStatuses: SagaInstance['status'][] = ['RUNNING', 'COMPENSATING'];

function toDocument({ id, ...rest }: SagaInstance): SagaDocument {
  return { _id: id, ...rest };
}

function toInstance({ _id, ...rest }: SagaDocument): SagaInstance {
  return { id: _id, ...rest };
}

/**
 * Sagas as documents of one collection. Every write is a single conditional update on the
 * saga's document (version, owner and lease in the filter), which MongoDB applies atomically,
 * so any number of orders replicas can share the store.
 */
@Injectable()
export class MongoSagaStore implements SagaStore, OnModuleInit {
  private readonly sagas: Collection<SagaDocument>;

  constructor(@InjectConnection() connection: Connection) {
    this.sagas = connection.collection<SagaDocument>('sagas');
  }

  /** Leases are judged by this clock; tests of the store contract replace it. */
  now: () => number = Date.now;

  async onModuleInit(): Promise<void> {
    // Recovery looks for active sagas by lease expiry.
    await this.sagas.createIndex({ status: 1, leaseExpiresAt: 1 });
  }

  async create(instance: SagaInstance): Promise<void> {
    try {
      await this.sagas.insertOne(toDocument(instance));
    } catch (error) {
      if (isDuplicateKey(error)) throw new SagaAlreadyExistsError(instance.id);
      throw error;
    }
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    const document = await this.sagas.findOne({ _id: id });
    return document ? toInstance(document) : undefined;
  }

  /**
   * One lookup by id per saga: our MongoDB stand-in (FerretDB v1) pushes `_id` equality down to
   * PostgreSQL but reads and decodes the whole collection for `$in`.
   */
  async loadMany(ids: string[]): Promise<SagaInstance[]> {
    const sagas = await Promise.all(ids.map((id) => this.load(id)));
    return sagas.filter((saga): saga is SagaInstance => saga !== undefined);
  }

  async save(
    instance: SagaInstance,
    expectedVersion: number,
    previous?: SagaInstance,
  ): Promise<void> {
    const { _id, ...fields } = toDocument(instance);
    const { modifiedCount } = await this.sagas.updateOne(
      {
        _id,
        version: expectedVersion,
        status: { $in: activeStatuses },
        owner: instance.owner,
        leaseExpiresAt: { $gt: this.now() },
      },
      previous?.version === expectedVersion
        ? sagaDocumentUpdate(previous, instance)
        : { $set: fields },
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
    // One query per status, each an equality our stand-in (FerretDB v1) pushes down to
    // PostgreSQL: for `$in` it reads and decodes every saga ever stored, every round. It checks
    // the lease itself among the few active sagas; MongoDB uses the (status, lease) index.
    for (const status of activeStatuses) {
      const expired = await this.sagas
        .find({ status, $or: [{ leaseExpiresAt: null }, { leaseExpiresAt: { $lte: nowMs } }] })
        .limit(limit - claimed.length)
        .toArray();
      for (const candidate of expired) {
        // The saga as judged expired, or nothing: two claimers race for one write and one wins;
        // a renewal in between (a skewed clock) keeps the saga with its owner.
        const taken = await this.sagas.findOneAndUpdate(
          {
            _id: candidate._id,
            version: candidate.version,
            leaseExpiresAt: candidate.leaseExpiresAt,
          },
          { $set: { owner, leaseExpiresAt: nowMs + leaseMs }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        );
        if (taken) claimed.push(toInstance(taken));
      }
      if (claimed.length >= limit) break;
    }
    return claimed;
  }

  async renew(id: string, owner: string, leaseExpiresAt: number): Promise<void> {
    const { modifiedCount } = await this.sagas.updateOne(
      {
        _id: id,
        status: { $in: activeStatuses },
        owner,
        leaseExpiresAt: { $gt: this.now() },
      },
      { $set: { leaseExpiresAt } },
    );
    if (modifiedCount === 0) throw new SagaConflictError(id, await this.whyNotWritten(id));
  }

  private async whyNotWritten(id: string, expectedVersion?: number): Promise<SagaConflictReason> {
    const stored = await this.sagas.findOne({ _id: id });
    if (!stored) return 'not-found';
    if (expectedVersion !== undefined && stored.version !== expectedVersion) return 'version';
    if (isTerminalSagaStatus(stored.status)) return 'terminal';
    return 'lease';
  }
}
