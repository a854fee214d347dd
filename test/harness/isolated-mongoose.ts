import mongoose, { Connection } from 'mongoose';
import { IsolatedEnvironment, createIsolatedEnvironment } from './isolated-environment';

export interface IsolatedMongoose {
  environment: IsolatedEnvironment;
  /** A Mongoose connection to this test file's own MongoDB database. */
  connection: Connection;
  dispose(): Promise<void>;
}

/** For tests of the orders service's stores against the real MongoDB-compatible server. */
export async function openIsolatedMongoose(): Promise<IsolatedMongoose> {
  const environment = await createIsolatedEnvironment();
  const connection = await mongoose
    .createConnection(environment.mongoUrl, { dbName: environment.mongoDatabase })
    .asPromise();
  return {
    environment,
    connection,
    async dispose() {
      await connection.close();
      await environment.dispose();
    },
  };
}
