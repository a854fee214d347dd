import { connect } from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { QueueDeclaration, ServiceQueueDeclarations } from './rmq.options';

/** A queue exists with other arguments than ours; the message says which and what to do. */
export class QueueDeclarationError extends Error {
  override readonly name = 'QueueDeclarationError';
}

/** The variable that chooses each argument users meet in a mismatch. */
const variableOf: Record<string, string> = {
  'x-queue-type': 'RMQ_QUEUE_TYPE',
  'x-delivery-limit': 'RMQ_DELIVERY_LIMIT',
};

function isPreconditionFailed(error: unknown): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === 406;
}

/** One sentence: the queue, the argument that differs, and the two ways out. */
export function describeMismatch(declaration: QueueDeclaration, brokerMessage: string): string {
  const argument = /inequivalent arg '([^']+)'/.exec(brokerMessage)?.[1] ?? 'arguments';
  const variable = variableOf[argument];
  const ours = declaration.options.arguments[argument];
  const wanted = variable ? `${variable}=${String(ours ?? 'unset')} asks for` : 'this app declares';
  const alternative = variable ? `, or set ${variable} to match the queue` : '';
  return `Queue '${declaration.queue}' already exists with another ${argument} than ${wanted}: stop the apps using it and run \`npm run queues:migrate\` (it re-declares queues that are empty)${alternative}.`;
}

/** A channel of its own per step: the broker closes a channel on any refused declaration. */
async function onChannel<T>(connection: ChannelModel, use: (channel: Channel) => Promise<T>) {
  const channel = await connection.createChannel();
  // The refusal also arrives as an 'error' event; the rejected call below already reports it.
  channel.on('error', () => undefined);
  try {
    return await use(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * Declares a service's queue and its dead-letter queue before its consumer does, so that a
 * queue left by an earlier run with another type stops start-up with one sentence instead of a
 * channel the broker closes again and again. The dead-letter queue comes first: the broker
 * drops dead letters routed to a queue that does not exist.
 */
export async function declareServiceQueues(
  url: string,
  { deadLetterQueue, serviceQueue }: ServiceQueueDeclarations,
): Promise<void> {
  const connection = await connect(url);
  try {
    for (const declaration of [deadLetterQueue, serviceQueue])
      await onChannel(connection, async (channel) => {
        try {
          await channel.assertQueue(declaration.queue, declaration.options);
        } catch (error) {
          if (isPreconditionFailed(error))
            throw new QueueDeclarationError(describeMismatch(declaration, error.message));
          throw error;
        }
      });
  } finally {
    await connection.close();
  }
}

export type QueueMigrationOutcome =
  | { queue: string; outcome: 'declared' | 'as-configured' | 'redeclared' }
  | { queue: string; outcome: 'refused'; reason: string };

/**
 * Brings existing queues to their declarations (e.g. classic to quorum). A queue declared
 * otherwise is deleted and declared again only while it is empty and nobody consumes it; the
 * broker checks both in the delete itself, so a message that arrives meanwhile is never lost,
 * it makes the migration refuse instead.
 */
export async function migrateQueues(
  url: string,
  declarations: QueueDeclaration[],
): Promise<QueueMigrationOutcome[]> {
  const connection = await connect(url);
  try {
    const outcomes: QueueMigrationOutcome[] = [];
    for (const declaration of declarations)
      outcomes.push(await migrateQueue(connection, declaration));
    return outcomes;
  } finally {
    await connection.close();
  }
}

async function migrateQueue(
  connection: ChannelModel,
  { queue, options }: QueueDeclaration,
): Promise<QueueMigrationOutcome> {
  const exists = await onChannel(connection, (channel) =>
    channel.checkQueue(queue).then(
      () => true,
      () => false,
    ),
  );
  const isAsDeclared = await onChannel(connection, (channel) =>
    channel.assertQueue(queue, options).then(
      () => true,
      (error: unknown) => {
        if (isPreconditionFailed(error)) return false;
        throw error;
      },
    ),
  );
  if (isAsDeclared) return { queue, outcome: exists ? 'as-configured' : 'declared' };

  const { messageCount, consumerCount } = await onChannel(connection, (channel) =>
    channel.checkQueue(queue),
  );
  if (messageCount > 0)
    return {
      queue,
      outcome: 'refused',
      reason: `${messageCount} message(s) wait in it; let its service consume them (or move them, e.g. with a shovel) and run this again`,
    };
  if (consumerCount > 0)
    return {
      queue,
      outcome: 'refused',
      reason: `${consumerCount} consumer(s) use it; stop the apps using it and run this again`,
    };
  const isDeleted = await onChannel(connection, (channel) =>
    channel.deleteQueue(queue, { ifEmpty: true, ifUnused: true }).then(
      () => true,
      (error: unknown) => {
        if (isPreconditionFailed(error)) return false;
        throw error;
      },
    ),
  );
  if (!isDeleted)
    return {
      queue,
      outcome: 'refused',
      reason: 'a message or a consumer arrived while migrating; run this again once it is idle',
    };
  await onChannel(connection, (channel) => channel.assertQueue(queue, options));
  return { queue, outcome: 'redeclared' };
}
