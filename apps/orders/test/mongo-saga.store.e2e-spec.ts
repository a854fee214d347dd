import { describeSagaStoreContract } from '@shop/resilience/saga/testing/saga-store.contract';
import mongoose, { Connection } from 'mongoose';
import {
  IsolatedEnvironment,
  createIsolatedEnvironment,
} from '../../../test/harness/isolated-environment';
import { MongoSagaStore } from '../src/sagas/mongo-saga.store';

let environment: IsolatedEnvironment;
let connection: Connection;

beforeAll(async () => {
  environment = await createIsolatedEnvironment();
  connection = await mongoose
    .createConnection(environment.mongoUrl, { dbName: environment.mongoDatabase })
    .asPromise();
});

afterAll(async () => {
  await connection?.close();
  await environment?.dispose();
});

describeSagaStoreContract('MongoSagaStore', async ({ clock }) => {
  await connection.collection('sagas').deleteMany({});
  const store = new MongoSagaStore(connection);
  store.now = () => clock.now();
  return store;
});
