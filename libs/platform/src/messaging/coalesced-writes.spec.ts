import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';
import { once } from 'node:events';
import { coalesceWritesPerTick } from './coalesced-writes';

describe('coalesceWritesPerTick', () => {
  let server: Server;
  let received: Buffer[];
  let client: Socket;

  beforeEach(async () => {
    received = [];
    server = createServer((peer) => peer.on('data', (chunk: Buffer) => received.push(chunk)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
  });

  afterEach(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const bytesReceived = () => Buffer.concat(received).toString();

  async function untilReceived(text: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (bytesReceived().length < text.length && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(bytesReceived()).toBe(text);
  }

  it('sends the writes of one tick in one system call, in order', async () => {
    coalesceWritesPerTick(client);
    const single = jest.spyOn(client as unknown as { _write: () => void }, '_write');
    const batched = jest.spyOn(client as unknown as { _writev: () => void }, '_writev');

    client.write('method+header+body|');
    client.write('ack|');
    client.write('another reply|');

    await untilReceived('method+header+body|ack|another reply|');
    expect(single).not.toHaveBeenCalled();
    expect(batched).toHaveBeenCalledTimes(1);
  });

  it('batches each later tick on its own, so nothing waits for more writes', async () => {
    coalesceWritesPerTick(client);
    const batched = jest.spyOn(client as unknown as { _writev: () => void }, '_writev');

    client.write('a');
    client.write('b');
    await untilReceived('ab');
    client.write('c');
    client.write('d');

    await untilReceived('abcd');
    expect(batched).toHaveBeenCalledTimes(2);
  });

  // amqplib stops writing when write() says false and goes on at 'drain'.
  it('asks the writer to wait once a batch outgrows the buffer, and drains after it leaves', async () => {
    coalesceWritesPerTick(client);
    const big = Buffer.alloc(client.writableHighWaterMark + 1);

    expect(client.write('small')).toBe(true);
    expect(client.write(big)).toBe(false);
    await once(client, 'drain');
    expect(client.writableLength).toBe(0);
  });
});
