import { ChannelModel, connect } from 'amqplib';
import { eventually } from '../harness/eventually';
import { rabbitmqUrl } from '../harness/isolated-environment';
import { ProcessPlatform } from '../harness/process-platform';
import { ChaosShop, chaosVariables } from './chaos-shop';
import { Disruption, runCase } from './fault-case';

describe('A service paused past two RabbitMQ heartbeats (SIGSTOP), then continued', () => {
  let platform: ProcessPlatform;
  let shop: ChaosShop;
  let broker: ChannelModel;

  beforeAll(async () => {
    platform = await ProcessPlatform.start(chaosVariables, undefined, { logLevel: 'warn' });
    shop = await ChaosShop.open(platform);
    broker = await connect(rabbitmqUrl);
  }, 180_000);

  afterAll(async () => {
    await broker?.close();
    await shop?.close();
    await platform?.stop();
  });

  /** Consumers the broker counts on the payments queue: 0 once it dropped the paused process. */
  async function paymentsConsumers(): Promise<number> {
    const channel = await broker.createChannel();
    try {
      const queue = `${platform.environment.queuePrefix}payments`;
      return (await channel.checkQueue(queue)).consumerCount;
    } finally {
      await channel.close();
    }
  }

  it('serves again without a restart, the same process, and keeps every order whole', async () => {
    const payments = platform.app('payments');
    const pidBefore = payments.pid;
    let pausedMs = 0;
    let pausedAt = 0;
    const pause: Disruption = {
      dependency: 'payments process',
      get fault() {
        return `SIGSTOP ${(pausedMs / 1000).toFixed(0)} s, until the broker dropped it; SIGCONT`;
      },
      start: async () => {
        pausedAt = performance.now();
        payments.signal('SIGSTOP');
      },
      // Not a fixed time: the pause lasts until the broker has given up on the silent
      // connection (missed heartbeats), which is the situation the service must survive.
      hold: () =>
        eventually(
          async () => ((await paymentsConsumers()) === 0 ? true : undefined),
          120_000,
          'the broker to drop the paused payments consumer after missed heartbeats',
          500,
        ).then(() => undefined),
      end: async () => {
        pausedMs = performance.now() - pausedAt;
        payments.signal('SIGCONT');
      },
    };

    const result = await runCase('paused', shop, pause);

    expect({ failures: result.failures, pid: platform.app('payments').pid }).toEqual({
      failures: [],
      pid: pidBefore,
    });
  });
});
