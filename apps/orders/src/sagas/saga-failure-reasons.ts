import { Injectable } from '@nestjs/common';
import { MongoSagaStore } from './mongo-saga.store';

const UNKNOWN_REASON = 'The order could not be placed';

/** Reads why a saga failed, as the orchestrator persisted it before compensating. */
@Injectable()
export class SagaFailureReasons {
  constructor(private readonly store: MongoSagaStore) {}

  async of(sagaId: string): Promise<string> {
    return (await this.store.load(sagaId))?.failureReason ?? UNKNOWN_REASON;
  }
}
