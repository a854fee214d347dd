import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { platformNode } from './harness/app-process';
import { eventually } from './harness/eventually';
import { onPostgres } from './harness/isolated-environment';
import { ProcessPlatform } from './harness/process-platform';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

async function statusOf(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

/** `rmq_queue_messages` of a scrape, by queue. */
function queueDepths(metrics: string): Map<string, number> {
  const depths = new Map<string, number>();
  for (const [, labels, value] of metrics.matchAll(/^rmq_queue_messages\{(.*)\} (\d+)$/gm)) {
    const queue = /queue="([^"]+)"/.exec(labels)?.[1];
    if (queue) depths.set(queue, Number(value));
  }
  return depths;
}

describe('Operating the platform', () => {
  let platform: ProcessPlatform;
  let proxy: ValidatingProxy;

  beforeAll(async () => {
    platform = await ProcessPlatform.start();
    proxy = await ValidatingProxy.start(platform.gatewayUrl);
  });

  afterAll(async () => {
    await proxy?.stop();
    await platform?.stop();
  });

  it('is ready when every service answers, unready within seconds when payments stops, and ready again when it returns', async () => {
    const ready = `${proxy.url}/health/ready`;
    expect(await statusOf(ready)).toBe(200);

    await platform.stopApp('payments');
    const whileDown = await fetch(ready);
    const body = (await whileDown.json()) as { error: Record<string, unknown> };
    await platform.startApp('payments');
    const afterReturn = await eventually(
      async () => ((await statusOf(ready)) === 200 ? 200 : undefined),
      10_000,
      'readiness',
    );

    expect(whileDown.status).toBe(503);
    expect(Object.keys(body.error)).toEqual(['payments']);
    expect(afterReturn).toBe(200);
  });

  it.each(['users', 'orders', 'payments'] as const)(
    'exposes handler latency histograms of %s on /metrics',
    async (service) => {
      await fetch(`${proxy.url}/health/ready`);

      const metrics = await (await fetch(`${platform.app(service).url}/metrics`)).text();

      const pingCounts = metrics
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('message_handler_duration_seconds_count') &&
            line.includes('pattern="health.ping.v1"'),
        );
      expect(pingCounts).toEqual([expect.stringContaining(`service="${service}"`)]);
    },
  );

  it('exposes HTTP latency by route template on the gateway', async () => {
    await fetch(`${proxy.url}/api/products/000000000000000000000000`);

    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();

    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{service="gateway",method="GET",route="\/api\/products\/:id",status="404"\} [1-9]/,
    );
  });

  it('shows how many messages wait in a service queue and its dead-letter queue on /metrics', async () => {
    const queue = `${platform.environment.queuePrefix}payments`;
    const deadLetters = `${queue}.dead`;
    const connection = await connect(platform.environment.variables.RABBITMQ_URL);
    try {
      const channel = await connection.createConfirmChannel();
      for (const order of ['o-1', 'o-2', 'o-3'])
        channel.sendToQueue(deadLetters, Buffer.from(JSON.stringify({ order })));
      await channel.waitForConfirms();

      const depths = await eventually(
        async () => {
          const scraped = queueDepths(
            await (await fetch(`${platform.app('payments').url}/metrics`)).text(),
          );
          return scraped.get(deadLetters) === 3 ? scraped : undefined;
        },
        10_000,
        'three dead letters on /metrics',
      );

      expect(depths.get(queue)).toEqual(expect.any(Number));
      await channel.purgeQueue(deadLetters);
    } finally {
      await connection.close();
    }
  });

  it.each(['users', 'orders', 'payments'] as const)(
    'answers the health check of %s for its database and the broker',
    async (service) => {
      const response = await fetch(`${platform.app(service).url}/health`);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'ok',
        info: {
          database: { status: 'up' },
          broker: { status: 'up', messages: expect.any(Number), deadLetters: expect.any(Number) },
        },
      });
    },
  );

  it('names the database in the health check of payments while it refuses connections, and recovers', async () => {
    const database = new URL(platform.environment.paymentsDatabaseUrl).pathname.slice(1);
    const health = `${platform.app('payments').url}/health`;
    await onPostgres(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await onPostgres(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`,
    );

    const whileDown = await eventually(
      async () => {
        const response = await fetch(health);
        return response.status === 503 ? response : undefined;
      },
      10_000,
      'payments to report its database down',
    );
    const body = (await whileDown.json()) as { error: Record<string, unknown> };
    await onPostgres(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    const afterReturn = await eventually(
      async () => ((await statusOf(health)) === 200 ? 200 : undefined),
      20_000,
      'payments to report healthy again',
    );

    expect(Object.keys(body.error)).toEqual(['database']);
    expect(afterReturn).toBe(200);
  });

  itAnsweredAsDocumented(() => proxy);
});

describe('Configuration', () => {
  it.each([
    [
      'users',
      { NODE_ENV: 'production' },
      'Refusing to start in production: JWT_SECRET is the development default',
    ],
    [
      'gateway',
      { NODE_ENV: 'production' },
      'Refusing to start in production: JWT_SECRET is the development default',
    ],
    [
      'gateway',
      { JWT_SECRET: 'too short' },
      'Invalid environment: JWT_SECRET must be at least 32 characters long.',
    ],
    [
      'gateway',
      { TRUST_PROXY: 'true' },
      'Invalid environment: TRUST_PROXY must be a hop count (1) or proxy addresses and subnets (loopback, 10.0.0.0/8, ...).',
    ],
    [
      'orders',
      { MONGO_URL: 'http://example' },
      'Invalid environment: MONGO_URL must be a mongodb:// URL.',
    ],
    [
      'payments',
      { RMQ_QUEUE_TYPE: 'mirrored' },
      'Invalid environment: RMQ_QUEUE_TYPE must be quorum or classic.',
    ],
    [
      'users',
      { RMQ_DELIVERY_LIMIT: '0' },
      'Invalid environment: RMQ_DELIVERY_LIMIT must be a whole number of redeliveries from 1 to 1000.',
    ],
  ])('stops %s at once with one sentence for %j', (app, variables, sentence) => {
    const result = spawnSync(
      platformNode(),
      ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')],
      {
        cwd: join(__dirname, '..'),
        env: { ...process.env, ...variables },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      sentence + (sentence.endsWith('.') ? '' : '; set a secret of your own.'),
    );
  });
});
