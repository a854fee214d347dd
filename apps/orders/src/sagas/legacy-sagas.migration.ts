import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { SagaInstance, isSagaAlreadyExistsError } from '@shop/resilience';
import { Connection } from 'mongoose';
import { MongoSagaStore, SagaHomeMissingError } from './mongo-saga.store';

/** Where versions before sagas moved into their orders kept them, one document per saga. */
const LEGACY_COLLECTION = 'sagas';

/**
 * Moves sagas left in the `sagas` collection by earlier versions into their orders, before
 * recovery starts, so that an upgrade loses none in flight: each is copied unless its order
 * holds it already, then removed. Replicas starting together may both move one; the copy is
 * conditional and the removal idempotent, so that is harmless.
 */
@Injectable()
export class LegacySagasMigration implements OnModuleInit {
  private readonly logger = new Logger(LegacySagasMigration.name);

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly store: MongoSagaStore,
  ) {}

  async onModuleInit(): Promise<void> {
    const legacy = this.connection.collection<{ _id: string }>(LEGACY_COLLECTION);
    let moved = 0;
    for await (const { _id, ...rest } of legacy.find({})) {
      try {
        await this.store.create({ id: _id, ...rest } as unknown as SagaInstance);
      } catch (error) {
        if (error instanceof SagaHomeMissingError) {
          this.logger.warn(`Left saga ${_id} in ${LEGACY_COLLECTION}: ${error.message}`);
          continue;
        }
        if (!isSagaAlreadyExistsError(error)) throw error;
      }
      await legacy.deleteOne({ _id });
      moved += 1;
    }
    if (moved > 0)
      this.logger.log(`Moved ${moved} saga(s) from ${LEGACY_COLLECTION} into their orders`);
  }
}
