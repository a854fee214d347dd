import { connect } from 'amqplib';
import { deadLetterQueueName } from './rmq.options';

/** The broker drops dead letters routed to a queue that does not exist, so declare it first. */
export async function ensureDeadLetterQueue(url: string, queue: string): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(deadLetterQueueName(queue), { durable: true });
    await channel.close();
  } finally {
    await connection.close();
  }
}
