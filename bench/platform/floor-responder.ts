/*
 * The hand-written floor's service: an amqplib consumer of a durable queue with our settings
 * (manual ack after the reply, a bounded prefetch, Nagle off) that answers
 *   {op:'get', id}  with the product found by _id (the same findOne as the orders service),
 *   {op:'list'}     with the first 50 products by _id (the same query as GET /api/products),
 *   {op:'me', id}   with the user of that id from PostgreSQL (the users service's query),
 *   {op:'const'}    with a constant (no database).
 * Run as a child process of platform.bench.ts; says {type:'ready'} over IPC.
 */
import { connect } from 'amqplib';
import { MongoClient, ObjectId } from 'mongodb';
import { Pool } from 'pg';
import { FLOOR_PREFETCH } from './amqp-rpc';

const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queue = process.env.FLOOR_QUEUE!;
const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const database = process.env.FLOOR_MONGO_DB!;
const usersDatabaseUrl = process.env.FLOOR_USERS_DATABASE_URL!;
const constant = Buffer.from(
  JSON.stringify({ id: '000000000000000000000000', name: 'constant', priceMinor: 1, stock: 1 }),
);

async function main(): Promise<void> {
  const mongo = await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  const products = mongo.db(database).collection('products');
  // As many connections as the users service keeps (TypeORM's pg pool default).
  const users = new Pool({ connectionString: usersDatabaseUrl, max: 10 });
  const connection = await connect(rabbitmqUrl, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: true });
  await channel.prefetch(FLOOR_PREFETCH);
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const request = JSON.parse(message.content.toString()) as { op: string; id?: string };
      const answer = async (): Promise<Buffer> => {
        if (request.op === 'get')
          return Buffer.from(
            JSON.stringify(await products.findOne({ _id: new ObjectId(request.id) })),
          );
        if (request.op === 'me') {
          const { rows } = await users.query(
            'SELECT id, email, name, role, created_at FROM users WHERE id = $1',
            [request.id],
          );
          return Buffer.from(JSON.stringify(rows[0]));
        }
        if (request.op === 'list')
          return Buffer.from(
            JSON.stringify(await products.find().sort({ _id: 1 }).skip(0).limit(50).toArray()),
          );
        return constant;
      };
      answer().then(
        (body) => {
          channel.sendToQueue(message.properties.replyTo as string, body, {
            correlationId: message.properties.correlationId as string,
          });
          channel.ack(message);
        },
        (error: unknown) => {
          channel.sendToQueue(
            message.properties.replyTo as string,
            Buffer.from(JSON.stringify({ error: String(error) })),
            { correlationId: message.properties.correlationId as string },
          );
          channel.ack(message);
        },
      );
    },
    { noAck: false },
  );
  const stop = async (): Promise<void> => {
    await connection.close().catch(() => undefined);
    await mongo.close().catch(() => undefined);
    await users.end().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  process.send?.({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
