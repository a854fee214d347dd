import 'reflect-metadata';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { BaseEnv } from '../src/config/base.env';
import { Metrics } from '../src/metrics/metrics';
import { QueueDepthProbe } from '../src/metrics/queue-depth.probe';

function probeAt(rabbitmqUrl: string): { metrics: Metrics; probe: QueueDepthProbe } {
  const env = Object.assign(new BaseEnv(), { RABBITMQ_URL: rabbitmqUrl, RMQ_QUEUE_PREFIX: 'x.' });
  const metrics = new Metrics('payments');
  return { metrics, probe: new QueueDepthProbe(env, 'payments', metrics) };
}

describe('Queue depths on /metrics when the broker does not answer', () => {
  let silentBroker: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never says a word, like a broker behind a dead network path.
    silentBroker = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silentBroker.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silentBroker.close(resolve));
  });

  it('leaves the gauge out and still answers the scrape when the broker is silent', async () => {
    const { port } = silentBroker.address() as AddressInfo;
    const { metrics, probe } = probeAt(`amqp://guest:guest@127.0.0.1:${port}`);

    const scrape = await metrics.registry.metrics();
    await probe.onApplicationShutdown();

    expect(scrape).toContain('# TYPE rmq_queue_messages gauge');
    expect(scrape).not.toMatch(/^rmq_queue_messages\{/m);
  });

  it('leaves the gauge out when nothing listens at the broker address', async () => {
    const { metrics, probe } = probeAt('amqp://guest:guest@127.0.0.1:1');

    const scrape = await metrics.registry.metrics();
    await probe.onApplicationShutdown();

    expect(scrape).not.toMatch(/^rmq_queue_messages\{/m);
  });
});
