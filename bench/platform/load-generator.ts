/*
 * The load generator, in its own process so that the platform's log handling in the parent
 * never steals its event loop. The parent sends one job at a time over IPC:
 *   http          GET requests through a keep-alive agent (one socket per worker)
 *   amqp          raw amqplib request/reply to floor-responder.ts (no HTTP)
 *   mongo-find    findOne by _id on a collection (the stand-in's read ceiling)
 *   mongo-update  updateOne({_id, v: {$gte: 0}}, {$inc: {v: 1}}), one document per worker
 * and gets back a LoadResult. Every job is a closedLoop() with a fixed duration.
 */
import { Agent, request } from 'node:http';
import { MongoClient, ObjectId } from 'mongodb';
import { AmqpRpcClient } from './amqp-rpc';
import { LoadResult, closedLoop } from './stats';

interface Timing {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export type LoadJob =
  | (Timing & {
      kind: 'http';
      baseUrl: string;
      paths: string[];
      /** Sent with every request, e.g. an Authorization header. */
      headers?: Record<string, string>;
    })
  | (Timing & { kind: 'amqp'; rabbitmqUrl: string; queue: string; bodies: string[] })
  | (Timing & {
      kind: 'mongo-find';
      mongoUrl: string;
      database: string;
      collection: string;
      ids: string[];
    })
  | (Timing & { kind: 'mongo-update'; mongoUrl: string; database: string; collection: string });

export type LoadMessage = { type: 'run'; id: number; job: LoadJob } | { type: 'exit' };

export type LoadReply =
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'error'; id: number; message: string };

const REQUEST_TIMEOUT_MS = 10_000;

async function runHttp(job: Extract<LoadJob, { kind: 'http' }>): Promise<LoadResult> {
  const target = new URL(job.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const get = (path: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: 'GET',
          agent,
          headers: job.headers,
        },
        (response) => {
          response.on('data', () => undefined);
          response.on('end', () =>
            response.statusCode === 200
              ? resolve()
              : reject(new Error(`HTTP ${response.statusCode} for ${path}`)),
          );
          response.on('error', reject);
        },
      );
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
        outgoing.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)),
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  try {
    return await closedLoop(job, (_worker, sequence) =>
      get(job.paths[sequence % job.paths.length]),
    );
  } finally {
    agent.destroy();
  }
}

async function runAmqp(job: Extract<LoadJob, { kind: 'amqp' }>): Promise<LoadResult> {
  const client = await AmqpRpcClient.connect(job.rabbitmqUrl);
  const bodies = job.bodies.map((body) => Buffer.from(body));
  try {
    return await closedLoop(job, async (_worker, sequence) => {
      await client.call(job.queue, bodies[sequence % bodies.length], REQUEST_TIMEOUT_MS);
    });
  } finally {
    await client.close();
  }
}

async function runMongo(
  job: Extract<LoadJob, { kind: 'mongo-find' | 'mongo-update' }>,
): Promise<LoadResult> {
  const mongo = await MongoClient.connect(job.mongoUrl, {
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: job.concurrency,
  });
  try {
    const collection = mongo
      .db(job.database)
      .collection<{ _id: ObjectId; v?: number }>(job.collection);
    if (job.kind === 'mongo-find') {
      const ids = job.ids.map((id) => new ObjectId(id));
      return await closedLoop(job, async (_worker, sequence) => {
        const found = await collection.findOne({ _id: ids[sequence % ids.length] });
        if (!found) throw new Error('not found');
      });
    }
    // Separate documents, so only the stand-in's own serialization of writes limits the rate.
    const ids = Array.from({ length: job.concurrency }, () => new ObjectId());
    await collection.insertMany(ids.map((_id) => ({ _id, v: 0 })));
    return await closedLoop(job, async (worker) => {
      const { modifiedCount } = await collection.updateOne(
        { _id: ids[worker], v: { $gte: 0 } },
        { $inc: { v: 1 } },
      );
      if (modifiedCount !== 1) throw new Error('not modified');
    });
  } finally {
    await mongo.close();
  }
}

function run(job: LoadJob): Promise<LoadResult> {
  switch (job.kind) {
    case 'http':
      return runHttp(job);
    case 'amqp':
      return runAmqp(job);
    default:
      return runMongo(job);
  }
}

process.on('message', (message: LoadMessage) => {
  if (message.type === 'exit') process.exit(0);
  run(message.job).then(
    (result) => process.send!({ type: 'result', id: message.id, result } satisfies LoadReply),
    (error: unknown) =>
      process.send!({
        type: 'error',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
