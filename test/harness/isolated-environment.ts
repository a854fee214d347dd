import { connect } from 'amqplib';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { apps, appNamed, services } from '../../scripts/lib/app-list';

export const postgresAdminUrl =
  process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function onPostgres(statement: string): Promise<void> {
  const client = new Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function dropMongoDatabase(database: string): Promise<void> {
  const mongo = await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    await mongo.db(database).dropDatabase();
  } finally {
    await mongo.close();
  }
}

/** The queues (and dead-letter queues) of these services, and the events exchange, of one run. */
export async function deleteBrokerObjects(
  queuePrefix: string,
  services: readonly string[],
): Promise<void> {
  const connection = await connect(rabbitmqUrl);
  try {
    const channel = await connection.createChannel();
    for (const service of services) {
      await channel.deleteQueue(`${queuePrefix}${service}`);
      await channel.deleteQueue(`${queuePrefix}${service}.dead`);
    }
    await channel.deleteExchange(`${queuePrefix}shop.events`);
  } finally {
    await connection.close();
  }
}

export interface IsolatedEnvironment {
  /** Variables that point every app at this run's own databases and queues. */
  variables: Record<string, string>;
  /** Each app's database of this run by app name, e.g. `shop_users_<run id>` for users. */
  databases: ReadonlyMap<string, string>;
  usersDatabaseUrl: string;
  paymentsDatabaseUrl: string;
  mongoUrl: string;
  /** The orders service's MongoDB database. */
  mongoDatabase: string;
  queuePrefix: string;
  dispose(): Promise<void>;
}

/**
 * Own databases (one per app of apps.json that has one) and queue prefix for one test file,
 * so suites never see each other's data and leave nothing behind.
 */
export async function createIsolatedEnvironment(): Promise<IsolatedEnvironment> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const queuePrefix = `${runId}.`;
  const owned = apps.flatMap(({ name, database }) =>
    database ? [{ app: name, ...database, runDatabase: `${database.name}_${runId}` }] : [],
  );
  const variables: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    RABBITMQ_URL: rabbitmqUrl,
    RMQ_QUEUE_PREFIX: queuePrefix,
  };
  for (const { httpPortVariable } of apps) variables[httpPortVariable] = '0';
  for (const { kind, urlVariable, nameVariable, runDatabase } of owned) {
    if (kind === 'postgres') {
      await onPostgres(`CREATE DATABASE "${runDatabase}"`);
      variables[urlVariable] = withDatabase(postgresAdminUrl, runDatabase);
    } else {
      variables[urlVariable] = mongoUrl;
      if (nameVariable) variables[nameVariable] = runDatabase;
    }
  }
  const databases = new Map(owned.map(({ app, runDatabase }) => [app, runDatabase]));
  const urlOf = (app: string) => variables[appNamed(app).database!.urlVariable];

  return {
    variables,
    databases,
    usersDatabaseUrl: urlOf('users'),
    paymentsDatabaseUrl: urlOf('payments'),
    mongoUrl,
    mongoDatabase: databases.get('orders')!,
    queuePrefix,
    async dispose() {
      for (const { kind, runDatabase } of owned) {
        if (kind === 'postgres')
          await onPostgres(`DROP DATABASE IF EXISTS "${runDatabase}" WITH (FORCE)`);
        else await dropMongoDatabase(runDatabase);
      }
      await deleteBrokerObjects(
        queuePrefix,
        services.map(({ name }) => name),
      );
    },
  };
}

/** Sets the variables for apps booted in this test file (jest gives each file its own env). */
export function applyEnvironment(variables: Record<string, string>): void {
  Object.assign(process.env, variables);
}
