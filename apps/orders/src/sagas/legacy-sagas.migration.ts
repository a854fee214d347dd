import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { SagaInstance, isSagaAlreadyExistsError } from '@shop/resilience';
import { Connection, Types } from 'mongoose';
import { PLACE_ORDER_SAGA } from '../place-order/place-order.saga';
import { MongoSagaStore } from './mongo-saga.store';
import { SagaHomeMissingError } from './saga-home-missing.error';
import { orderSagaHomes } from './saga-homes';

/** Where versions before sagas moved into their orders kept them, one document per saga. */
const LEGACY_COLLECTION = 'sagas';

/**
 * Moves sagas left in the `sagas` collection by earlier versions into their orders, before
 * recovery and the sweeper start, so that an upgrade loses none in flight: each is copied
 * unless its order holds it already, then removed. Replicas starting together may both move
 * one; the copy is conditional and the removal idempotent, so that is harmless. Replicas of
 * an earlier version must be stopped first: they would go on writing sagas apart.
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
        await this.store.create(
          await this.asMoved({ id: _id, ...rest } as unknown as SagaInstance),
        );
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

  /**
   * Earlier versions confirmed the order in the place-order saga's last step, then wrote the
   * saga COMPLETED. One that stopped in between left a RUNNING saga with a confirmed order
   * (since cancelled, maybe): its work is done, and finishing it here would confirm the order
   * again. Moved as COMPLETED instead.
   */
  private async asMoved(saga: SagaInstance): Promise<SagaInstance> {
    if (saga.definitionName !== PLACE_ORDER_SAGA || saga.status !== 'RUNNING') return saga;
    const { _id } = orderSagaHomes.of(saga.id);
    const order = await this.connection
      .collection('orders')
      .findOne({ _id: _id as Types.ObjectId }, { projection: { status: 1 } });
    return order && order.status !== 'PENDING' ? { ...saga, status: 'COMPLETED' } : saga;
  }
}
