import { describeSagaStoreContract } from '@shop/resilience/saga/testing/saga-store.contract';
import { Connection } from 'mongoose';
import { IsolatedMongoose, openIsolatedMongoose } from '../../../test/harness/isolated-mongoose';
import { MongoSagaStore } from '../src/sagas/mongo-saga.store';

let mongo: IsolatedMongoose;
let connection: Connection;

beforeAll(async () => {
  mongo = await openIsolatedMongoose();
  connection = mongo.connection;
});

afterAll(async () => {
  await mongo?.dispose();
});

describeSagaStoreContract('MongoSagaStore', async ({ clock }) => {
  await connection.collection('sagas').deleteMany({});
  const store = new MongoSagaStore(connection);
  store.now = () => clock.now();
  return store;
});
