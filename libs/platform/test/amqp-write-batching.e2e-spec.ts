import { AmqpConnectionManager, ChannelWrapper, connect } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { rabbitmqUrl } from '../../../test/harness/isolated-environment';
import { coalesceAmqpWrites } from '../src/messaging/coalesced-writes';

// Guards the batching against amqplib changing where it keeps its socket: the batching would
// then vanish silently, and each frame cost a system call again.
describe('coalesceAmqpWrites on a real broker connection', () => {
  const queue = `write-batching-${randomBytes(4).toString('hex')}`;
  let manager: AmqpConnectionManager;
  let channel: ChannelWrapper;

  beforeAll(async () => {
    // No heartbeat inside the test's few milliseconds: it would be a write of its own.
    manager = coalesceAmqpWrites(connect([rabbitmqUrl], { heartbeatIntervalInSeconds: 600 }));
    channel = manager.createChannel({
      confirm: false,
      setup: (setup: Channel) => setup.assertQueue(queue, { exclusive: true }),
    });
    await channel.waitForConnect();
  });

  afterAll(async () => {
    await channel.close();
    await manager.close();
  });

  it('sends the messages published in one tick in one write, and the broker gets them all', async () => {
    const socket = (manager.connection as unknown as { connection: { stream: Socket } }).connection
      .stream;
    const single = jest.spyOn(socket as unknown as { _write: () => void }, '_write');
    const batched = jest.spyOn(
      socket as unknown as { _writev: (chunks: unknown[], callback: () => void) => void },
      '_writev',
    );

    await Promise.all(
      ['first', 'second', 'third'].map((body) => channel.sendToQueue(queue, Buffer.from(body))),
    );
    // amqplib writes its queued frames on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const writesOfThePublishes = { single: single.mock.calls.length, batched: batched.mock.calls };
    const received: string[] = [];
    await channel.addSetup((consumer: Channel) =>
      consumer.consume(queue, (message: ConsumeMessage | null) => {
        if (message) received.push(message.content.toString());
        if (received.length === 3) channel.emit('all-received');
      }),
    );
    if (received.length < 3) await once(channel, 'all-received');

    expect(received).toEqual(['first', 'second', 'third']);
    expect(writesOfThePublishes.single).toBe(0);
    expect(writesOfThePublishes.batched).toHaveLength(1);
    expect(writesOfThePublishes.batched[0][0]).toHaveLength(3);
  });
});
