import { Channel, ChannelModel, connect } from 'amqplib';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { services } from '../../scripts/lib/app-list';
import { IsolatedEnvironment, rabbitmqUrl } from './isolated-environment';

// Which replica runs the relay and the sweeper: renewed every second whatever requests do, so
// it is bookkeeping of the processes, not state a request could have written.
const processBookkeeping = new Set(['task_leases']);

/**
 * Everything the platform has written, read straight from each owning database, and what
 * waits in each dead-letter queue: a rejected request must change neither.
 */
export class ShopState {
  private constructor(
    private readonly environment: IsolatedEnvironment,
    private readonly users: Client,
    private readonly payments: Client,
    private readonly mongo: MongoClient,
    private readonly broker: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(environment: IsolatedEnvironment): Promise<ShopState> {
    const users = new Client({ connectionString: environment.usersDatabaseUrl });
    const payments = new Client({ connectionString: environment.paymentsDatabaseUrl });
    await users.connect();
    await payments.connect();
    const mongo = await MongoClient.connect(environment.mongoUrl);
    const broker = await connect(rabbitmqUrl);
    const channel = await broker.createChannel();
    return new ShopState(environment, users, payments, mongo, broker, channel);
  }

  /** Every row and document, as one comparable text. */
  async snapshot(): Promise<string> {
    const rows = async (client: Client, table: string) =>
      (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows as unknown[];
    const database = this.mongo.db(this.environment.mongoDatabase);
    const collections = (await database.listCollections({}, { nameOnly: true }).toArray())
      .map(({ name }) => name)
      .filter((name) => !processBookkeeping.has(name))
      .sort();
    const documents = await Promise.all(
      collections.map((name) => database.collection(name).find().sort({ _id: 1 }).toArray()),
    );
    return JSON.stringify({
      users: await rows(this.users, 'users'),
      payments: await rows(this.payments, 'payments'),
      invoices: await rows(this.payments, 'invoices'),
      paymentEvents: await rows(this.payments, 'payment_events'),
      mongo: Object.fromEntries(collections.map((name, index) => [name, documents[index]])),
    });
  }

  /** Messages waiting in each service's `.dead` queue. */
  async deadLetters(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { name } of services) {
      const queue = `${this.environment.queuePrefix}${name}.dead`;
      counts[queue] = (await this.channel.checkQueue(queue)).messageCount;
    }
    return counts;
  }

  async close(): Promise<void> {
    await this.users.end();
    await this.payments.end();
    await this.mongo.close();
    await this.broker.close();
  }
}
