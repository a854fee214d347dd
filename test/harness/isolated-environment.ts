import { connect } from 'amqplib';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const postgresAdminUrl =
  process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';

const services = ['users', 'orders', 'payments'] as const;

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
  usersDatabaseUrl: string;
  paymentsDatabaseUrl: string;
  mongoUrl: string;
  mongoDatabase: string;
  queuePrefix: string;
  dispose(): Promise<void>;
}

/**
 * Own PostgreSQL databases, MongoDB database and queue prefix for one test file, so suites
 * never see each other's data and leave nothing behind.
 */
export async function createIsolatedEnvironment(): Promise<IsolatedEnvironment> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const usersDatabase = `shop_users_${runId}`;
  const paymentsDatabase = `shop_payments_${runId}`;
  const mongoDatabase = `shop_orders_${runId}`;
  const queuePrefix = `${runId}.`;
  await onPostgres(`CREATE DATABASE "${usersDatabase}"`);
  await onPostgres(`CREATE DATABASE "${paymentsDatabase}"`);

  const usersDatabaseUrl = withDatabase(postgresAdminUrl, usersDatabase);
  const paymentsDatabaseUrl = withDatabase(postgresAdminUrl, paymentsDatabase);
  const variables: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    RABBITMQ_URL: rabbitmqUrl,
    RMQ_QUEUE_PREFIX: queuePrefix,
    USERS_DATABASE_URL: usersDatabaseUrl,
    PAYMENTS_DATABASE_URL: paymentsDatabaseUrl,
    MONGO_URL: mongoUrl,
    ORDERS_MONGO_DB: mongoDatabase,
    GATEWAY_PORT: '0',
    USERS_HTTP_PORT: '0',
    ORDERS_HTTP_PORT: '0',
    PAYMENTS_HTTP_PORT: '0',
  };

  return {
    variables,
    usersDatabaseUrl,
    paymentsDatabaseUrl,
    mongoUrl,
    mongoDatabase,
    queuePrefix,
    async dispose() {
      await onPostgres(`DROP DATABASE IF EXISTS "${usersDatabase}" WITH (FORCE)`);
      await onPostgres(`DROP DATABASE IF EXISTS "${paymentsDatabase}" WITH (FORCE)`);
      await dropMongoDatabase(mongoDatabase);
      await deleteBrokerObjects(queuePrefix, services);
    },
  };
}

/** Sets the variables for apps booted in this test file (jest gives each file its own env). */
export function applyEnvironment(variables: Record<string, string>): void {
  Object.assign(process.env, variables);
}
